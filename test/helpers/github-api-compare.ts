// GitHub's compare endpoint, GET /repos/{owner}/{repo}/compare/{base}...{head}, answered from a real git
// repository's history: status from `git merge-base --is-ancestor`, ahead_by and behind_by from
// `git rev-list --count`, commits and files from `git log` and `git diff`, in the shape GitHub returns;
// 404 for an unknown commit and "No common ancestor" for unrelated histories, as GitHub words them.
// Part of github-api.ts; only erasable TypeScript, like the other helpers.
import { run } from '../e2e/lab/run.js';
import { gitEnv } from './git-history.js';
import { type Answer, DOCS, HttpError, notFound } from './github-api-answers.js';

export const COMPARE_DOCS = `${DOCS}/commits/commits#compare-two-commits`;

/** Where the answer's URLs point: the API base, the web (and git) server, `owner/repo` as GitHub spells it. */
export interface Site {
  api: string;
  web: string;
  fullName: string;
}

const gitIn = (dir: string, args: string[]) => run('git', args, { cwd: dir, env: gitEnv() });

async function gitOut(dir: string, args: string[]): Promise<string> {
  const result = await gitIn(dir, args);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function person(name: string, email: string, date: string) {
  return { name, email, date: date.replace(/\+00:00$/, 'Z') };
}

/** A commit object as the compare endpoint lists it. */
async function commitObject(dir: string, sha: string, site: Site) {
  const format = ['%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%T', '%P', '%B'].join('%x00');
  const fields = (await gitOut(dir, ['show', '-s', `--format=${format}`, sha])).split('\0');
  const [an, ae, ad, cn, ce, cd, tree, parents, message] = fields as [string, ...string[]];
  const api = `${site.api}/repos/${site.fullName}`;
  const web = `${site.web}/${site.fullName}`;
  return {
    sha,
    node_id: Buffer.from(`C_${sha}`).toString('base64'),
    commit: {
      author: person(an, ae!, ad!),
      committer: person(cn!, ce!, cd!),
      message: (message ?? '').trim(),
      tree: { sha: tree, url: `${api}/git/trees/${tree}` },
      url: `${api}/git/commits/${sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${api}/commits/${sha}`,
    html_url: `${web}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    author: null,
    committer: null,
    parents: (parents ?? '')
      .split(' ')
      .filter(Boolean)
      .map((parent) => ({
        sha: parent,
        url: `${api}/commits/${parent}`,
        html_url: `${web}/commit/${parent}`,
      })),
  };
}

const FILE_STATUS: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed' };

/** The files changed from the merge base to head, as compare lists them (without patches). */
async function changedFiles(dir: string, mergeBase: string, head: string, site: Site) {
  const numstat = await gitOut(dir, ['diff', '--numstat', '--no-renames', mergeBase, head]);
  const names = await gitOut(dir, ['diff', '--name-status', '--no-renames', mergeBase, head]);
  const statuses = new Map(
    names
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(2), l[0]!] as const),
  );
  const files = [];
  for (const line of numstat.split('\n').filter(Boolean)) {
    const [added, deleted, filename] = line.split('\t') as [string, string, string];
    const status = FILE_STATUS[statuses.get(filename) ?? 'M'] ?? 'modified';
    const blob = await gitOut(dir, ['rev-parse', `${status === 'removed' ? mergeBase : head}:${filename}`]);
    const additions = Number(added) || 0;
    const deletions = Number(deleted) || 0;
    files.push({
      sha: blob,
      filename,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${site.web}/${site.fullName}/blob/${head}/${filename}`,
      raw_url: `${site.web}/${site.fullName}/raw/${head}/${filename}`,
      contents_url: `${site.api}/repos/${site.fullName}/contents/${filename}?ref=${head}`,
    });
  }
  return files;
}

async function resolve(dir: string, ref: string): Promise<string | undefined> {
  if (!/^[0-9a-f]{4,40}$/i.test(ref)) return undefined;
  const result = await gitIn(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

const isAncestor = async (dir: string, a: string, b: string) =>
  (await gitIn(dir, ['merge-base', '--is-ancestor', a, b])).code === 0;

const count = async (dir: string, range: string) => Number(await gitOut(dir, ['rev-list', '--count', range]));

async function statusOf(dir: string, base: string, head: string): Promise<string> {
  const [headContainsBase, baseContainsHead] = await Promise.all([
    isAncestor(dir, base, head),
    isAncestor(dir, head, base),
  ]);
  if (headContainsBase && baseContainsHead) return 'identical';
  if (headContainsBase) return 'ahead';
  return baseContainsHead ? 'behind' : 'diverged';
}

/** The answer to `compare/{range}` (`base...head`) from the history in `dir`. */
export async function compareCommits(
  dir: string,
  site: Site,
  range: string,
  query: Record<string, string>,
): Promise<Answer> {
  const [baseRef, headRef, ...rest] = range.split('...');
  if (!baseRef || !headRef || rest.length) throw notFound(COMPARE_DOCS);
  const [base, head] = await Promise.all([resolve(dir, baseRef), resolve(dir, headRef)]);
  if (!base || !head) throw notFound(COMPARE_DOCS);
  const mergeBase = await gitIn(dir, ['merge-base', base, head]);
  if (mergeBase.code !== 0) {
    throw new HttpError(404, {
      message: `No common ancestor between ${baseRef} and ${headRef}.`,
      documentation_url: COMPARE_DOCS,
      status: '404',
    });
  }
  const mergeBaseSha = mergeBase.stdout.trim();
  const perPage = Math.min(Number(query.per_page) || 250, 250);
  const page = Math.max(Number(query.page) || 1, 1);
  // Independent questions to git, asked at once.
  const [listed, behindBy, status, baseCommit, mergeBaseCommit, files] = await Promise.all([
    gitOut(dir, ['rev-list', '--reverse', `${base}..${head}`]).then((out) => out.split('\n').filter(Boolean)),
    count(dir, `${head}..${base}`),
    statusOf(dir, base, head),
    commitObject(dir, base, site),
    commitObject(dir, mergeBaseSha, site),
    // GitHub lists the changed files on the first page only.
    page === 1 ? changedFiles(dir, mergeBaseSha, head, site) : undefined,
  ]);
  const pageShas = listed.slice((page - 1) * perPage, page * perPage);
  const web = `${site.web}/${site.fullName}`;
  const body: Record<string, unknown> = {
    url: `${site.api}/repos/${site.fullName}/compare/${baseRef}...${headRef}`,
    html_url: `${web}/compare/${baseRef}...${headRef}`,
    permalink_url: `${web}/compare/${base}...${head}`,
    diff_url: `${web}/compare/${baseRef}...${headRef}.diff`,
    patch_url: `${web}/compare/${baseRef}...${headRef}.patch`,
    base_commit: baseCommit,
    merge_base_commit: mergeBaseCommit,
    status,
    ahead_by: listed.length,
    behind_by: behindBy,
    total_commits: listed.length,
    commits: await Promise.all(pageShas.map((sha) => commitObject(dir, sha, site))),
  };
  if (files) body.files = files;
  return [200, body];
}

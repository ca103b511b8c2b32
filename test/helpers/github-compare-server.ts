// A loopback stand-in for GitHub's REST compare endpoint, GET /repos/{owner}/{repo}/compare/{base}...{head},
// answered from a real git repository's history: status from `git merge-base --is-ancestor`, ahead_by and
// behind_by from `git rev-list --count`, commits and files from `git log` and `git diff`, in the shape
// GitHub returns. Its refusals are GitHub's too: 404 for an unknown repository or commit (and for a private
// repository asked without a token), "No common ancestor" for unrelated histories, 401 for a wrong token,
// 403 for a token without `contents: read`, and primary and secondary rate limits.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../e2e/lab/git-server.js';
import { run } from '../e2e/lab/run.js';
import { forwardRequest } from './auth-proxy.js';
import { gitEnv } from './git-history.js';

export interface CompareServerOptions {
  /** `owner/repo` → the git directory (bare or not) whose history answers. */
  repositories: Record<string, string>;
  /** The token that may read; requests with another token get 401. Default: no token needed. */
  token?: string;
  /** Private repositories answer 404 to a request without a token, as GitHub does. Default true. */
  private?: boolean;
  /** `none`: the token may not read contents (403 "Resource not accessible by integration"). */
  contents?: 'read' | 'none';
  /** `/api/v3` for GitHub Enterprise Server. Default ''. */
  pathPrefix?: string;
  /**
   * A git server (the lab's) to relay every other path to, so that one address serves the repositories
   * over git and the API, as a GitHub server does: `${serverUrl}/org/fleet.git` clones.
   */
  gitUpstream?: string;
  /**
   * Where `owner/repo` lives on the git upstream when its path differs (the lab's repositories are
   * `<name>.git` at the root): `{ 'org/fleet': 'fleet.git' }` relays `/org/fleet.git/info/refs` to
   * `/fleet.git/info/refs`.
   */
  gitPaths?: Record<string, string>;
}

export interface RecordedApiRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export type ApiFault =
  | { status: number } // e.g. 502
  | { rateLimit: 'primary'; resetInSeconds: number }
  | { rateLimit: 'secondary'; retryAfterSeconds: number };

export interface CompareServer {
  /** The API base URL (GITHUB_API_URL), with the path prefix. */
  apiUrl: string;
  /** The server's own address (GITHUB_SERVER_URL): repositories are `${serverUrl}/owner/repo`. */
  serverUrl: string;
  requests: RecordedApiRequest[];
  /** The next `times` requests get `fault`. */
  inject(fault: ApiFault, times?: number): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/commits/commits#compare-two-commits';
const RATE_LIMIT = 5000;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const gitIn = (dir: string, args: string[]) => run('git', args, { cwd: dir, env: gitEnv() });

async function gitOut(dir: string, args: string[]): Promise<string> {
  const result = await gitIn(dir, args);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function refusal(status: number, message: string): Answer {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

interface Site {
  api: string;
  web: string;
  fullName: string;
}

function person(name: string, email: string, date: string) {
  return { name, email, date };
}

/** A commit object as the compare endpoint lists it. */
async function commitObject(dir: string, sha: string, site: Site) {
  const format = ['%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%T', '%P', '%B'].join('%x00');
  const fields = (await gitOut(dir, ['show', '-s', `--format=${format}`, sha])).split('\0');
  const [an, ae, ad, cn, ce, cd, tree, parents, message] = fields as [string, ...string[]];
  const api = `${site.api}/repos/${site.fullName}`;
  return {
    sha,
    node_id: Buffer.from(`C_${sha}`).toString('base64'),
    commit: {
      author: person(an, ae!, ad!.replace(/\+00:00$/, 'Z')),
      committer: person(cn!, ce!, cd!.replace(/\+00:00$/, 'Z')),
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
    html_url: `${site.web}/${site.fullName}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    author: null,
    committer: null,
    parents: (parents ?? '')
      .split(' ')
      .filter(Boolean)
      .map((parent) => ({
        sha: parent,
        url: `${api}/commits/${parent}`,
        html_url: `${site.web}/${site.fullName}/commit/${parent}`,
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

async function compare(dir: string, site: Site, baseRef: string, headRef: string, query: URLSearchParams) {
  const base = await resolve(dir, baseRef);
  const head = await resolve(dir, headRef);
  if (!base || !head) return refusal(404, 'Not Found');
  const mergeBase = await gitIn(dir, ['merge-base', base, head]);
  if (mergeBase.code !== 0) return refusal(404, `No common ancestor between ${baseRef} and ${headRef}.`);
  const mergeBaseSha = mergeBase.stdout.trim();
  const headContainsBase = await isAncestor(dir, base, head);
  const baseContainsHead = await isAncestor(dir, head, base);
  const status =
    headContainsBase && baseContainsHead
      ? 'identical'
      : headContainsBase
        ? 'ahead'
        : baseContainsHead
          ? 'behind'
          : 'diverged';
  const aheadBy = await count(dir, `${base}..${head}`);
  const behindBy = await count(dir, `${head}..${base}`);
  const perPage = Math.min(Number(query.get('per_page')) || 250, 250);
  const page = Math.max(Number(query.get('page')) || 1, 1);
  const listed = (await gitOut(dir, ['rev-list', '--reverse', `${base}..${head}`]))
    .split('\n')
    .filter(Boolean);
  const pageShas = listed.slice((page - 1) * perPage, page * perPage);
  const web = `${site.web}/${site.fullName}`;
  const body: Record<string, unknown> = {
    url: `${site.api}/repos/${site.fullName}/compare/${baseRef}...${headRef}`,
    html_url: `${web}/compare/${baseRef}...${headRef}`,
    permalink_url: `${web}/compare/${base}...${head}`,
    diff_url: `${web}/compare/${baseRef}...${headRef}.diff`,
    patch_url: `${web}/compare/${baseRef}...${headRef}.patch`,
    base_commit: await commitObject(dir, base, site),
    merge_base_commit: await commitObject(dir, mergeBaseSha, site),
    status,
    ahead_by: aheadBy,
    behind_by: behindBy,
    total_commits: aheadBy,
    commits: await Promise.all(pageShas.map((sha) => commitObject(dir, sha, site))),
  };
  // GitHub lists the changed files on the first page only.
  if (page === 1) body.files = await changedFiles(dir, mergeBaseSha, head, site);
  return { status: 200, body };
}

function authorize(options: CompareServerOptions, headers: IncomingHttpHeaders): Answer | undefined {
  const given = /^(?:Bearer|token) (.+)$/i.exec(headers.authorization ?? '')?.[1];
  // GitHub does not admit that a private repository exists to someone who may not see it.
  if (given === undefined) return options.private === false ? undefined : refusal(404, 'Not Found');
  if (options.token !== undefined && given !== options.token) return refusal(401, 'Bad credentials');
  if (options.contents === 'none') return refusal(403, 'Resource not accessible by integration');
  return undefined;
}

/** The answer of the next injected fault, if one is pending. */
function nextFault(faults: { fault: ApiFault; times: number }[]): Answer | undefined {
  const next = faults[0];
  if (!next) return undefined;
  next.times -= 1;
  if (next.times <= 0) faults.shift();
  const { fault } = next;
  if ('status' in fault) return refusal(fault.status, 'Server Error');
  if (fault.rateLimit === 'secondary') {
    const answer = refusal(
      403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    );
    return { ...answer, headers: { 'retry-after': String(fault.retryAfterSeconds) } };
  }
  const reset = Math.floor(Date.now() / 1000) + fault.resetInSeconds;
  const answer = refusal(403, 'API rate limit exceeded for installation ID 1.');
  return { ...answer, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } };
}

/** The upstream path of a git request for `/owner/repo(.git)/...`, per `gitPaths`. */
function gitPath(path: string, gitPaths: Record<string, string>): string {
  for (const [fullName, upstream] of Object.entries(gitPaths)) {
    const m = new RegExp(`^/${fullName}(?:\\.git)?(/.*)?$`, 'i').exec(path);
    if (m) return `/${upstream}${m[1] ?? ''}`;
  }
  return path;
}

export async function startCompareServer(options: CompareServerOptions): Promise<CompareServer> {
  const prefix = options.pathPrefix ?? '';
  const requests: RecordedApiRequest[] = [];
  const faults: { fault: ApiFault; times: number }[] = [];
  let remaining = RATE_LIMIT;
  let base = '';

  async function answer(method: string, rawUrl: string, headers: IncomingHttpHeaders): Promise<Answer> {
    const url = new URL(rawUrl, 'http://api');
    const m = new RegExp(`^${prefix}/repos/([^/]+)/([^/]+)/compare/([^/]+)$`).exec(url.pathname);
    if (method !== 'GET' || !m) return refusal(404, 'Not Found');
    const fullName = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    const entry = Object.entries(options.repositories).find(
      ([n]) => n.toLowerCase() === fullName.toLowerCase(),
    );
    const refused = nextFault(faults) ?? authorize(options, headers);
    if (refused) return refused;
    if (!entry) return refusal(404, 'Not Found');
    const [baseRef, headRef, ...rest] = decodeURIComponent(m[3]!).split('...');
    if (!baseRef || !headRef || rest.length) return refusal(404, 'Not Found');
    const site = { api: `${base}${prefix}`, web: base, fullName: entry[0] };
    return compare(entry[1], site, baseRef, headRef, url.searchParams);
  }

  const send = (res: ServerResponse, reply: Answer) => {
    remaining = Math.max(0, remaining - 1);
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomUUID(),
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    if (options.gitUpstream && !(req.url ?? '').startsWith(`${prefix}/repos/`)) {
      req.url = gitPath(req.url ?? '/', options.gitPaths ?? {});
      forwardRequest(req, res, new URL(options.gitUpstream));
      return;
    }
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    req.resume();
    answer(req.method ?? 'GET', req.url ?? '/', req.headers).then(
      (reply) => send(res, reply),
      (error: Error) => send(res, refusal(500, error.message)),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}${prefix}`,
    serverUrl: base,
    requests,
    inject: (fault, times = 1) => faults.push({ fault, times }),
    close: () => closeServer(server),
  };
}

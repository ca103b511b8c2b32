// How two commits relate, answered by the git repository in the workspace (what actions/checkout left in
// GITHUB_WORKSPACE), when it is a clone of the source's repository. A commit it lacks is fetched from the
// matching remote with the credentials the checkout stored in the repository's own git config.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type GitResult, gitComplaint, runGit } from './git-command.js';
import { displayRepository, sameRepository } from './repository-url.js';
import { type CommitQuestion, type CommitRelation, type UnknownRelation, unknownRelation } from './types.js';

export interface WorkspaceQuestion extends CommitQuestion {
  workspace: string | undefined;
}

const LOCAL_TIMEOUT_MS = 15_000;
const FETCH_TIMEOUT_MS = 60_000;
const FULL_SHA = /^[0-9a-f]{40}$/;

const CHECKOUT_FIX = 'add `actions/checkout` with `fetch-depth: 0` before this step';

type Git = (args: string[], timeoutMs?: number) => Promise<GitResult>;

function gitIn(workspace: string, signal: AbortSignal | undefined): Git {
  return (args, timeoutMs = LOCAL_TIMEOUT_MS) =>
    runGit(args, {
      cwd: workspace,
      timeoutMs,
      signal,
      // Only the workspace itself: a repository in a parent directory is not the checkout.
      env: { GIT_CEILING_DIRECTORIES: dirname(workspace) },
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why a git command that did not succeed cannot answer, and what to do about it. */
function gitFailure(result: GitResult, workspace: string, doing: string): UnknownRelation {
  switch (result.stopped) {
    case 'not-installed':
      return unknownRelation('git is not installed on the runner', `install git, or ${CHECKOUT_FIX}`);
    case 'timeout':
      return unknownRelation(`git took too long to ${doing} in the workspace`, CHECKOUT_FIX);
    case 'aborted':
      return unknownRelation('the run stopped before git answered', '');
  }
  const complaint = gitComplaint(result);
  if (/dubious ownership/i.test(result.stderr)) {
    return unknownRelation(
      `git refuses to read the workspace ${workspace}: it belongs to another user`,
      `run \`git config --global --add safe.directory "${workspace}"\` in an earlier step if you trust it`,
    );
  }
  if (/not a git repository/i.test(result.stderr)) {
    return unknownRelation(`the workspace ${workspace} is not a git checkout`, CHECKOUT_FIX);
  }
  return unknownRelation(`git could not ${doing} in the workspace: ${complaint}`, CHECKOUT_FIX);
}

interface Remote {
  name: string;
  url: string;
}

/** The workspace's remotes that are the source's repository, `origin` first; or why there are none. */
async function matchingRemotes(
  git: Git,
  workspace: string,
  sourceUrl: string,
): Promise<Remote[] | UnknownRelation> {
  const listed = await git(['config', '--local', '--get-regexp', '^remote\\..*\\.url$']);
  // Exit code 1: a repository without remotes.
  if (listed.code !== 0 && listed.code !== 1) return gitFailure(listed, workspace, 'read the remotes');
  const remotes: Remote[] = [];
  for (const line of listed.stdout.split('\n')) {
    const m = /^remote\.(.+)\.url (.+)$/.exec(line.trim());
    // A name starting with `-` would read as an option to git fetch.
    if (m && !m[1]!.startsWith('-')) remotes.push({ name: m[1]!, url: m[2]! });
  }
  const matching = remotes
    .filter((remote) => sameRepository(remote.url, sourceUrl))
    .sort((a, b) => Number(b.name === 'origin') - Number(a.name === 'origin'));
  if (matching.length > 0) return matching;
  const source = displayRepository(sourceUrl);
  const fix = `check out ${source} with \`actions/checkout\` (\`fetch-depth: 0\`) before this step`;
  if (remotes.length === 0) {
    return unknownRelation(`the git repository in the workspace has no remote, so it is not ${source}`, fix);
  }
  const have = displayRepository((remotes.find((r) => r.name === 'origin') ?? remotes[0]!).url);
  return unknownRelation(`the workspace holds a checkout of ${have}, not of ${source}`, fix);
}

/** The full SHA of a commit the repository has, or undefined. */
async function resolveCommit(git: Git, hex: string): Promise<string | undefined | GitResult> {
  const result = await git(['rev-parse', '--verify', '--quiet', `${hex}^{commit}`]);
  if (result.code === 0) return result.stdout.trim();
  return result.code === 1 || result.code === 128 ? undefined : result;
}

/**
 * Fetches one commit by SHA: it lands in the object store and FETCH_HEAD, no branch or tag moves. Two
 * such fetches at once in one repository are safe (each writes its own pack).
 */
function fetchCommit(git: Git, remote: Remote, sha: string): Promise<GitResult> {
  const args = [
    // No background gc or maintenance in the user's checkout after the fetch.
    ...['-c', 'gc.auto=0', '-c', 'maintenance.auto=false'],
    ...['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', remote.name, sha],
  ];
  return git(args, FETCH_TIMEOUT_MS);
}

/** Both commits' full SHAs, fetching what the checkout lacks; or why that is not possible. */
async function haveBoth(
  git: Git,
  question: WorkspaceQuestion & { workspace: string },
  remote: Remote,
): Promise<[string, string] | UnknownRelation> {
  const resolved: string[] = [];
  for (const hex of [question.expected, question.fetched]) {
    let sha = await resolveCommit(git, hex);
    if (sha === undefined && FULL_SHA.test(hex)) {
      const fetched = await fetchCommit(git, remote, hex);
      if (fetched.stopped) return gitFailure(fetched, question.workspace, `fetch ${hex.slice(0, 8)}`);
      if (fetched.code !== 0) {
        return unknownRelation(
          `the checkout of ${displayRepository(remote.url)} in the workspace does not have ${hex.slice(0, 8)}, and \`git fetch ${remote.name}\` could not get it: ${gitComplaint(fetched)}`,
          'keep the credentials `actions/checkout` stores (`persist-credentials: true`, its default), or pass `token` with `contents: read`',
        );
      }
      sha = await resolveCommit(git, hex);
    }
    if (typeof sha === 'object') return gitFailure(sha, question.workspace, `read ${hex.slice(0, 8)}`);
    if (sha === undefined) {
      return unknownRelation(
        `the checkout of ${displayRepository(remote.url)} in the workspace has no commit ${hex}`,
        'give `revision` the full 40-character commit SHA, so that the action can fetch it',
      );
    }
    resolved.push(sha);
  }
  return [resolved[0]!, resolved[1]!];
}

/** True, false, or why git could not say whether `ancestor` is an ancestor of `descendant`. */
async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean | GitResult> {
  const result = await git(['merge-base', '--is-ancestor', ancestor, descendant]);
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  return result;
}

async function compareInRepository(
  git: Git,
  workspace: string,
  [expected, fetched]: [string, string],
  shallow: boolean,
): Promise<CommitRelation> {
  if (expected === fetched) return { relation: 'same' };
  const contains = await isAncestor(git, expected, fetched);
  if (typeof contains === 'object') return gitFailure(contains, workspace, 'compare the commits');
  if (contains) return { relation: 'contains', via: 'workspace' };
  const behind = await isAncestor(git, fetched, expected);
  if (typeof behind === 'object') return gitFailure(behind, workspace, 'compare the commits');
  if (behind) return { relation: 'behind', via: 'workspace' };
  // A shallow clone has cut its history: a path it lacks may exist. Its "yes" is true; its "no" is not.
  if (shallow) {
    return unknownRelation(
      'the checkout in the workspace is shallow: its cut history cannot show that neither commit contains the other',
      'set `fetch-depth: 0` on `actions/checkout`',
    );
  }
  return { relation: 'diverged', via: 'workspace' };
}

/** How the commits relate according to the workspace's clone of the source's repository. */
export async function relateInWorkspace(question: WorkspaceQuestion): Promise<CommitRelation> {
  const { workspace } = question;
  if (!workspace) return unknownRelation('there is no workspace (GITHUB_WORKSPACE is not set)', CHECKOUT_FIX);
  if (!isDirectory(workspace)) {
    return unknownRelation(`the workspace ${workspace} does not exist`, CHECKOUT_FIX);
  }
  const git = gitIn(workspace, question.signal);
  // Also the first sign of a workspace that is no repository, or one git refuses to read.
  const shallow = await git(['rev-parse', '--is-shallow-repository']);
  if (shallow.code !== 0) return gitFailure(shallow, workspace, 'read the repository');
  const remotes = await matchingRemotes(git, workspace, question.sourceUrl);
  if (!Array.isArray(remotes)) return remotes;
  const both = await haveBoth(git, { ...question, workspace }, remotes[0]!);
  if (!Array.isArray(both)) return both;
  return compareInRepository(git, workspace, both, shallow.stdout.trim() === 'true');
}

// How the commit a source fetched relates to the commit the run expects: the same, a newer one that
// contains it, an older one (the push has not arrived), or a rewritten history. Asked, in this order, of
// the workspace's clone of the repository and of GitHub's compare endpoint; when neither can tell, the
// answer says why and how to let them.

import { revisionMatches } from '../flux/revision.js';
import { commitHex } from './commit.js';
import { relateOnGitHub } from './github-compare.js';
import { type AncestryContext, type CommitRelation, type UnknownRelation, unknownRelation } from './types.js';
import { relateInWorkspace } from './workspace.js';

export { commitHex } from './commit.js';
export type { AncestryContext, AncestryVia, CommitRelation, UnknownRelation } from './types.js';
export { describeRelation } from './words.js';

export interface RelateInput {
  /** The source's URL (GitRepository spec.url, or the origin URL of an OCI artifact built from git). */
  sourceUrl: string;
  /** The commit the run waits for: a SHA, or a Flux revision (`main@sha1:<hex>`, `sha1:<hex>`, `main/<hex>`). */
  expected: string;
  /** The commit the source fetched, in the same forms. */
  fetched: string;
  context: AncestryContext;
  signal?: AbortSignal;
}

function joinFixes(fixes: string[]): string {
  return [...new Set(fixes.filter((fix) => fix !== ''))].join(', or ');
}

/** One answer from the two lookups that could not tell. */
function neitherCouldTell(workspace: UnknownRelation, github: UnknownRelation): UnknownRelation {
  return unknownRelation(`${workspace.why}; ${github.why}`, joinFixes([workspace.fix, github.fix]));
}

/** How `fetched` relates to `expected`. Never throws; resolves `unknown` when nothing can tell. */
export async function relateCommits(input: RelateInput): Promise<CommitRelation> {
  const expected = commitHex(input.expected);
  const fetched = commitHex(input.fetched);
  if (expected === undefined) {
    return unknownRelation(
      `the expected revision ${JSON.stringify(input.expected)} is not a git commit`,
      'give `revision` a commit SHA (at least 7 hex characters)',
    );
  }
  if (fetched === undefined) {
    return unknownRelation(`the source's revision ${JSON.stringify(input.fetched)} is not a git commit`, '');
  }
  if (revisionMatches([fetched], expected)) return { relation: 'same' };
  const question = { sourceUrl: input.sourceUrl, expected, fetched, signal: input.signal };
  const { context } = input;
  const inWorkspace = await relateInWorkspace({ ...question, workspace: context.workspace });
  if (inWorkspace.relation !== 'unknown' || input.signal?.aborted) return inWorkspace;
  const onGitHub = await relateOnGitHub({
    ...question,
    apiUrl: context.apiUrl,
    serverUrl: context.serverUrl,
    token: context.token,
    repository: context.repository,
  });
  if (onGitHub.relation !== 'unknown') return onGitHub;
  return neitherCouldTell(inWorkspace, onGitHub);
}

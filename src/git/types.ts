// How the commit a source fetched relates to the commit a run expects (issue: "a newer commit that
// contains the expected one counts"). Shared by the workspace and GitHub lookups and their callers.

export type AncestryVia = 'workspace' | 'github';

export type CommitRelation =
  | { relation: 'same' }
  /** The fetched commit contains (descends from) the expected one. */
  | { relation: 'contains'; via: AncestryVia }
  /** The expected commit contains the fetched one: the push has not arrived yet. */
  | { relation: 'behind'; via: AncestryVia }
  /** Neither contains the other: history was rewritten. */
  | { relation: 'diverged'; via: AncestryVia }
  /** Cannot tell: why, and how to let the action tell next time (for the log and the summary). */
  | { relation: 'unknown'; why: string; fix: string };

export type UnknownRelation = Extract<CommitRelation, { relation: 'unknown' }>;

/** Where to look. Each field is optional: what is missing rules out the lookup that needs it. */
export interface AncestryContext {
  /** A directory that may hold a clone of the source's repository (GITHUB_WORKSPACE). */
  workspace?: string;
  /** The GitHub REST API base (GITHUB_API_URL); derived from serverUrl when absent. */
  apiUrl?: string;
  /** The GitHub server (GITHUB_SERVER_URL); https://github.com when absent. */
  serverUrl?: string;
  /** A token that can read the repository's contents (`contents: read`). */
  token?: string;
  /** The workflow's own repository (GITHUB_REPOSITORY, `owner/repo`), to say which token fits. */
  repository?: string;
}

/** A question with both commits already read as commit hex (lower case, 7 to 40 characters). */
export interface CommitQuestion {
  sourceUrl: string;
  expected: string;
  fetched: string;
  signal?: AbortSignal;
}

export function unknownRelation(why: string, fix: string): UnknownRelation {
  return { relation: 'unknown', why, fix };
}

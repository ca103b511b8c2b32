// The one reader of the runner's GITHUB_* variables: which workflow run this is, on which GitHub. Other
// files ask this module (their tests hand it an environment of their own), never process.env.GITHUB_*.

export interface WorkflowRun {
  /** The checkout (GITHUB_WORKSPACE). */
  workspace: string | undefined;
  /** `owner/repo` (GITHUB_REPOSITORY). */
  repository: string | undefined;
  /** The commit the workflow runs on (GITHUB_SHA); a merge commit on pull_request runs. */
  sha: string | undefined;
  /** `refs/heads/main` (GITHUB_REF). */
  ref: string | undefined;
  eventName: string | undefined;
  /** The triggering event's payload file (GITHUB_EVENT_PATH). */
  eventPath: string | undefined;
  runId: string | undefined;
  /** The GitHub server, without a trailing slash: https://github.com unless GHES or GHE.com. */
  serverUrl: string;
  /** Whether GITHUB_SERVER_URL was set at all (outside a runner it is not, and serverUrl is a guess). */
  serverUrlGiven: boolean;
  /** The REST API base as given (GITHUB_API_URL, trimmed), https://api.github.com when unset. */
  apiUrl: string;
}

const set = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

export function workflowRun(env: NodeJS.ProcessEnv = process.env): WorkflowRun {
  return {
    workspace: set(env.GITHUB_WORKSPACE),
    repository: set(env.GITHUB_REPOSITORY),
    sha: set(env.GITHUB_SHA),
    ref: set(env.GITHUB_REF),
    eventName: set(env.GITHUB_EVENT_NAME),
    eventPath: set(env.GITHUB_EVENT_PATH),
    runId: set(env.GITHUB_RUN_ID),
    serverUrl: withoutTrailingSlash((env.GITHUB_SERVER_URL ?? '').trim() || 'https://github.com'),
    serverUrlGiven: (env.GITHUB_SERVER_URL ?? '').trim() !== '',
    apiUrl: withoutTrailingSlash((env.GITHUB_API_URL ?? '').trim() || 'https://api.github.com'),
  };
}

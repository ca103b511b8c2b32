// One GET against the GitHub REST API through the action's one GitHub client library (@actions/github's
// Octokit: the runner's proxy settings included), answered as status, headers and body whatever the
// status: the commit ancestry reads GitHub's refusals itself and keeps its own retry rule, so this client
// has no retry or throttling plugin. An end comes when the caller's signal aborts.
import type { GitHub } from '@actions/github/lib/utils';

export interface GitHubResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

export type GitHubGet = (
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<GitHubResponse>;

export class GitHubRequestAborted extends Error {
  constructor() {
    super('the request was stopped');
  }
}

type PlainClient = InstanceType<typeof GitHub>;

let client: Promise<PlainClient> | undefined;

/** No `auth`: the caller sends its own authorization header, or none for a public repository. */
function plainClient(): Promise<PlainClient> {
  // Loaded only when asked: the library reads the event payload as it loads.
  client ??= import('@actions/github/lib/utils').then(
    ({ GitHub }) =>
      new GitHub({ userAgent: 'flux-reconcile', log: { debug() {}, info() {}, warn() {}, error() {} } }),
  );
  return client;
}

const bodyText = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data ?? ''));

export const githubGet: GitHubGet = async (url, headers, signal) => {
  if (signal?.aborted) throw new GitHubRequestAborted();
  const octokit = await plainClient();
  try {
    const response = await octokit.request({ method: 'GET', url, headers, request: { signal } });
    return { status: response.status, headers: response.headers, body: bodyText(response.data) };
  } catch (error) {
    if (signal?.aborted) throw new GitHubRequestAborted();
    const refused = error as {
      status?: unknown;
      response?: { headers?: GitHubResponse['headers']; data?: unknown };
    };
    // Octokit throws for every status from 400 on; the answer is in the error.
    if (typeof refused.status === 'number' && refused.status >= 400 && refused.response) {
      return {
        status: refused.status,
        headers: refused.response.headers ?? {},
        body: bodyText(refused.response.data),
      };
    }
    // No answer at all: Octokit's message already names the cause (`connect ECONNREFUSED ...`); its own
    // cause is only undici's `fetch failed`.
    throw new Error(error instanceof Error ? error.message : String(error));
  }
};

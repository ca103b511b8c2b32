// The `version` input: an exact release (`2.9.5`, `v2.9.5`) or `latest`, which is resolved to a tag the way
// the official flux setup action does: the GitHub API when there is a token, else the redirect of
// `<server>/fluxcd/flux2/releases/latest` (which needs no token and no API rate limit). The HTTP client is
// loaded only then: an exact version asks nothing.
import * as core from '@actions/core';
import type { Deadline } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import { workflowRun } from '../github/workflow-run.js';
import type { RetryPolicy } from './download.js';
import { since } from './units.js';

// A release's JSON is a few tens of KiB (its notes and asset list); anything far larger is not GitHub's answer.
export const MAX_API_ANSWER_BYTES = 1024 * 1024;

const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** Normalises the `version` input to `latest` or a version without the leading v. */
export function parseVersionInput(raw: string): string {
  const value = raw.trim();
  if (value === '' || value.toLowerCase() === 'latest') return 'latest';
  const version = value.replace(/^v/, '');
  if (!EXACT_VERSION.test(version)) {
    throw new Error(
      `Input \`version\`: '${value}' is not a flux release. Use an exact release such as \`2.9.6\` (or \`v2.9.6\`), or \`latest\`.`,
    );
  }
  return version;
}

/** Where GitHub is: the runner's own variables, so GitHub Enterprise Server (and tests) point elsewhere. */
export interface GitHubEndpoints {
  apiUrl: string;
  serverUrl: string;
}

export function githubEndpoints(env: NodeJS.ProcessEnv = process.env): GitHubEndpoints {
  const { apiUrl, serverUrl } = workflowRun(env);
  return { apiUrl, serverUrl };
}

export interface ResolveOptions {
  token: string;
  github: GitHubEndpoints;
  retry?: RetryPolicy;
  deadline?: Deadline;
}

function versionFromTag(tag: string, source: string): string {
  const version = tag.replace(/^v/, '');
  if (!EXACT_VERSION.test(version))
    throw new Error(`${source} named '${tag}', which is not a flux release tag`);
  return version;
}

async function latestFromApi(options: ResolveOptions): Promise<string> {
  const url = `${options.github.apiUrl}/repos/fluxcd/flux2/releases/latest`;
  const { DEFAULT_RETRY, downloadText } = await import('./download.js');
  const body = await downloadText(url, MAX_API_ANSWER_BYTES, {
    retry: options.retry ?? DEFAULT_RETRY,
    ...(options.deadline ? { deadline: options.deadline } : {}),
    headers: {
      authorization: `Bearer ${options.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    },
  });
  let tag: unknown;
  try {
    tag = (JSON.parse(body) as { tag_name?: unknown }).tag_name;
  } catch {
    throw new Error(`GET ${url}: the answer is not JSON`);
  }
  if (typeof tag !== 'string') throw new Error(`GET ${url}: the answer has no tag_name`);
  return versionFromTag(tag, `GET ${url}`);
}

async function latestFromRedirect(options: ResolveOptions): Promise<string> {
  const url = `${options.github.serverUrl}/fluxcd/flux2/releases/latest`;
  const { DEFAULT_RETRY, redirectLocation } = await import('./download.js');
  const location = await redirectLocation(url, {
    retry: options.retry ?? DEFAULT_RETRY,
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });
  const tag = /\/releases\/tag\/([^/?#]+)/.exec(location)?.[1];
  if (!tag) throw new Error(`${url} redirected to ${location}, which names no release tag`);
  return versionFromTag(decodeURIComponent(tag), `${url} redirected to ${location}, which`);
}

/** Turns a parsed `version` input into an exact version, asking GitHub only for `latest`. */
export async function resolveVersion(version: string, options: ResolveOptions): Promise<string> {
  if (version !== 'latest') return version;
  const start = performance.now();
  const failures: string[] = [];
  if (options.token) {
    try {
      const resolved = await latestFromApi(options);
      core.info(`Resolved flux latest to ${resolved} with the GitHub API (${formatDuration(since(start))})`);
      return resolved;
    } catch (error) {
      const message = errorMessage(error);
      failures.push(message);
      core.info(`The GitHub API did not tell the latest flux release (${message}); asking the releases page`);
    }
  }
  try {
    const resolved = await latestFromRedirect(options);
    core.info(`Resolved flux latest to ${resolved} from the releases page (${formatDuration(since(start))})`);
    return resolved;
  } catch (error) {
    failures.push(errorMessage(error));
  }
  throw new Error(
    `Could not resolve \`version: latest\` (${failures.join('; ')}). ` +
      'Set the `version` input to an exact release such as `2.9.6`.',
  );
}

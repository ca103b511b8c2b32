// Where the report goes: the repository, the commit, the pull request and this run's page, from the
// variables and the event payload the runner gives every step.
import { readFileSync } from 'node:fs';
import { parseRevision } from '../../flux/revision.js';
import { workflowRun } from '../../github/workflow-run.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ReportTarget {
  /** The REST API's base URL: https://api.github.com, or `https://HOST/api/v3` on GitHub Enterprise Server. */
  apiUrl: string;
  owner: string;
  repo: string;
  /** The full SHA the deployment and the commit status are about; undefined when none is known. */
  sha?: string;
  /** The pull request to comment on; undefined outside a pull request run without `pr-number`. */
  prNumber?: number;
  /** This run's page (`log_url`, `target_url`); undefined when the runner did not say which run. */
  runUrl?: string;
}

interface EventPayload {
  pull_request?: { number?: unknown; head?: { sha?: unknown } };
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
const FULL_SHA1 = /^[0-9a-f]{40}$/i;

/** The payload of the triggering event; an unreadable one is as good as none. */
export function readEventPayload(env: Env): EventPayload {
  const path = workflowRun(env).eventPath;
  if (!path) return {};
  try {
    const payload: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof payload === 'object' && payload !== null ? (payload as EventPayload) : {};
  } catch {
    return {};
  }
}

/** A full commit SHA written as `<sha>`, `sha1:<sha>`, `<ref>@sha1:<sha>` or `<ref>/<sha>`; else no commit. */
export function commitOfRevision(revision: string): string | undefined {
  if (revision === '') return undefined;
  const parsed = parseRevision(revision);
  const isSha1 = parsed.algorithm === undefined || parsed.algorithm === 'sha1';
  // A version's build metadata may be hex too, but it is no commit.
  const hex = parsed.form === 'version' || parsed.form === 'name' ? undefined : parsed.hex;
  return isSha1 && hex && FULL_SHA1.test(hex) ? hex : undefined;
}

/**
 * The commit to report on: the `revision` input when it names one; on a pull request run, the pull
 * request's head (GITHUB_SHA is then a merge commit that the pull request page never shows); else GITHUB_SHA.
 */
export function reportedCommit(revision: string, env: Env, payload: EventPayload): string | undefined {
  const fromRevision = commitOfRevision(revision);
  if (fromRevision) return fromRevision;
  const head = payload.pull_request?.head?.sha;
  const run = workflowRun(env);
  if (PULL_REQUEST_EVENTS.has(run.eventName ?? '') && typeof head === 'string' && FULL_SHA1.test(head))
    return head.toLowerCase();
  const sha = run.sha ?? '';
  return FULL_SHA1.test(sha) ? sha.toLowerCase() : undefined;
}

function pullRequestNumber(given: number | undefined, env: Env, payload: EventPayload): number | undefined {
  if (given !== undefined) return given;
  if (!PULL_REQUEST_EVENTS.has(workflowRun(env).eventName ?? '')) return undefined;
  const n = payload.pull_request?.number;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** `https://HOST/api/v3` style base without a trailing slash, or undefined when it is not an http(s) URL. */
export function apiBaseUrl(env: Env): string | undefined {
  const raw = workflowRun(env).apiUrl;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  } catch {
    return undefined;
  }
  return raw.replace(/\/+$/, '');
}

function runUrl(env: Env): string | undefined {
  const { serverUrl, runId = '', repository } = workflowRun(env);
  if (!/^\d+$/.test(runId) || !repository) return undefined;
  return `${serverUrl}/${repository}/actions/runs/${runId}`;
}

/** The target, or why there is none (said once as the warning; the run goes on). */
export function reportTarget(
  env: Env,
  inputs: { revision: string; prNumber?: number },
  payload: EventPayload = readEventPayload(env),
): ReportTarget | { problem: string } {
  const [owner, repo, ...rest] = (workflowRun(env).repository ?? '').split('/');
  if (!owner || !repo || rest.length > 0) {
    return { problem: 'GITHUB_REPOSITORY is not set as owner/repository (is this a GitHub Actions run?)' };
  }
  const apiUrl = apiBaseUrl(env);
  if (!apiUrl) return { problem: 'GITHUB_API_URL is not an http(s) URL' };
  return {
    apiUrl,
    owner,
    repo,
    sha: reportedCommit(inputs.revision, env, payload),
    prNumber: pullRequestNumber(inputs.prNumber, env, payload),
    runUrl: runUrl(env),
  };
}

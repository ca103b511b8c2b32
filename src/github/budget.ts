// GitHub calls share the run's deadline plus a short reserved share, so that a slow or failing API can
// delay the end of the job by a few seconds at most. The budget is an Octokit plugin placed innermost: it
// runs before every attempt, including the retry and throttling plugins' repeats, and
// - stops any attempt once the time is up (and aborts one in flight through the fetch signal);
// - lets @octokit/plugin-retry plan another attempt only when its wait still fits: that plugin waits
//   (attempt + 1)² seconds and reads how many retries it may make from `request.retries` on each failure;
// - removes every registered secret (kubeconfig values, the token) from the string fields of the body.
import type { Octokit } from '@octokit/core';
import { timerDelay } from '../base/deadline.js';
import { redact } from '../base/secrets.js';

/** What the API calls may add to the run: enough for the final posts after a timeout (writes are 1 s apart). */
export const RESERVED_MS = 10_000;

export interface Deadline {
  /** Epoch milliseconds after which no call is made. */
  at: number;
  signal: AbortSignal;
}

export function deadlineIn(ms: number, now = Date.now()): Deadline {
  const budget = timerDelay(ms);
  return { at: now + budget, signal: AbortSignal.timeout(budget) };
}

export class DeadlineError extends Error {
  override name = 'DeadlineError';
  constructor() {
    super("the run's deadline passed before GitHub answered");
  }
}

// Options of an Octokit request that are not fields of the JSON body.
const NOT_BODY = new Set(['method', 'url', 'baseUrl', 'headers', 'request', 'mediaType', 'owner', 'repo']);

type RequestOptions = Record<string, unknown> & { request?: Record<string, unknown> };

/** Redacts, in place, every string body field of one request. */
export function redactBody(options: RequestOptions): void {
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'string' && !NOT_BODY.has(key)) options[key] = redact(value);
  }
}

/** The plugin; list it before the retry and throttling plugins so that it runs on every attempt. */
export function budgetPlugin(deadline: Deadline, now: () => number = Date.now) {
  const ownRequests = new WeakSet<object>();
  return (octokit: Octokit): void => {
    octokit.hook.before('request', (options) => {
      const opts = options as unknown as RequestOptions;
      if (deadline.signal.aborted || now() >= deadline.at) throw new DeadlineError();
      if (!opts.request || !ownRequests.has(opts.request)) {
        // Octokit hands every call the client's one `request` object, on which the retry plugin counts
        // attempts: without a copy per call, one call's count (and its long wait) leaks into the next.
        const { retryCount: _count, retries: _retries, retryAfter: _after, ...shared } = opts.request ?? {};
        opts.request = { ...shared };
        ownRequests.add(opts.request);
      }
      const request = opts.request;
      request.signal = deadline.signal;
      const attempt = typeof request.retryCount === 'number' ? request.retryCount : 0;
      const nextWaitMs = (attempt + 1) ** 2 * 1000;
      if (now() + nextWaitMs >= deadline.at) request.retries = attempt;
      redactBody(opts);
    });
  };
}

/**
 * The throttling plugin's handlers: wait for a rate limit to lift once, and only when that fits in the
 * budget; otherwise the call fails and becomes part of the one warning.
 */
export function rateLimitHandlers(deadline: Deadline, now: () => number = Date.now) {
  const retryOnceIfItFits = (
    retryAfterSeconds: number,
    _options: unknown,
    _octokit: unknown,
    retryCount: number,
  ) => retryCount < 1 && now() + retryAfterSeconds * 1000 < deadline.at;
  return { onRateLimit: retryOnceIfItFits, onSecondaryRateLimit: retryOnceIfItFits };
}

// The one retry rule of the action and the one loop that applies it. A failure is worth another try when
// the server may answer differently a moment later (408, 409, 425, 429, 5xx, a dropped or refused
// connection); a request the server understood and refused (400, 401, 403, 404, 405, 410, 422, ...) fails
// at once, whoever sent it: the kube client, the watch, or the installer. A server's Retry-After is a
// floor for the wait, never shortened; a wait that cannot end before the deadline is not started.
import { Backoff, type BackoffOptions, sleep } from './backoff.js';

/** Whether an HTTP status may turn into a success if the same request is sent again. */
export function isRetriableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 409 || status === 425 || status === 429;
}

/**
 * A Retry-After header (RFC 9110: delay-seconds or an HTTP date) as milliseconds from `now`;
 * undefined when absent or unreadable.
 */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates end in GMT (RFC 9110 5.6.7); Date.parse alone would take `-1` or `1.5` for dates.
  if (!/GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What one failure means to the loop. */
export interface FailureAdvice {
  retriable: boolean;
  /** The server's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  backoff: BackoffOptions;
  /** Epoch milliseconds: a wait that would end after it is not started; the last error is thrown. */
  deadline?: number;
  /** Attempts in all, the first one included; unbounded when only the deadline bounds them. */
  attempts?: number;
  /** The longest single wait; a Retry-After beyond it ends the retries (default one minute). */
  maxWaitMs?: number;
  /** Stops the waiting: the last error is thrown. */
  signal?: AbortSignal;
  advise(error: unknown): FailureAdvice;
  /** Told before each wait, e.g. to log it. */
  onRetry?(error: unknown, delayMs: number, nextAttempt: number): void;
}

const DEFAULT_MAX_WAIT_MS = 60_000;

/** How long to wait before the next attempt, or undefined when the loop must give up. */
function nextDelay(advice: FailureAdvice, backoff: Backoff, options: RetryOptions): number | undefined {
  if (!advice.retriable) return undefined;
  const delay = Math.max(backoff.next(), advice.retryAfterMs ?? 0);
  if (delay > (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)) return undefined;
  if (options.deadline !== undefined && Date.now() + delay >= options.deadline) return undefined;
  return delay;
}

/** Runs `work` until it succeeds or a failure is not worth another try; throws the last error. */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = new Backoff(options.backoff);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const outOfAttempts = options.attempts !== undefined && attempt >= options.attempts;
      const delay = outOfAttempts ? undefined : nextDelay(options.advise(error), backoff, options);
      if (delay === undefined || options.signal?.aborted) throw error;
      options.onRetry?.(error, delay, attempt + 1);
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

// The one delay schedule of the action: capped exponential backoff with an abortable sleep. API requests,
// watch reconnects, downloads and a source asked again for a commit all wait by it (through retry.ts or
// directly), so "how long until the next try" has one answer.

import { timerDelay } from './deadline.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export class Backoff {
  private nextMs: number;

  constructor(private readonly options: BackoffOptions) {
    this.nextMs = options.initialMs;
  }

  /** The delay to wait now; each call doubles the next one, up to the cap. */
  next(): number {
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.options.maxMs);
    return delay;
  }

  reset(): void {
    this.nextMs = this.options.initialMs;
  }

  /** Sleeps for the next delay; returns early (without throwing) when the signal aborts. */
  sleep(signal?: AbortSignal): Promise<void> {
    return sleep(this.next(), signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timerDelay(ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

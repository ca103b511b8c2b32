// Capped exponential backoff with an abortable sleep, for the watch's reconnects and conflict retries.

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
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

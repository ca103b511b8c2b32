// The step's one deadline (the `timeout` input): an instant, and a signal that aborts at that instant, so
// that every stage below it (preflight, plan, each API request and its retries, a watch still waiting for
// its headers) stops at the same moment instead of adding its own timeout on top.
import { formatDuration } from './duration.js';

export class Deadline {
  private constructor(
    /** Epoch milliseconds; Infinity for none. */
    readonly at: number,
    readonly signal: AbortSignal,
    private readonly budgetMs: number,
  ) {}

  /** A deadline `ms` from `start` (epoch milliseconds, default now). */
  static after(ms: number, start = Date.now()): Deadline {
    const at = start + ms;
    const signal = AbortSignal.timeout(Math.max(0, Math.ceil(at - Date.now())));
    return new Deadline(at, signal, ms);
  }

  /**
   * This deadline, `reserveMs` earlier: the run's share of the step, when what comes after it (the
   * report's reads) keeps the rest. Described as the same timeout.
   */
  reserving(reserveMs: number): Deadline {
    const at = this.at - reserveMs;
    const signal = AbortSignal.any([
      this.signal,
      AbortSignal.timeout(Math.max(0, Math.ceil(at - Date.now()))),
    ]);
    return new Deadline(at, signal, this.budgetMs);
  }

  /** This deadline, ended early when `signal` aborts (the job is cancelled). */
  cancelledBy(signal: AbortSignal): Deadline {
    return new Deadline(this.at, AbortSignal.any([this.signal, signal]), this.budgetMs);
  }

  /** No deadline: for tools and tests that bound their work otherwise. */
  static none(): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, new AbortController().signal, Number.POSITIVE_INFINITY);
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.at - now);
  }

  get expired(): boolean {
    return this.signal.aborted || Date.now() >= this.at;
  }

  /** A signal that aborts at this deadline or after `ms`, whichever comes first. */
  within(ms: number): AbortSignal {
    return AbortSignal.any([this.signal, AbortSignal.timeout(Math.max(0, Math.ceil(ms)))]);
  }

  /** `the 5m timeout`, for messages. */
  describe(): string {
    return Number.isFinite(this.budgetMs) ? `the ${formatDuration(this.budgetMs)} timeout` : 'no timeout';
  }
}

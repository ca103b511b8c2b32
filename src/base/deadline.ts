// The step's one deadline (the `timeout` input): an instant, and a signal that aborts at that instant, so
// that every stage below it (preflight, plan, each API request and its retries, a watch still waiting for
// its headers) stops at the same moment instead of adding its own timeout on top.
import { formatDuration } from './duration.js';

/** The longest delay Node.js timers accept (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A delay every timer accepts: whole milliseconds from 0 to MAX_TIMER_MS. AbortSignal.timeout throws on a
 * fraction, and a time left counted from the step's start (performance.timeOrigin) has one.
 */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms)));
}

export class Deadline {
  private constructor(
    /** Epoch milliseconds; Infinity for none. */
    readonly at: number,
    readonly signal: AbortSignal,
    private readonly budgetMs: number,
  ) {}

  /** A deadline `ms` from `start` (epoch milliseconds, default now). */
  static after(ms: number, start = Date.now()): Deadline {
    // Whole milliseconds from here on: every time left handed out is then one a timer takes.
    const at = Math.floor(start + ms);
    const signal = AbortSignal.timeout(timerDelay(at - Date.now()));
    return new Deadline(at, signal, ms);
  }

  /**
   * This deadline, `reserveMs` earlier: the run's share of the step, when what comes after it (the
   * report's reads) keeps the rest. Described as the same timeout.
   */
  reserving(reserveMs: number): Deadline {
    const at = Math.floor(this.at - reserveMs);
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(timerDelay(at - Date.now()))]);
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

  /** Whole milliseconds, at most MAX_TIMER_MS (also for no deadline): a delay any timer accepts. */
  remainingMs(now = Date.now()): number {
    return timerDelay(this.at - now);
  }

  get expired(): boolean {
    return this.signal.aborted || Date.now() >= this.at;
  }

  /** A signal that aborts at this deadline or after `ms`, whichever comes first. */
  within(ms: number): AbortSignal {
    return AbortSignal.any([this.signal, AbortSignal.timeout(timerDelay(ms))]);
  }

  /** `the 5m timeout`, for messages. */
  describe(): string {
    return Number.isFinite(this.budgetMs) ? `the ${formatDuration(this.budgetMs)} timeout` : 'no timeout';
  }
}

// The step's deadline: counted from the step's start (a fractional performance.timeOrigin included), a
// share kept back for the report, and the job's cancellation ending it early. No clock is asserted: the
// deadlines here are either long past or far away.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deadline, timerDelay } from '../../../src/base/deadline.js';

describe('Deadline', () => {
  it('counts from the step start, which may be a fraction of a millisecond', () => {
    const past = Deadline.after(1_000, performance.timeOrigin - 10_000.25);
    expect(past.expired).toBe(true);
    expect(past.remainingMs()).toBe(0);
    const far = Deadline.after(3_600_000, performance.timeOrigin + 0.5);
    expect(far.expired).toBe(false);
    expect(far.describe()).toBe('the 1h00m00s timeout');
  });

  it("keeps a share back: the run's deadline comes that much earlier, described as the same timeout", () => {
    const step = Deadline.after(300_000);
    const run = step.reserving(5_000);
    expect(step.at - run.at).toBe(5_000);
    expect(run.describe()).toBe('the 5m00s timeout');
    expect(Deadline.after(3_000).reserving(10_000).expired).toBe(true);
  });

  it('ends at once when the job is cancelled, and so does every share and window of it', () => {
    const cancel = new AbortController();
    const step = Deadline.after(300_000).cancelledBy(cancel.signal);
    const run = step.reserving(5_000);
    const window = run.within(60_000);
    cancel.abort();
    expect(step.expired).toBe(true);
    expect(run.expired).toBe(true);
    expect(window.aborted).toBe(true);
  });
});

// Node's timers take whole milliseconds up to 2^31 - 1: AbortSignal.timeout throws on a fraction ("The value
// of "delay" is out of range. It must be an integer"), and setTimeout fires at once past the maximum.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Every time left a deadline can return, made into each kind of timer the action creates. */
function acceptedByEveryTimer(left: number): void {
  expect(Number.isInteger(left), String(left)).toBe(true);
  expect(left).toBeGreaterThanOrEqual(0);
  expect(left).toBeLessThanOrEqual(MAX_TIMER_MS);
  expect(() => AbortSignal.timeout(left)).not.toThrow();
  clearTimeout(setTimeout(() => {}, left));
}

describe('the time left', () => {
  it('is whole milliseconds that every timer accepts, whatever the timeout, start and share kept back', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: MAX_TIMER_MS, noNaN: true }),
        fc.double({ min: -600_000, max: 600_000, noNaN: true }),
        fc.double({ min: 0, max: 5_000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (timeoutMs, startOffset, reserveMs, nowFraction) => {
          const step = Deadline.after(timeoutMs, performance.timeOrigin + startOffset);
          const run = step.reserving(reserveMs);
          for (const deadline of [step, run, run.cancelledBy(new AbortController().signal)]) {
            acceptedByEveryTimer(deadline.remainingMs());
            acceptedByEveryTimer(deadline.remainingMs(Date.now() + nowFraction));
            expect(() => deadline.within(deadline.remainingMs())).not.toThrow();
          }
        },
      ),
    );
    acceptedByEveryTimer(Deadline.none().remainingMs());
  });

  it('makes a timer delay of any number: a fraction, a negative, an infinite or a too long one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN, -1)), (ms) =>
        acceptedByEveryTimer(timerDelay(ms)),
      ),
    );
    expect(timerDelay(8411.0859375)).toBe(8412);
    expect(timerDelay(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
  });
});

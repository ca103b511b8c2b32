// The step's deadline: counted from the step's start (a fractional performance.timeOrigin included), a
// share kept back for the report, and the job's cancellation ending it early. No clock is asserted: the
// deadlines here are either long past or far away.
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/base/deadline.js';

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

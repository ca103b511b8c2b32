import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../../src/diff/bounded.js';

describe('mapBounded', () => {
  it('never has more than the limit in flight, and keeps the order of the input', async () => {
    let inFlight = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const done = mapBounded([...Array(10).keys()], 4, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      return n * 2;
    });
    // Let the work start in whatever order, then release it newest first.
    while (release.length || inFlight) {
      await new Promise((r) => setImmediate(r));
      release.pop()?.();
    }
    expect(await done).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(most).toBe(4);
  });

  it('handles an empty list', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});

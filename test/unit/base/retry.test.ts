// The action's one retry rule and loop: which statuses are worth another try, how Retry-After is read,
// and when the loop gives up. Delays are checked as the loop computes them, never on a clock.
import { describe, expect, it } from 'vitest';
import { isRetriableStatus, retry, retryAfterMs } from '../../../src/base/retry.js';

const FAST = { initialMs: 1, maxMs: 4 };
const statusError = (status: number, retryAfter?: number) =>
  Object.assign(new Error(`HTTP ${status}`), { status, retryAfter });
const advise = (error: unknown) => {
  const { status, retryAfter } = error as { status: number; retryAfter?: number };
  return {
    retriable: isRetriableStatus(status),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  };
};

describe('isRetriableStatus', () => {
  it('retries what may pass: timeouts, conflicts, throttling, server errors', () => {
    for (const status of [408, 409, 425, 429, 500, 502, 503, 504])
      expect(isRetriableStatus(status)).toBe(true);
  });

  it('never retries what the server understood and refused', () => {
    for (const status of [400, 401, 403, 404, 405, 410, 415, 422])
      expect(isRetriableStatus(status)).toBe(false);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-01-31T10:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Fri, 31 Jan 2025 10:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Fri, 31 Jan 2025 09:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', 'soon', '-1', '1.5', 42])
      expect(retryAfterMs(bad, now)).toBeUndefined();
  });
});

describe('retry', () => {
  it('tries again after a transient failure, with growing delays, until it succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw statusError(503);
        return 'done';
      },
      { backoff: FAST, advise, onRetry: (_e, delay) => delays.push(delay) },
    );
    expect(result).toBe('done');
    expect(delays).toEqual([1, 2, 4]);
  });

  it('stops at once on a permanent status', async () => {
    for (const status of [400, 401, 403, 404, 422]) {
      let calls = 0;
      await expect(
        retry(
          async () => {
            calls++;
            throw statusError(status);
          },
          { backoff: FAST, advise },
        ),
      ).rejects.toThrow(`HTTP ${status}`);
      expect(calls).toBe(1);
    }
  });

  it("waits at least the server's Retry-After", async () => {
    const delays: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw statusError(429, 30);
      },
      { backoff: FAST, advise, onRetry: (_e, delay) => delays.push(delay) },
    );
    expect(delays).toEqual([30]);
  });

  it('gives up instead of waiting past the deadline or the longest wait', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw statusError(503, 5_000);
    };
    await expect(retry(failing, { backoff: FAST, advise, deadline: Date.now() + 1_000 })).rejects.toThrow(
      'HTTP 503',
    );
    expect(calls).toBe(1);
    await expect(retry(failing, { backoff: FAST, advise, maxWaitMs: 1_000 })).rejects.toThrow('HTTP 503');
    expect(calls).toBe(2);
  });

  it('counts attempts, and stops when its signal aborts', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw statusError(500);
    };
    await expect(retry(failing, { backoff: FAST, advise, attempts: 3 })).rejects.toThrow('HTTP 500');
    expect(calls).toBe(3);
    const stop = new AbortController();
    calls = 0;
    await expect(
      retry(failing, {
        backoff: { initialMs: 60_000, maxMs: 60_000 },
        advise,
        signal: stop.signal,
        onRetry: () => stop.abort(),
      }),
    ).rejects.toThrow('HTTP 500');
    expect(calls).toBe(1);
  });
});

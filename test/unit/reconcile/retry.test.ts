import { describe, expect, it } from 'vitest';
import { withContext } from '../../../src/kube/errors.js';
import { isTransient, withRetry } from '../../../src/reconcile/retry.js';

const apiError = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code, body: '{}' });

describe('withRetry', () => {
  it('retries a network error or a 5xx until it succeeds', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new Error('fetch failed');
        if (calls === 2) throw withContext('Kustomization a/b', apiError(503));
        return 'done';
      },
      Date.now() + 10_000,
      1,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('returns an error the user must fix at once, also when wrapped with context', async () => {
    let calls = 0;
    const forbidden = withContext('Kustomization a/b', apiError(403));
    await expect(
      withRetry(
        async () => {
          calls++;
          throw forbidden;
        },
        Date.now() + 10_000,
        1,
      ),
    ).rejects.toBe(forbidden);
    expect(calls).toBe(1);
    expect(isTransient(withContext('x', apiError(404)))).toBe(false);
    expect(isTransient(withContext('x', apiError(429)))).toBe(true);
  });

  it('gives up at the deadline with the last error', async () => {
    await expect(
      withRetry(async () => Promise.reject(new Error('fetch failed')), Date.now() + 30, 10),
    ).rejects.toThrow('fetch failed');
  });
});

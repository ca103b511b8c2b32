// Transient API errors (network, 5xx, 429) are retried with backoff until the run's deadline; an error the
// user must fix (403, 404, 422) is returned at once.
import { httpStatusOf } from '../kube/errors.js';

const PERMANENT = new Set([400, 401, 403, 404, 405, 422]);

export function isTransient(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === undefined || !PERMANENT.has(status);
}

export async function withRetry<T>(work: () => Promise<T>, deadline: number, firstDelayMs = 250): Promise<T> {
  let delay = firstDelayMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || Date.now() + delay >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

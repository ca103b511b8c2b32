// Polling with a deadline: the lab waits for real things (a port, a condition), never for a fixed time.

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message: "kube-apiserver /readyz". */
  what: string;
  /** Called on timeout to add context (e.g. the tail of a log file). */
  context?: () => string;
  /** Throws to stop waiting at once (e.g. the process being waited for has exited). */
  alive?: () => void;
}

/** Calls `probe` until it returns a value other than undefined; throws after the timeout with the last error. */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  let lastError: unknown;
  for (;;) {
    options.alive?.();
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `: last error: ${describeError(lastError)}` : '';
      const extra = options.context ? `\n${options.context()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}${extra}`);
    }
    await sleep(interval);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An error's message with its cause chain (fetch hides the useful part in `cause`). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = (current as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ');
}

// Which failures of a Kubernetes API request are worth another try: an HTTP status by the action's one
// rule (retry.ts), with the API server's Retry-After; a connection that failed, dropped or timed out. An
// error already explained for a person (an exec plugin missing or failing) or any other error is not:
// retrying would only repeat it until the deadline.
import { type FailureAdvice, isRetriableStatus, retryAfterMs } from '../base/retry.js';
import { ClusterAccessError, httpStatusOf } from './errors.js';

// Codes Node and undici give a connection that could not be made or was lost.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function retryAfterOf(error: unknown): number | undefined {
  const headers = (error as { headers?: unknown }).headers;
  if (!headers || typeof headers !== 'object') return undefined;
  return retryAfterMs((headers as Record<string, unknown>)['retry-after']);
}

/** The innermost string code in an error's cause chain: fetch wraps the socket error, undici again. */
function innermostCode(error: unknown): string | undefined {
  let found: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') found = code;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

/**
 * A connection that failed, dropped or timed out. A certificate the kubeconfig does not trust also fails
 * the fetch, but every new connection would fail the same way: that is not transient.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof ClusterAccessError) return false;
  if (error.name === 'TimeoutError') return true;
  const code = innermostCode(error);
  if (code !== undefined) return NETWORK_CODES.has(code);
  return error.message === 'fetch failed' || error.message === 'terminated';
}

export function adviseOnKubeFailure(error: unknown): FailureAdvice {
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const after = retryAfterOf(error);
    return { retriable: isRetriableStatus(status), ...(after !== undefined ? { retryAfterMs: after } : {}) };
  }
  return { retriable: isNetworkFailure(error) };
}

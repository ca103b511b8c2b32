// Any error from @kubernetes/client-node, as one line a person understands: the HTTP status and the API
// server's own message, or the network cause (ECONNREFUSED, certificate problems) and the server URL.
// Never the request or response headers; always through the secret redaction.
import { STATUS_CODES } from 'node:http';
import { redact } from '../base/secrets.js';
import { hideUrlCredentials } from '../base/url-credentials.js';

/** An error whose message is already written for a person; describeError passes it through. */
export class ClusterAccessError extends Error {
  override name = 'ClusterAccessError';
}

interface WithCause {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  address?: unknown;
  port?: unknown;
}

/** The HTTP status of a client-node error: ApiException has `code`, a failed watch has `statusCode`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const candidate = error as { code?: unknown; statusCode?: unknown; body?: unknown };
  if (typeof candidate.statusCode === 'number') return candidate.statusCode;
  // Only ApiException carries a numeric `code` together with a `body`; Node errors have string codes.
  if (typeof candidate.code === 'number' && 'body' in candidate) return candidate.code;
  return undefined;
}

/** The `message` of a Kubernetes Status in an error body (a JSON string or an object), if any. */
function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      const text = (value as string).trim();
      return text.length > 0 && text.length < 500 ? text : undefined;
    }
  }
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message;
  }
  return undefined;
}

const HTTP_HINTS: Record<number, string> = {
  401: 'the API server did not accept the credentials (expired or wrong token, certificate or exec plugin output)',
  403: 'the credentials lack a permission',
  404: 'not found',
  429: 'the API server is throttling requests',
};

function describeHttp(status: number, body: unknown): string {
  const reason = STATUS_CODES[status] ?? 'error';
  const message = statusMessage(body) ?? HTTP_HINTS[status];
  return message ? `HTTP ${status} ${reason}: ${message}` : `HTTP ${status} ${reason}`;
}

// Causes a person can act on, by the code Node or undici gives them.
const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there: is the cluster running and the address right?',
  ENOTFOUND: 'the host name does not resolve: a private cluster the runner cannot see?',
  EAI_AGAIN: 'the host name does not resolve (DNS is not answering)',
  ETIMEDOUT: 'the connection timed out: a firewall, or an API server allow-list without this runner?',
  UND_ERR_CONNECT_TIMEOUT:
    'the connection timed out: a firewall, or an API server allow-list without this runner?',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable from this runner',
  ENETUNREACH: 'the network is unreachable from this runner',
  UND_ERR_SOCKET: 'the connection was closed by the other side',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "the server's certificate is self-signed and not trusted: set certificate-authority-data in the kubeconfig",
  SELF_SIGNED_CERT_IN_CHAIN:
    "the server's certificate chain is not trusted: check certificate-authority-data in the kubeconfig",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the server's certificate is not signed by the kubeconfig's certificate authority: check certificate-authority-data",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the server's certificate is not signed by the kubeconfig's certificate authority: check certificate-authority-data",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID:
    "the server's certificate does not name this host: check the server address, or set tls-server-name",
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS there: check http:// vs https:// and the port',
};

/** The innermost cause with a code: fetch wraps the socket error, undici sometimes wraps it again. */
function networkCause(error: WithCause): WithCause | undefined {
  let current: unknown = error.cause;
  let found: WithCause | undefined;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const cause = current as WithCause;
    if (typeof cause.code === 'string' || !found) found = cause;
    current = cause.cause;
  }
  return found;
}

function describeNetwork(error: WithCause, server: string | undefined): string {
  const cause = networkCause(error);
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const detail = typeof cause?.message === 'string' ? cause.message : '';
  const hint = code ? NETWORK_HINTS[code] : undefined;
  const where = server ? `cannot reach the API server ${server}` : 'cannot reach the API server';
  let what = detail || code || 'network error';
  if (code && detail && !detail.includes(code)) what = `${code}: ${detail}`;
  return hint ? `${where}: ${what} (${hint})` : `${where}: ${what}`;
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** One line for a person: what went wrong, without headers or secrets. `server` is the API server URL. */
export function describeError(error: unknown, server?: string): string {
  return redact(hideUrlCredentials(oneLine(describeRaw(error, server))));
}

function describeRaw(error: unknown, server: string | undefined): string {
  if (error instanceof ClusterAccessError) return error.message;
  const status = httpStatusOf(error);
  if (status !== undefined) return describeHttp(status, (error as { body?: unknown }).body);
  if (!(error instanceof Error)) return String(error);
  if (error.message === 'fetch failed' || error.message === 'terminated')
    return describeNetwork(error, server);
  if (isTimeout(error)) {
    return server
      ? `no answer from the API server ${server} in time`
      : 'no answer from the API server in time';
  }
  const code = (error as WithCause).code;
  if (typeof code === 'string' && NETWORK_HINTS[code]) return describeNetwork({ cause: error }, server);
  return error.message || error.name;
}

/** `Kustomization flux-system/apps: HTTP 403 Forbidden: ...` */
export function withContext(label: string, error: unknown, server?: string): ClusterAccessError {
  const wrapped = new ClusterAccessError(`${label}: ${describeError(error, server)}`);
  const status = httpStatusOf(error);
  if (status !== undefined) Object.assign(wrapped, { statusCode: status });
  return wrapped;
}

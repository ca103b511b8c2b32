// HTTP GET with retries: release hosts and mirrors fail transiently (5xx, resets, cut-off bodies), and one
// such blip should not fail a deployment. A 404 or other client error is final and is never retried.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as core from '@actions/core';
import { HttpClient, type HttpClientResponse } from '@actions/http-client';
import { formatMs } from './units.js';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Wait before the second attempt; doubles after each failure up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };

export interface RequestOptions {
  retry?: RetryPolicy;
  headers?: Record<string, string>;
  /** Idle socket timeout: a stalled transfer fails (and is retried) instead of hanging the job. */
  socketTimeoutMs?: number;
}

const USER_AGENT = 'flux-reconcile';

/** The server answered with a status that is not 200. The URL in the message has no credentials. */
export class HttpStatusError extends Error {
  readonly status: number;

  constructor(url: string, status: number, statusText: string, method = 'GET') {
    super(`${method} ${redactUrl(url)}: HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    this.status = status;
  }
}

/** The body ended before Content-Length said it would. */
export class TruncatedBodyError extends Error {
  constructor(url: string, received: number, expected: number, cause?: unknown) {
    super(`GET ${redactUrl(url)}: the body was cut off after ${received} of ${expected} bytes`, { cause });
  }
}

function isRetriable(error: unknown): boolean {
  if (error instanceof HttpStatusError) {
    return error.status >= 500 || error.status === 408 || error.status === 429;
  }
  return true; // network errors, resets, timeouts, truncated bodies
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's network errors keep the useful part (ECONNREFUSED, the address) in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Runs `attempt` until it succeeds, a non-retriable error occurs, or the attempts run out. */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
): Promise<T> {
  let delay = policy.baseDelayMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error)) throw error;
      // Our own errors start with `${what}: `; do not say it twice.
      const reason = describe(error).replace(`${what}: `, '');
      if (n >= policy.attempts) {
        throw new Error(`${what} failed after ${n} attempts: ${reason}`, { cause: error });
      }
      core.info(
        `${what} failed (${reason}); retrying in ${formatMs(delay)} (attempt ${n + 1} of ${policy.attempts})`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

/** The URL with its user:password part hidden, for messages: a mirror's URL may carry credentials. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * http-client ignores a URL's user:password, so they become a Basic Authorization header (artifact
 * proxies often want one) and leave the URL, which then appears in messages.
 */
function credentialsAsHeader(url: string, headers: Record<string, string> = {}) {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url, headers };
  const userinfo = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  const authorization = `Basic ${Buffer.from(userinfo).toString('base64')}`;
  return { url: parsed.toString(), headers: { ...headers, authorization } };
}

async function get(url: string, options: RequestOptions): Promise<HttpClientResponse> {
  const client = new HttpClient(USER_AGENT, [], {
    allowRetries: false, // retries are ours, with backoff and truncation checks
    socketTimeout: options.socketTimeoutMs ?? 60_000,
  });
  const request = credentialsAsHeader(url, options.headers);
  const response = await client.get(request.url, request.headers);
  const status = response.message.statusCode ?? 0;
  if (status !== 200) {
    response.message.resume(); // drain, so the socket is released
    throw new HttpStatusError(url, status, response.message.statusMessage ?? '');
  }
  return response;
}

function expectedLength(response: HttpClientResponse): number | undefined {
  const header = response.message.headers['content-length'];
  const length = header === undefined ? Number.NaN : Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** Streams the body through `sink`, failing with TruncatedBodyError when fewer bytes arrive than announced. */
async function receive(
  url: string,
  response: HttpClientResponse,
  sink: NodeJS.WritableStream,
): Promise<number> {
  const expected = expectedLength(response);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(response.message, counter, sink);
  } catch (error) {
    if (expected !== undefined && received < expected)
      throw new TruncatedBodyError(url, received, expected, error);
    throw error;
  }
  if (expected !== undefined && received !== expected) throw new TruncatedBodyError(url, received, expected);
  return received;
}

/** Downloads `url` into the file `dest` (replaced on each attempt); returns the number of bytes. */
export async function downloadFile(url: string, dest: string, options: RequestOptions = {}): Promise<number> {
  return withRetries(`GET ${redactUrl(url)}`, options.retry ?? DEFAULT_RETRY, async () => {
    const response = await get(url, options);
    try {
      return await receive(url, response, createWriteStream(dest));
    } catch (error) {
      await rm(dest, { force: true });
      throw error;
    }
  });
}

/** Downloads `url` as text. */
export async function downloadText(url: string, options: RequestOptions = {}): Promise<string> {
  return withRetries(`GET ${redactUrl(url)}`, options.retry ?? DEFAULT_RETRY, async () => {
    const response = await get(url, options);
    const chunks: Buffer[] = [];
    const collect = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await receive(url, response, collect);
    return Buffer.concat(chunks).toString('utf8');
  });
}

/** The Location of a redirect from `url`, without following it. */
export async function redirectLocation(url: string, options: RequestOptions = {}): Promise<string> {
  return withRetries(`HEAD ${url}`, options.retry ?? DEFAULT_RETRY, async () => {
    const client = new HttpClient(USER_AGENT, [], {
      allowRetries: false,
      allowRedirects: false,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
    });
    const response = await client.head(url, options.headers ?? {});
    response.message.resume();
    const status = response.message.statusCode ?? 0;
    const location = response.message.headers.location;
    if (status < 300 || status >= 400 || !location) {
      throw new HttpStatusError(
        url,
        status,
        `${response.message.statusMessage ?? ''} (expected a redirect)`.trim(),
        'HEAD',
      );
    }
    return new URL(location, url).toString();
  });
}

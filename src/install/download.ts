// HTTP GET with retries: release hosts and mirrors fail transiently (5xx, resets, cut-off bodies), and one
// such blip should not fail a deployment. What is worth another try, and how soon, is the action's one
// rule (retry.ts): a 404 or other client error is final, a Retry-After is honoured.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as core from '@actions/core';
import { HttpClient, type HttpClientResponse } from '@actions/http-client';
import type { Deadline } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import { type FailureAdvice, isRetriableStatus, retry, retryAfterMs } from '../base/retry.js';
import { formatBytes } from './units.js';

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
  /** The step's deadline: no retry starts that would end after it, and the transfer under way stops at it. */
  deadline?: Deadline;
  headers?: Record<string, string>;
  /** Idle socket timeout: a stalled transfer fails (and is retried) instead of hanging the job. */
  socketTimeoutMs?: number;
}

const USER_AGENT = 'flux-reconcile';

/** The server answered with a status that is not 200. The URL in the message has no credentials. */
export class HttpStatusError extends Error {
  readonly status: number;
  /** The server's Retry-After, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(url: string, status: number, statusText: string, method = 'GET', retryAfter?: unknown) {
    super(`${method} ${redactUrl(url)}: HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs(retryAfter);
  }
}

/** The body is larger than what the action ever expects at this URL: a wrong URL or a hostile server. */
export class TooLargeError extends Error {
  constructor(url: string, limit: number) {
    super(
      `GET ${redactUrl(url)}: the answer is larger than ${formatBytes(limit)}, far more than expected; refusing to read it`,
    );
  }
}

/** The body ended before Content-Length said it would. */
export class TruncatedBodyError extends Error {
  constructor(url: string, received: number, expected: number, cause?: unknown) {
    super(`GET ${redactUrl(url)}: the body was cut off after ${received} of ${expected} bytes`, { cause });
  }
}

function advise(error: unknown): FailureAdvice {
  if (error instanceof HttpStatusError) {
    const after = error.retryAfterMs;
    return {
      retriable: isRetriableStatus(error.status),
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    };
  }
  // Network errors, resets, timeouts, truncated bodies.
  return { retriable: !(error instanceof TooLargeError) };
}

/** Runs `attempt` until it succeeds, a non-retriable error occurs, or the attempts run out. */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  deadline?: Deadline,
): Promise<T> {
  let attempts = 0;
  // Our own errors start with `${what}: `; do not say it twice.
  const reason = (error: unknown) => errorMessage(error).replace(`${what}: `, '');
  try {
    return await retry(
      (n) => {
        attempts = n;
        return attempt();
      },
      {
        attempts: policy.attempts,
        backoff: { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs },
        ...(deadline ? { deadline: deadline.at, signal: deadline.signal } : {}),
        advise,
        onRetry: (error, delayMs, next) =>
          core.info(
            `${what} failed (${reason(error)}); retrying in ${formatDuration(delayMs)} (attempt ${next} of ${policy.attempts})`,
          ),
      },
    );
  } catch (error) {
    if (attempts <= 1 || !advise(error).retriable) throw error;
    throw new Error(`${what} failed after ${attempts} attempts: ${reason(error)}`, { cause: error });
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

/**
 * One attempt over a client of its own, stopped when the deadline's signal aborts: disposing of the client
 * destroys its connections, so a host that stops answering ends at the step's timeout, not the socket's.
 */
async function attempt<T>(
  url: string,
  options: RequestOptions,
  work: (client: HttpClient) => Promise<T>,
  method: 'GET' | 'HEAD' = 'GET',
): Promise<T> {
  const client = new HttpClient(USER_AGENT, [], {
    allowRetries: false, // retries are ours, with backoff and truncation checks
    // The HEAD reads the redirect itself.
    allowRedirects: method === 'GET',
    socketTimeout: options.socketTimeoutMs ?? 60_000,
  });
  const { deadline } = options;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      client.dispose();
      const ranOut = deadline && Date.now() >= deadline.at ? ` when ${deadline.describe()} ran out` : '';
      reject(new Error(`${method} ${redactUrl(url)}: stopped${ranOut}`));
    };
    if (deadline?.signal.aborted) onAbort();
    else deadline?.signal.addEventListener('abort', onAbort, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    return await Promise.race([work(client), stopped]);
  } finally {
    if (onAbort) deadline?.signal.removeEventListener('abort', onAbort);
    client.dispose();
  }
}

async function get(client: HttpClient, url: string, options: RequestOptions): Promise<HttpClientResponse> {
  const request = credentialsAsHeader(url, options.headers);
  const response = await client.get(request.url, request.headers);
  const status = response.message.statusCode ?? 0;
  if (status !== 200) {
    response.message.resume(); // drain, so the socket is released
    const retryAfter = response.message.headers['retry-after'];
    throw new HttpStatusError(url, status, response.message.statusMessage ?? '', 'GET', retryAfter);
  }
  return response;
}

function expectedLength(response: HttpClientResponse): number | undefined {
  const header = response.message.headers['content-length'];
  const length = header === undefined ? Number.NaN : Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Streams the body through `sink`, failing with TruncatedBodyError when fewer bytes arrive than announced,
 * and with TooLargeError as soon as more than `maxBytes` are announced or arrive.
 */
async function receive(
  url: string,
  response: HttpClientResponse,
  sink: NodeJS.WritableStream,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<number> {
  const expected = expectedLength(response);
  if (expected !== undefined && expected > maxBytes) {
    response.message.destroy();
    throw new TooLargeError(url, maxBytes);
  }
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) done(new TooLargeError(url, maxBytes));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(response.message, counter, sink);
  } catch (error) {
    if (error instanceof TooLargeError) throw error;
    if (expected !== undefined && received < expected)
      throw new TruncatedBodyError(url, received, expected, error);
    throw error;
  }
  if (expected !== undefined && received !== expected) throw new TruncatedBodyError(url, received, expected);
  return received;
}

/** Downloads `url` into the file `dest` (replaced on each attempt); returns the number of bytes. */
export async function downloadFile(url: string, dest: string, options: RequestOptions = {}): Promise<number> {
  return withRetries(
    `GET ${redactUrl(url)}`,
    options.retry ?? DEFAULT_RETRY,
    () =>
      attempt(url, options, async (client) => {
        const response = await get(client, url, options);
        try {
          return await receive(url, response, createWriteStream(dest));
        } catch (error) {
          await rm(dest, { force: true });
          throw error;
        }
      }),
    options.deadline,
  );
}

/** Downloads `url` as text of at most `maxBytes`. */
export async function downloadText(
  url: string,
  maxBytes: number,
  options: RequestOptions = {},
): Promise<string> {
  return withRetries(
    `GET ${redactUrl(url)}`,
    options.retry ?? DEFAULT_RETRY,
    () =>
      attempt(url, options, async (client) => {
        const response = await get(client, url, options);
        const chunks: Buffer[] = [];
        const collect = new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk);
            done();
          },
        });
        await receive(url, response, collect, maxBytes);
        return Buffer.concat(chunks).toString('utf8');
      }),
    options.deadline,
  );
}

/** The Location of a redirect from `url`, without following it. */
export async function redirectLocation(url: string, options: RequestOptions = {}): Promise<string> {
  return withRetries(
    `HEAD ${url}`,
    options.retry ?? DEFAULT_RETRY,
    () => attempt(url, options, (client) => headLocation(client, url, options), 'HEAD'),
    options.deadline,
  );
}

async function headLocation(client: HttpClient, url: string, options: RequestOptions): Promise<string> {
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
}

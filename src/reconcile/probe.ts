// `verify-url`: asking the app from the runner. One GET at a time, each bounded (time, and how much of the
// body is read); redirects followed only within the same host (and never from https down to plain http
// unless plain http is allowed); the environment's proxy honoured. Asked again with the action's one
// backoff until it answers as expected or the time given runs out. Whether an answer is as expected is
// decided by probe-verdict.ts.

import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { Backoff, sleep } from '../base/backoff.js';
import { errorMessage } from '../base/error-message.js';
import { hideUrlCredentials, isLoopbackUrl } from '../base/url-credentials.js';
import type { VerifyUrl } from '../inputs/types.js';
import { proxyFromEnvironment } from '../kube/proxy-env.js';
import { answerProblem, bodyExcerpt, expectedWords } from './probe-verdict.js';
import type { ProbeAnswer, ProbeResult } from './types.js';

/** Read of a body at most: enough for a health or version page, never a download. */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;
/** One question's time: a health endpoint that takes longer than this is not healthy. */
const ATTEMPT_TIMEOUT_MS = 10_000;
const RETRY_BACKOFF = { initialMs: 1_000, maxMs: 10_000 };
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One question's outcome: an answer (any status), or why there was none. */
export type Asked = { answer: ProbeAnswer; body: string } | { error: string };

/** Asks URLs over kept-alive connections (a direct one, one per proxy), all closed by `close()`. */
export class Prober {
  private readonly dispatchers = new Map<string, Dispatcher>();

  private dispatcher(url: URL): Dispatcher {
    const proxy = proxyFromEnvironment(url.toString()) ?? '';
    let found = this.dispatchers.get(proxy);
    if (!found) {
      found = proxy
        ? new ProxyAgent({ uri: proxy })
        : new Agent({ connect: { timeout: ATTEMPT_TIMEOUT_MS } });
      this.dispatchers.set(proxy, found);
    }
    return found;
  }

  /** One GET, following redirects within the host; never throws. */
  async ask(target: VerifyUrl, signal: AbortSignal): Promise<Asked> {
    const started = performance.now();
    const attempt = AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]);
    let url = new URL(target.url);
    try {
      for (let hop = 0; ; hop++) {
        const response = await request(url, {
          method: 'GET',
          dispatcher: this.dispatcher(url),
          signal: attempt,
          headers: { 'user-agent': 'flux-reconcile', accept: '*/*' },
        });
        const location = response.headers.location;
        const next =
          REDIRECT_STATUSES.has(response.statusCode) && typeof location === 'string'
            ? new URL(location, url)
            : undefined;
        if (next && hop < MAX_REDIRECTS && followable(url, next, target)) {
          await response.body.dump();
          url = next;
          continue;
        }
        const body = await readCapped(response.body);
        const answer: ProbeAnswer = {
          status: response.statusCode,
          excerpt: bodyExcerpt(body),
          ms: Math.round(performance.now() - started),
          ...(next ? { redirect: hideUrlCredentials(next.toString()) } : {}),
        };
        return { answer, body };
      }
    } catch (error) {
      if (signal.aborted) return { error: 'asked when the time for it ran out' };
      return { error: networkWords(error, attempt) };
    }
  }

  async close(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.allSettled(all.map((d) => d.destroy()));
  }
}

/** Same host and port; from https to plain http only where plain http is allowed. */
function followable(from: URL, to: URL, target: VerifyUrl): boolean {
  if (to.host !== from.host || (to.protocol !== 'https:' && to.protocol !== 'http:')) return false;
  if (to.username || to.password) return false;
  return !(
    from.protocol === 'https:' &&
    to.protocol === 'http:' &&
    !isLoopbackUrl(to) &&
    !target.allowInsecure
  );
}

/** The body as text, at most MAX_BODY_BYTES of it; the rest is not read. */
async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    chunks.push(bytes.subarray(0, Math.max(0, MAX_BODY_BYTES - size)));
    size += bytes.length;
    if (size >= MAX_BODY_BYTES) break;
  }
  if (size >= MAX_BODY_BYTES) body.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

function networkWords(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return `no answer within ${ATTEMPT_TIMEOUT_MS / 1000}s`;
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && (cause as { cause?: unknown })?.cause; depth++)
    cause = (cause as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown })?.code;
  const message = hideUrlCredentials(errorMessage(cause));
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The result of one question (or the last of several), as the report keeps it. */
function resultOf(
  target: VerifyUrl,
  asked: Asked,
  stage: ProbeResult['stage'],
  attempts: number,
  elapsedMs: number,
): ProbeResult {
  const base = {
    url: hideUrlCredentials(target.url),
    expected: expectedWords(target),
    stage,
    attempts,
    elapsedMs,
    at: new Date().toISOString(),
  };
  if ('error' in asked) return { ...base, ok: false, error: asked.error };
  const why = answerProblem(target, asked.answer, asked.body);
  return { ...base, ok: why === undefined, answer: asked.answer, ...(why ? { why } : {}) };
}

/** Asks once: during the soak, each question counts. */
export async function askOnce(prober: Prober, target: VerifyUrl, signal: AbortSignal): Promise<ProbeResult> {
  const started = Date.now();
  const asked = await prober.ask(target, signal);
  return resultOf(target, asked, 'soak', 1, Date.now() - started);
}

/**
 * Asks until the answer is as expected, waiting by the shared backoff between questions, until `until`
 * (epoch ms) or the signal. The last answer is the result when none was as expected.
 */
export async function askUntilAnswered(
  prober: Prober,
  target: VerifyUrl,
  until: number,
  signal: AbortSignal,
  onAnswer?: (result: ProbeResult) => void,
): Promise<ProbeResult> {
  const started = Date.now();
  const backoff = new Backoff(RETRY_BACKOFF);
  for (let attempts = 1; ; attempts++) {
    const asked = await prober.ask(target, signal);
    const result = resultOf(target, asked, 'ready', attempts, Date.now() - started);
    onAnswer?.(result);
    const delay = backoff.next();
    if (result.ok || signal.aborted || Date.now() + delay >= until) return result;
    await sleep(delay, signal);
  }
}

// List, then watch from the list's resourceVersion; after `410 Gone` or a dropped connection list again
// (delivering every object again) and watch again, with capped backoff, until the signal aborts.
// A stream that simply ended (server timeout, our idle timeout) resumes from the last resourceVersion seen.

import { Backoff, type BackoffOptions, sleep } from '../base/backoff.js';
import { isRetriableStatus } from '../base/retry.js';
import type { FluxObject } from '../flux/types.js';
import type { ListResult, WatchEventType, WatchHandler } from './api.js';
import { ClusterAccessError, httpStatusOf, withContext } from './errors.js';
import { adviseOnKubeFailure } from './transient.js';

export type RawWatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchStream {
  abort(): void;
}

export interface WatchSource {
  /** `Kustomization flux-system` — for errors. */
  label: string;
  server: string;
  list(): Promise<ListResult>;
  /** Opens one watch request; `onEnd` is called once, with the error if it failed. */
  open(
    resourceVersion: string,
    onEvent: (type: string, obj: unknown) => void,
    onEnd: (error: unknown) => void,
  ): Promise<WatchStream>;
  backoff: BackoffOptions;
}

type StreamEnd = 'closed' | 'gone' | 'aborted';

interface StreamResult {
  end: StreamEnd;
  progressed: boolean;
  resourceVersion: string;
}

/**
 * Errors no retry will fix, by the action's one rule: the caller must hear about them instead of waiting
 * for its deadline. Anything else (a stream cut in any way) is listed and watched again.
 */
function isPermanent(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return !isRetriableStatus(status);
  // Already explained for a person (an exec plugin missing or failing): retrying only repeats it.
  return error instanceof ClusterAccessError;
}

function isIdleTimeout(error: unknown): boolean {
  return (error as { name?: unknown })?.name === 'TimeoutError';
}

function keyOf(obj: FluxObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function markDeleted(obj: FluxObject): FluxObject {
  if (obj.metadata.deletionTimestamp) return obj;
  return { ...obj, metadata: { ...obj.metadata, deletionTimestamp: new Date().toISOString() } };
}

/**
 * One watch stream from `from` until it ends: closed, expired (410 Gone) or aborted. Events go to `deliver`;
 * an error event or a failed stream rejects.
 */
function streamOnce(
  source: WatchSource,
  from: string,
  signal: AbortSignal,
  deliver: (obj: FluxObject, type: WatchEventType) => void,
): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let progressed = false;
    let current = from;
    let opened: WatchStream | undefined;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      opened?.abort();
      settle();
    };
    const end = (how: StreamEnd) => finish(() => resolve({ end: how, progressed, resourceVersion: current }));
    const fail = (error: unknown) => finish(() => reject(error));
    const onAbort = () => end('aborted');
    signal.addEventListener('abort', onAbort, { once: true });

    const onEvent = (type: string, raw: unknown) => {
      if (settled) return;
      if (type === 'ERROR') {
        const status = raw as { code?: number; message?: string };
        if (status?.code === 410) end('gone');
        else fail(Object.assign(new Error(status?.message ?? 'watch error'), { statusCode: status?.code }));
        return;
      }
      const obj = raw as FluxObject;
      if (obj?.metadata?.resourceVersion) current = obj.metadata.resourceVersion;
      progressed = true;
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') deliver(obj, type);
    };
    const onEnd = (error: unknown) => {
      if (!error || isIdleTimeout(error)) end('closed');
      else if (httpStatusOf(error) === 410) end('gone');
      else fail(error);
    };
    source.open(from, onEvent, onEnd).then((handle) => {
      opened = handle;
      if (settled) handle.abort();
    }, fail);
  });
}

export async function runWatch(
  source: WatchSource,
  onObject: WatchHandler,
  signal: AbortSignal,
  onError?: (error: Error) => void,
  onListed?: () => void,
): Promise<void> {
  const backoff = new Backoff(source.backoff);
  const known = new Map<string, FluxObject>();
  let resourceVersion: string | undefined;

  const deliver = (obj: FluxObject, type: WatchEventType) => {
    if (type === 'DELETED') known.delete(keyOf(obj));
    else known.set(keyOf(obj), obj);
    onObject(type === 'DELETED' ? markDeleted(obj) : obj, type);
  };

  const relist = async (): Promise<string> => {
    const listed = await source.list();
    const present = new Set(listed.items.map(keyOf));
    for (const [key, obj] of known) if (!present.has(key)) deliver(obj, 'DELETED');
    for (const item of listed.items) deliver(item, 'LISTED');
    onListed?.();
    return listed.resourceVersion;
  };

  while (!signal.aborted) {
    try {
      resourceVersion ??= await relist();
      if (signal.aborted) break;
      const result = await streamOnce(source, resourceVersion, signal, deliver);
      resourceVersion = result.resourceVersion;
      if (result.end === 'aborted') break;
      if (result.end === 'gone') {
        resourceVersion = undefined;
        onError?.(new ClusterAccessError(`${source.label}: the watch expired (410 Gone); listing again`));
      }
      if (result.progressed) backoff.reset();
      else await backoff.sleep(signal);
    } catch (error) {
      if (signal.aborted) break;
      const explained = withContext(source.label, error, source.server);
      if (isPermanent(error)) throw explained;
      onError?.(explained);
      resourceVersion = undefined;
      // The API server's Retry-After (a 429 on the list) is a floor for the wait.
      await sleep(Math.max(backoff.next(), adviseOnKubeFailure(error).retryAfterMs ?? 0), signal);
    }
  }
}

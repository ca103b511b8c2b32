import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import type { WatchEventType } from '../../../src/kube/api.js';
import { type ClusterApiOptions, createClusterApi, type KubeClusterApi } from '../../../src/kube/client.js';
import { prepareKubeconfig } from '../../../src/kube/kubeconfig/prepare.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';
import { b64, kubeconfigYaml } from './helpers/kubeconfigs.js';
import { useTestPki } from './helpers/pki.js';

const TOKEN = 'watch-token-91c0';
const PREFIX = 'kustomize.toolkit.fluxcd.io/v1/flux-system/kustomizations';
const ELSEWHERE = 'kustomize.toolkit.fluxcd.io/v1/other/kustomizations';

const pki = useTestPki();
let server: FakeApiServer;
let runner: RunnerEnv;

const ks = (name: string, revision = 'r1'): FluxObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  status: { lastAppliedRevision: revision },
});

beforeEach(async () => {
  runner = await fakeRunner();
  server = await new FakeApiServer({
    cert: pki.server.cert,
    key: pki.server.key,
    tokens: { [TOKEN]: 'watcher' },
  }).start();
  server.serve('kustomize.toolkit.fluxcd.io', 'v1', [{ kind: 'Kustomization', plural: 'kustomizations' }]);
  server.put(PREFIX, ks('apps'));
  server.put(PREFIX, ks('infra'));
});
const running: { controller: AbortController; done: Promise<unknown> }[] = [];
afterEach(async () => {
  // A test that failed half-way leaves its watch running: stop it before its server goes.
  for (const watch of running.splice(0)) {
    watch.controller.abort();
    await watch.done.catch(() => undefined);
  }
  await server.stop();
  await runner.restore();
});

/**
 * Waits for what the client and the server do next. Generously: vitest's default second is not enough for
 * a busy machine, and nothing here is about how soon.
 */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 20_000, interval: 20 });

async function connect(options: ClusterApiOptions = {}): Promise<KubeClusterApi> {
  const yaml = kubeconfigYaml({
    cluster: { server: server.url, caData: b64(pki.ca.cert) },
    user: { token: TOKEN },
  });
  const prepared = await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
  return createClusterApi(prepared.kubeConfig, { backoff: { initialMs: 10, maxMs: 50 }, ...options });
}

interface Seen {
  type: WatchEventType | undefined;
  name: string;
  revision: string | undefined;
  deleted: boolean;
}

function startWatch(api: KubeClusterApi) {
  const seen: Seen[] = [];
  const errors: string[] = [];
  const controller = new AbortController();
  let settled: 'resolved' | 'rejected' | undefined;
  const done = api
    .watch(
      KUSTOMIZATION,
      'flux-system',
      (obj, type) =>
        seen.push({
          type,
          name: obj.metadata.name,
          revision: obj.status?.lastAppliedRevision,
          deleted: obj.metadata.deletionTimestamp !== undefined,
        }),
      controller.signal,
      (error) => errors.push(error.message),
    )
    .then(
      () => {
        settled = 'resolved';
      },
      (error: Error) => {
        settled = 'rejected';
        throw error;
      },
    );
  running.push({ controller, done });
  return { seen, errors, controller, done, settled: () => settled };
}

const listed = (seen: Seen[], name: string) =>
  seen.filter((s) => s.type === 'LISTED' && s.name === name).length;
const watchRequests = () => server.requestsTo('/kustomizations', 'GET', true);
const listRequests = () => server.requestsTo('/kustomizations', 'GET', false);

describe('watch', () => {
  it('lists, then watches from the list resourceVersion with bookmarks, and resolves on abort', async () => {
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));
    expect(listed(w.seen, 'apps')).toBe(1);
    expect(listed(w.seen, 'infra')).toBe(1);
    const [first] = watchRequests();
    expect(first?.query.get('allowWatchBookmarks')).toBe('true');
    expect(first?.query.get('resourceVersion')).toBe(String(server.currentResourceVersion()));

    server.put(PREFIX, ks('apps', 'r2'));
    await eventually(() =>
      expect(w.seen.at(-1)).toMatchObject({ type: 'MODIFIED', name: 'apps', revision: 'r2' }),
    );

    w.controller.abort();
    await w.done;
    expect(w.settled()).toBe('resolved');
    await eventually(() => expect(server.openWatchCount()).toBe(0));
    expect(api.requestCount()).toBe(2);
  });

  it('lists again after a dropped connection and delivers every object again', async () => {
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));

    server.dropWatches();
    server.put(PREFIX, ks('infra', 'r2')); // happens while the client is not watching

    await eventually(() => expect(server.openWatchCount()).toBe(1));
    await eventually(() => expect(listed(w.seen, 'apps')).toBe(2));
    expect(listRequests()).toHaveLength(2);
    expect(w.seen.filter((s) => s.name === 'infra').at(-1)).toMatchObject({ revision: 'r2' });
    expect(w.errors.length).toBeGreaterThan(0);
    expect(w.errors[0]).toMatch(
      /^Kustomization watch in flux-system: cannot reach the API server https:\/\/127\.0\.0\.1:\d+/,
    );
    expect(w.settled()).toBeUndefined();
    w.controller.abort();
    await w.done;
  });

  it.each(['event', 'http'] as const)('lists again after 410 Gone (as %s)', async (goneAs) => {
    server.goneAs = goneAs;
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));

    // The client's resourceVersion falls out of the server's window, then its stream ends.
    server.put(ELSEWHERE, { ...ks('elsewhere'), metadata: { name: 'elsewhere', namespace: 'other' } });
    server.expiredBelow = server.currentResourceVersion();
    server.endWatches();

    await eventually(() => expect(listed(w.seen, 'apps')).toBe(2));
    await eventually(() => expect(server.openWatchCount()).toBe(1));
    expect(listRequests()).toHaveLength(2);
    expect(w.errors).toContain(
      'Kustomization watch in flux-system: the watch expired (410 Gone); listing again',
    );
    const lastWatch = watchRequests().at(-1);
    expect(Number(lastWatch?.query.get('resourceVersion'))).toBe(server.currentResourceVersion());
    w.controller.abort();
    await w.done;
  });

  it('resumes a cleanly ended stream from the last resourceVersion seen (a bookmark counts), without listing', async () => {
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));
    server.put(ELSEWHERE, { ...ks('elsewhere'), metadata: { name: 'elsewhere', namespace: 'other' } });
    server.sendBookmark();
    server.endWatches(); // the bookmark is the last line of the stream

    await eventually(() => expect(watchRequests()).toHaveLength(2));
    expect(watchRequests()[1]?.query.get('resourceVersion')).toBe(String(server.currentResourceVersion()));
    expect(listRequests()).toHaveLength(1);
    expect(w.errors).toEqual([]);
    w.controller.abort();
    await w.done;
  });

  it('reports objects deleted while the watch was down as DELETED', async () => {
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));
    server.dropWatches();
    server.remove(PREFIX, 'infra');

    await eventually(() =>
      expect(w.seen.find((s) => s.type === 'DELETED')).toMatchObject({ name: 'infra', deleted: true }),
    );
    w.controller.abort();
    await w.done;
  });

  it('delivers a DELETED event with a deletionTimestamp', async () => {
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));
    server.remove(PREFIX, 'apps');
    await eventually(() =>
      expect(w.seen.at(-1)).toMatchObject({ type: 'DELETED', name: 'apps', deleted: true }),
    );
    w.controller.abort();
    await w.done;
  });

  it('retries transient errors with backoff and tells onError, without rejecting', async () => {
    server.listFailuresToServe = 3;
    const api = await connect();
    const w = startWatch(api);
    await eventually(() => expect(server.openWatchCount()).toBe(1));
    expect(listRequests()).toHaveLength(4);
    expect(w.errors).toHaveLength(3);
    expect(w.errors[0]).toBe(
      'Kustomization watch in flux-system: HTTP 503 Service Unavailable: etcd is having a moment',
    );
    expect(listed(w.seen, 'apps')).toBe(1);
    w.controller.abort();
    await w.done;
    expect(w.settled()).toBe('resolved');
  });

  it('rejects when the credentials may not list (no retry fixes that)', async () => {
    server.permission = (_user, verb) => verb !== 'list';
    const api = await connect();
    const w = startWatch(api);
    await expect(w.done).rejects.toThrow(
      /^Kustomization watch in flux-system: HTTP 403 Forbidden: kustomizations.kustomize.toolkit.fluxcd.io is forbidden: User "watcher" cannot list/,
    );
  });

  it('reopens a stream that stays silent past the idle timeout, from the same resourceVersion', async () => {
    const api = await connect({ watchIdleMs: 150 });
    const w = startWatch(api);
    await eventually(() => expect(watchRequests().length).toBeGreaterThanOrEqual(2));
    const [first, second] = watchRequests();
    expect(second?.query.get('resourceVersion')).toBe(first?.query.get('resourceVersion'));
    expect(listRequests()).toHaveLength(1);
    w.controller.abort();
    await w.done;
  });

  it('resolves when aborted while backing off', async () => {
    server.listFailuresToServe = 1000;
    const api = await connect({ backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const w = startWatch(api);
    await eventually(() => expect(w.errors).toHaveLength(1));
    w.controller.abort();
    await w.done;
    expect(w.settled()).toBe('resolved');
  });
});

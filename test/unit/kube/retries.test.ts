// Every request the action sends retries a transient answer under the one deadline, with the shared
// backoff and the server's Retry-After, and stops at once on a status no retry can mend: against a real
// HTTPS server on loopback that answers 429, 500 or 503 the way kube-apiserver does under load.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/base/deadline.js';
import { HELM_RELEASE, KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import type { ClusterApiOptions, KubeClusterApi } from '../../../src/kube/client.js';
import { preflight } from '../../../src/kube/preflight.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { connectTo, startFakeApi } from './helpers/connect.js';
import type { FakeApiServer } from './helpers/fake-apiserver.js';
import { useTestPki } from './helpers/pki.js';

const TOKEN = 'retry-token-5e1d';
const KS = 'kustomize.toolkit.fluxcd.io/v1/flux-system/kustomizations';
const LEADER_CHANGED = 'etcdserver: leader changed';

const pki = useTestPki();
let server: FakeApiServer;
let runner: RunnerEnv;
let retries: Array<{ what: string; delayMs: number }>;

const ks = (name: string): FluxObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system', generation: 1 },
  spec: { interval: '10m' },
});

beforeEach(async () => {
  runner = await fakeRunner();
  retries = [];
  server = await startFakeApi(pki, TOKEN);
  server.serve('helm.toolkit.fluxcd.io', 'v2', [{ kind: 'HelmRelease', plural: 'helmreleases' }]);
  server.put(KS, ks('apps'));
  server.put(KS, ks('infra'));
});
afterEach(async () => {
  await server.stop();
  await runner.restore();
});

async function connect(options: ClusterApiOptions = {}): Promise<KubeClusterApi> {
  return connectTo(server, pki, TOKEN, {
    backoff: { initialMs: 5, maxMs: 20 },
    deadline: Deadline.after(20_000),
    onRetry: (what, _error, delayMs) => retries.push({ what, delayMs }),
    ...options,
  });
}

const needs = {
  kinds: [KUSTOMIZATION, HELM_RELEASE],
  namespaces: ['flux-system'],
  verbs: ['get', 'list', 'watch', 'patch'] as const,
};

describe('transient answers are retried', () => {
  it('preflight survives a 503 on /version, a 429 on discovery and a 503 on an access review', async () => {
    server.inject('/version', { status: 503, message: LEADER_CHANGED });
    server.inject('/apis/helm.toolkit.fluxcd.io/v2', { status: 429, retryAfter: '0' });
    server.inject('selfsubjectaccessreviews', { status: 503, message: LEADER_CHANGED }, 2, 'POST');
    const api = await connect();
    const result = await preflight(api, { ...needs, verbs: [...needs.verbs] });
    expect(result.serverVersion).toBe('v1.36.4');
    expect(server.requestsTo('/version')).toHaveLength(2);
    expect(server.requestsTo('/apis/helm.toolkit.fluxcd.io/v2')).toHaveLength(2);
    expect(server.requestsTo('selfsubjectaccessreviews', 'POST')).toHaveLength(8 + 2);
    expect(retries.map((r) => r.what)).toEqual(
      expect.arrayContaining(['version', 'API discovery of helm.toolkit.fluxcd.io/v2']),
    );
  });

  it('planning survives a 503 on a GET and a 429 on a LIST', async () => {
    server.inject(`${'/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps'}`, {
      status: 503,
      message: LEADER_CHANGED,
    });
    server.inject(/\/kustomizations$/, { status: 429, retryAfter: '0' }, 2);
    const api = await connect();
    const plan = await buildPlan(api, {
      selectors: [
        { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
        { kind: 'Kustomization', namespace: 'flux-system', name: '*' },
      ],
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    expect(plan.objects.map((p) => p.ref.name).sort()).toEqual(['apps', 'infra']);
    expect(server.requestsTo('/kustomizations/apps')).toHaveLength(2);
    expect(
      server.requestsTo(`/kustomizations`).filter((r) => r.path.endsWith('/kustomizations')),
    ).toHaveLength(3);
  });

  it('retries a merge patch that meets a conflict and the events of the report', async () => {
    server.conflictsToServe = 2;
    server.inject('/events', { status: 500 });
    const api = await connect();
    const patched = await api.mergePatch(KUSTOMIZATION, 'flux-system', 'apps', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 't1' } },
    });
    expect(patched.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBe('t1');
    expect(server.requestsTo('/kustomizations/apps', 'PATCH')).toHaveLength(3);
    expect(await api.events({ kind: 'Kustomization', namespace: 'flux-system', name: 'apps' })).toEqual([]);
    expect(server.requestsTo('/events')).toHaveLength(2);
  });

  it("waits the server's Retry-After before asking again", async () => {
    server.inject('/kustomizations/apps', { status: 429, retryAfter: '1' });
    const api = await connect();
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    // The backoff alone would have waited 5 ms.
    expect(retries).toEqual([{ what: 'Kustomization flux-system/apps', delayMs: 1000 }]);
  });
});

describe('permanent answers and the deadline', () => {
  it('asks once on 400, 401, 403, 404 and 422', async () => {
    const api = await connect();
    for (const status of [400, 401, 403, 422]) {
      server.inject('/kustomizations/apps', { status, message: `refused with ${status}` });
      await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(`HTTP ${status}`);
    }
    server.inject('/kustomizations/apps', { status: 404 });
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeUndefined();
    expect(server.requestsTo('/kustomizations/apps')).toHaveLength(5);
    expect(retries).toEqual([]);
  });

  it('gives up at the deadline with the last answer', async () => {
    server.inject('/kustomizations/apps', { status: 503, message: LEADER_CHANGED }, Number.POSITIVE_INFINITY);
    const api = await connect({ deadline: Deadline.after(300) });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(
      `Kustomization flux-system/apps: HTTP 503 Service Unavailable: ${LEADER_CHANGED}`,
    );
    expect(server.requestsTo('/kustomizations/apps').length).toBeGreaterThan(1);
  });

  it('does not start a wait the deadline cannot cover', async () => {
    server.inject('/kustomizations/apps', { status: 503, retryAfter: '120' });
    const api = await connect({ deadline: Deadline.after(10_000) });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow('HTTP 503');
    expect(server.requestsTo('/kustomizations/apps')).toHaveLength(1);
  });
});

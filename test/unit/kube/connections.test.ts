// 400 objects read at once: the client reuses keep-alive connections and keeps at most 16 requests in
// flight, where it used to open one connection per request (416 at once). Counted by the real HTTPS
// server on loopback, which sees every connection and request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import type { KubeClusterApi } from '../../../src/kube/client.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { connectTo, startFakeApi } from './helpers/connect.js';
import type { FakeApiServer } from './helpers/fake-apiserver.js';
import { useTestPki } from './helpers/pki.js';

const TOKEN = 'pool-token-2c7e';
const KS = 'kustomize.toolkit.fluxcd.io/v1/flux-system/kustomizations';
const N = 400;

const pki = useTestPki();
let server: FakeApiServer;
let runner: RunnerEnv;
let api: KubeClusterApi;

beforeEach(async () => {
  runner = await fakeRunner();
  server = await startFakeApi(pki, TOKEN);
  for (let i = 0; i < N; i++) {
    server.put(KS, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: `app-${i}`, namespace: 'flux-system' },
    } as FluxObject);
  }
  api = await connectTo(server, pki, TOKEN);
});
afterEach(async () => {
  await api.close();
  await server.stop();
  await runner.restore();
});

describe('connections to the API server', () => {
  it(`reads ${N} objects and their events over at most 16 connections, 16 requests at a time`, async () => {
    const names = Array.from({ length: N }, (_, i) => `app-${i}`);
    const objects = await Promise.all(names.map((name) => api.get(KUSTOMIZATION, 'flux-system', name)));
    await Promise.all(
      names.map((name) => api.events({ kind: 'Kustomization', namespace: 'flux-system', name })),
    );
    expect(objects.every((obj) => obj !== undefined)).toBe(true);
    expect(server.requests).toHaveLength(2 * N);
    expect(server.peakInFlight).toBeLessThanOrEqual(16);
    expect(server.peakConnections).toBeLessThanOrEqual(16);
    // Kept alive: the connections of the first reads carried the rest.
    expect(server.connectionsOpened).toBeLessThanOrEqual(16);
  });

  it('closes every connection when the step is done', async () => {
    await api.get(KUSTOMIZATION, 'flux-system', 'app-1');
    expect(server.openConnections).toBe(1);
    await api.close();
    for (let i = 0; i < 50 && server.openConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.openConnections).toBe(0);
  });
});

// The step's deadline reaches every request the client makes: a watch whose server never sends headers,
// preflight's first request, and the retries of any request end when it passes, instead of after their own
// timeouts on top of it. Against a real HTTPS server on loopback that can leave a request unanswered.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../../src/base/deadline.js';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { ClusterApiOptions, KubeClusterApi } from '../../../src/kube/client.js';
import { preflight } from '../../../src/kube/preflight.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { connectTo, startFakeApi } from './helpers/connect.js';
import type { FakeApiServer } from './helpers/fake-apiserver.js';
import { useTestPki } from './helpers/pki.js';

const TOKEN = 'deadline-token-61f2';

const pki = useTestPki();
let server: FakeApiServer;
let runner: RunnerEnv;
const apis: KubeClusterApi[] = [];

beforeEach(async () => {
  runner = await fakeRunner();
  server = await startFakeApi(pki, TOKEN);
});
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
  await server.stop();
  await runner.restore();
});

async function connect(options: ClusterApiOptions): Promise<KubeClusterApi> {
  const api = await connectTo(server, pki, TOKEN, { backoff: { initialMs: 5, maxMs: 20 }, ...options });
  apis.push(api);
  return api;
}

describe('the deadline', () => {
  it('ends a watch whose server never sends its headers, and closes its connection', async () => {
    server.hangWatches = true;
    const watches = () => server.requestsTo('/kustomizations', 'GET', true).length;
    // The deadline must pass while the server holds the watch. On a busy machine connecting may take
    // longer than a short deadline, and then no watch is asked at all: try again with a longer one.
    for (let ms = 500; watches() === 0; ms *= 2) {
      expect(ms, 'the watch never reached the server before the deadline').toBeLessThan(10_000);
      // The idle timeout alone would hold the request for a minute, past this test's timeout.
      const api = await connect({ deadline: Deadline.after(ms), watchIdleMs: 60_000 });
      await api.watch(KUSTOMIZATION, 'flux-system', () => undefined, new AbortController().signal);
    }
    await vi.waitFor(() => expect(server.hangingWatches.size).toBe(0), { timeout: 20_000 });
  });

  it('leaves nothing hanging once the client is closed, deadline or not', async () => {
    server.hangWatches = true;
    const api = await connect({ watchIdleMs: 60_000 });
    const stop = new AbortController();
    const watching = api.watch(KUSTOMIZATION, 'flux-system', () => undefined, stop.signal);
    await vi.waitFor(() => expect(server.hangingWatches.size).toBe(1), { timeout: 20_000 });
    stop.abort();
    await watching;
    await api.close();
    await vi.waitFor(() => expect(server.hangingWatches.size).toBe(0), { timeout: 20_000 });
  });

  it('bounds preflight: a server that never answers gets the time left, not ten seconds more', async () => {
    server.hangVersion = true;
    // On a busy machine connecting may use up a short deadline, and then preflight asks nothing (the next
    // test): then again with a longer one.
    for (let ms = 300; ; ms *= 2) {
      expect(ms, 'preflight never asked before the deadline').toBeLessThan(10_000);
      const api = await connect({ deadline: Deadline.after(ms) });
      const error = (await preflight(api, {
        kinds: [KUSTOMIZATION],
        namespaces: ['flux-system'],
        verbs: ['get'],
      }).catch((e: Error) => e)) as Error;
      const waited = /did not answer within (\d+)ms/.exec(error.message)?.[1];
      if (waited === undefined) {
        expect(error.message).toContain('ran out before the API server');
        continue;
      }
      // The time left when preflight asked, whatever the connection took: never more.
      expect(Number(waited)).toBeGreaterThan(0);
      expect(Number(waited)).toBeLessThanOrEqual(ms);
      break;
    }
  });

  it('says the timeout ran out, and asks nothing, when it has passed before preflight', async () => {
    const api = await connect({ deadline: Deadline.after(1, Date.now() - 1_000) });
    await expect(
      preflight(api, { kinds: [KUSTOMIZATION], namespaces: ['flux-system'], verbs: ['get'] }),
    ).rejects.toThrow(
      `The 1ms timeout ran out before the API server ${server.url} was asked anything: raise \`timeout\`.`,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('stops retrying when it passes, with the answer that made the request retry', async () => {
    server.inject(
      '/kustomizations/apps',
      { status: 503, message: 'etcdserver: leader changed' },
      Number.POSITIVE_INFINITY,
    );
    // Long enough for the first answer on a busy machine; the point is what happens when it passes.
    const api = await connect({ deadline: Deadline.after(1_500) });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(
      /^Kustomization flux-system\/apps: HTTP 503 Service Unavailable: etcdserver: leader changed/,
    );
    // No retry after that. One request may still have been on its way when the deadline passed (the server
    // records it when it arrives); a loop that kept retrying (every 5 to 20 ms here) would add many.
    const asked = server.requestsTo('/kustomizations/apps').length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.requestsTo('/kustomizations/apps').length).toBeLessThanOrEqual(asked + 1);
  });
});

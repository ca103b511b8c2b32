// A kubeconfig whose `server` carries `user:password@` (issue: the password reached the failure
// annotation): the password is masked, never part of a message, and sent as Basic authentication, as
// kubectl sends it; the file written for later steps keeps the server as given.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { createClusterApi } from '../../../src/kube/client.js';
import { prepareKubeconfig } from '../../../src/kube/kubeconfig/prepare.js';
import { preflight } from '../../../src/kube/preflight.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';
import { b64, kubeconfigYaml } from './helpers/kubeconfigs.js';
import { useTestPki } from './helpers/pki.js';

const PASSWORD = 'pw-3f9c@door/7';
const KS = 'kustomize.toolkit.fluxcd.io/v1/flux-system/kustomizations';

const pki = useTestPki();
let server: FakeApiServer;
let runner: RunnerEnv;

beforeEach(async () => {
  runner = await fakeRunner();
  server = await new FakeApiServer({
    cert: pki.server.cert,
    key: pki.server.key,
    passwords: { [`admin:${PASSWORD}`]: 'basic-admin' },
  }).start();
  server.serve('kustomize.toolkit.fluxcd.io', 'v1', [{ kind: 'Kustomization', plural: 'kustomizations' }]);
  server.put(KS, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
  } as FluxObject);
});
afterEach(async () => {
  await server.stop();
  await runner.restore();
});

function withPassword(url: string): string {
  return url.replace('https://', `https://admin:${encodeURIComponent(PASSWORD)}@`);
}

async function prepare(serverUrl: string, user: Record<string, unknown> = {}) {
  const yaml = kubeconfigYaml({ cluster: { server: serverUrl, caData: b64(pki.ca.cert) }, user });
  return prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: true });
}

describe('user:password in the server URL', () => {
  it('masks the password, connects with Basic authentication, and shows the server without it', async () => {
    const prepared = await prepare(withPassword(server.url));
    expect(runner.masks()).toContain(PASSWORD);
    expect(prepared.server).toBe(server.url);
    const api = createClusterApi(prepared.kubeConfig, { retryWindowMs: 300 });
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(server.requests.at(-1)?.user).toBe('basic-admin');
    expect(api.server).toBe(server.url);
    // Later steps (kubectl, flux) read the file as it was given.
    const written = await readFile(prepared.writtenPath ?? '', 'utf8');
    expect(written).toContain(withPassword(server.url));
  });

  it('keeps the password out of every error message', async () => {
    const url = server.url;
    const prepared = await prepare(withPassword(url));
    const api = createClusterApi(prepared.kubeConfig, {
      retryWindowMs: 200,
      backoff: { initialMs: 5, maxMs: 10 },
    });
    await server.stop();
    const errors = await Promise.all([
      api.get(KUSTOMIZATION, 'flux-system', 'apps').catch((e: Error) => e.message),
      preflight(api, { kinds: [KUSTOMIZATION], namespaces: ['flux-system'], verbs: ['get'] }, 200).catch(
        (e: Error) => e.message,
      ),
    ]);
    for (const message of errors) {
      expect(message).toContain(url);
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain(encodeURIComponent(PASSWORD));
      expect(message).not.toContain('admin:');
    }
    expect(runner.visibleOutput()).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('leaves a token user alone: the token is what authenticates', async () => {
    const prepared = await prepare(withPassword(server.url), { token: 'no-such-token' });
    expect(prepared.kubeConfig.getCurrentUser()?.username).toBeUndefined();
    expect(prepared.kubeConfig.getCurrentUser()?.token).toBe('no-such-token');
  });

  it('does not quote a server that is not a URL', async () => {
    const error = await prepare(withPassword('https://bad host:6443')).catch((e: Error) => e.message);
    expect(error).toMatch(/has a server that is not a URL/);
    expect(error).not.toContain(encodeURIComponent(PASSWORD));
  });
});

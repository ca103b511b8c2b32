// The client against a real HTTPS server on loopback: every way a kubeconfig can authenticate and reach
// the API server, and what the person sees when it cannot.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { createClusterApi, type KubeClusterApi } from '../../../src/kube/client.js';
import { prepareKubeconfig } from '../../../src/kube/kubeconfig/prepare.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { ConnectProxy } from './helpers/connect-proxy.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';
import { b64, type ClusterSpec, kubeconfigYaml, type UserSpec } from './helpers/kubeconfigs.js';
import { makePki, type TestPki } from './helpers/pki.js';

const TOKEN = 'unit-token-3b8e1f';
const KS_PREFIX = 'kustomize.toolkit.fluxcd.io/v1/flux-system/kustomizations';

let pki: TestPki;
let pkiDir: string;
let server: FakeApiServer;
let namedServer: FakeApiServer;
let runner: RunnerEnv;

function kustomization(name: string): FluxObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system', generation: 1 },
    spec: { interval: '10m' },
  };
}

function serveFlux(api: FakeApiServer) {
  api.serve('kustomize.toolkit.fluxcd.io', 'v1', [{ kind: 'Kustomization', plural: 'kustomizations' }]);
  api.put(KS_PREFIX, kustomization('apps'));
}

beforeAll(async () => {
  pkiDir = await mkdtemp(join(tmpdir(), 'kube-pki-'));
  pki = await makePki(pkiDir);
  const tokens = { [TOKEN]: 'token-user', 'exec-token-77': 'exec-user' };
  server = await new FakeApiServer({
    cert: pki.server.cert,
    key: pki.server.key,
    clientCa: pki.ca.cert,
    tokens,
  }).start();
  namedServer = await new FakeApiServer({
    cert: pki.namedServer.cert,
    key: pki.namedServer.key,
    tokens,
  }).start();
  serveFlux(server);
  serveFlux(namedServer);
});

afterAll(async () => {
  await server?.stop();
  await namedServer?.stop();
  await rm(pkiDir, { recursive: true, force: true });
});

beforeEach(async () => {
  runner = await fakeRunner();
});
afterEach(async () => {
  await runner.restore();
});

async function connect(
  cluster: Partial<ClusterSpec>,
  user: UserSpec,
  target = server,
): Promise<KubeClusterApi> {
  const yaml = kubeconfigYaml({
    cluster: { server: target.url, caData: b64(pki.ca.cert), ...cluster },
    user,
  });
  const prepared = await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
  // Transient failures (nothing listening, say) are retried for a short window only.
  return createClusterApi(prepared.kubeConfig, { backoff: { initialMs: 10, maxMs: 50 }, retryWindowMs: 300 });
}

const lastUser = (api: FakeApiServer) => api.requests.at(-1)?.user;

describe('authentication', () => {
  it('sends a bearer token', async () => {
    const api = await connect({}, { token: TOKEN });
    expect((await api.get(KUSTOMIZATION, 'flux-system', 'apps'))?.metadata.name).toBe('apps');
    expect(lastUser(server)).toBe('token-user');
  });

  it('reads a token file, without its trailing newline', async () => {
    const file = join(runner.dir, 'token');
    await writeFile(file, `${TOKEN}\n`);
    const api = await connect({}, { 'token-file': file });
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(lastUser(server)).toBe('token-user');
  });

  it('presents a client certificate given as data', async () => {
    const api = await connect(
      {},
      { 'client-certificate-data': b64(pki.client.cert), 'client-key-data': b64(pki.client.key) },
    );
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(lastUser(server)).toBe('cert-user');
  });

  it('presents a client certificate given as files, trusting a CA file', async () => {
    const api = await connect(
      { caData: undefined, caFile: pki.ca.certFile },
      { 'client-certificate': pki.client.certFile, 'client-key': pki.client.keyFile },
    );
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(lastUser(server)).toBe('cert-user');
  });

  it('is refused with a message that says the credentials were not accepted', async () => {
    const api = await connect({}, { token: 'wrong-token-0000' });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(
      'Kustomization flux-system/apps: HTTP 401 Unauthorized: the API server did not accept the credentials (expired or wrong token, certificate or exec plugin output)',
    );
  });
});

describe('TLS', () => {
  it('refuses a server whose certificate the kubeconfig does not trust, and says why', async () => {
    const api = await connect({ caData: b64(pki.otherCa.cert) }, { token: TOKEN });
    const error = (await api.get(KUSTOMIZATION, 'flux-system', 'apps').catch((e: Error) => e)) as Error;
    expect(error.message).toContain(
      `Kustomization flux-system/apps: cannot reach the API server ${server.url}`,
    );
    expect(error.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|certificate/);
    expect(error.message).toContain('certificate-authority-data');
  });

  it('skips verification with insecure-skip-tls-verify', async () => {
    const api = await connect({ caData: undefined, insecure: true }, { token: TOKEN });
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
  });

  it('checks the certificate against tls-server-name instead of the address', async () => {
    const without = await connect({}, { token: TOKEN }, namedServer);
    const error = (await without.get(KUSTOMIZATION, 'flux-system', 'apps').catch((e: Error) => e)) as Error;
    expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(error.message).toContain('tls-server-name');

    const named = await connect({ tlsServerName: 'kube.internal' }, { token: TOKEN }, namedServer);
    expect(await named.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
  });

  it('names the server and the cause when nothing listens', async () => {
    const port = await freePort();
    const api = await connect({ server: `https://127.0.0.1:${port}` }, { token: TOKEN });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(
      `Kustomization flux-system/apps: cannot reach the API server https://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (nothing accepts connections there: is the cluster running and the address right?)`,
    );
  });
});

describe('plain http', () => {
  it('talks to an http:// server (kubectl proxy) as kubectl does', async () => {
    const plain = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/version' ? { gitVersion: 'v1.36.4' } : {}));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = plain.address() as { port: number };
      const api = await connect({ server: `http://127.0.0.1:${port}`, caData: undefined }, {});
      expect(await api.serverVersion(5_000)).toBe('v1.36.4');
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});

describe('proxies', () => {
  let proxy: ConnectProxy;
  beforeEach(async () => {
    proxy = await new ConnectProxy().start();
  });
  afterEach(async () => {
    await proxy.stop();
  });

  it('tunnels through proxy-url', async () => {
    const api = await connect({ proxyUrl: proxy.url }, { token: TOKEN });
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('tunnels through HTTPS_PROXY, unless NO_PROXY exempts the server', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const proxied = await connect({}, { token: TOKEN });
    expect(await proxied.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);

    process.env.NO_PROXY = 'example.com,127.0.0.0/8';
    const direct = await connect({}, { token: TOKEN });
    expect(await direct.get(KUSTOMIZATION, 'flux-system', 'apps')).toBeDefined();
    expect(proxy.tunnels).toHaveLength(1);
  });
});

describe('exec credential plugins', () => {
  async function script(name: string, body: string): Promise<string> {
    const dir = join(runner.dir, 'bin');
    await mkdir(dir, { recursive: true });
    const file = join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  }

  it('runs the plugin once for concurrent requests and sends its token', async () => {
    const calls = join(runner.dir, 'calls');
    const plugin = await script(
      'get-token',
      `echo call >> "${calls}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token-77"}}'`,
    );
    const api = await connect(
      {},
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: [] } },
    );
    const results = await Promise.all([1, 2, 3, 4].map(() => api.get(KUSTOMIZATION, 'flux-system', 'apps')));
    expect(results.every((r) => r?.metadata.name === 'apps')).toBe(true);
    expect(lastUser(server)).toBe('exec-user');
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(runner.masks()).toContain('exec-token-77');
  });

  it.each([
    ['gke-gcloud-auth-plugin', 'gcloud components install gke-gcloud-auth-plugin'],
    ['aws', 'AWS CLI'],
    ['kubelogin', 'azure/use-kubelogin'],
  ])('names a missing %s and says how to install it', async (command, hint) => {
    const emptyPath = join(runner.dir, 'empty-path');
    await mkdir(emptyPath, { recursive: true });
    const api = await connect(
      {},
      { exec: { command, args: ['token'], env: [{ name: 'PATH', value: emptyPath }] } },
    );
    const error = (await api.get(KUSTOMIZATION, 'flux-system', 'apps').catch((e: Error) => e)) as Error;
    expect(error.message).toContain(`exec plugin \`${command}\`, which is not on PATH`);
    expect(error.message).toContain(hint);
  });

  it('says when a plugin given by path does not exist', async () => {
    const missing = join(runner.dir, 'bin', 'nope');
    const api = await connect({}, { exec: { command: missing } });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(
      `exec plugin \`${missing}\`, which does not exist: install it, or put it on PATH in an earlier step.`,
    );
  });

  it("shows a failing plugin's stderr, with secrets masked", async () => {
    const secret = 'exec-env-secret-5521';
    const plugin = await script(
      'failing',
      `echo "starting" >&2\necho "error: AccessDenied for key $MY_KEY" >&2\nexit 3`,
    );
    const api = await connect({}, { exec: { command: plugin, env: [{ name: 'MY_KEY', value: secret }] } });
    const error = (await api.get(KUSTOMIZATION, 'flux-system', 'apps').catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `Kustomization flux-system/apps: The exec plugin \`${plugin}\` failed: starting | error: AccessDenied for key ***`,
    );
    expect(runner.masks()).toContain(secret);
  });

  it('says when the plugin prints no ExecCredential', async () => {
    const plugin = await script('garbage', 'echo not-json');
    const api = await connect({}, { exec: { command: plugin } });
    await expect(api.get(KUSTOMIZATION, 'flux-system', 'apps')).rejects.toThrow(
      `The exec plugin \`${plugin}\` did not print an ExecCredential (its output is not JSON).`,
    );
  });
});

describe('requests', () => {
  it('answers undefined for a missing object and names the object on other errors, without headers', async () => {
    const api = await connect({}, { token: TOKEN });
    expect(await api.get(KUSTOMIZATION, 'flux-system', 'nothing')).toBeUndefined();
    server.permission = (_user, verb) => verb !== 'patch';
    try {
      const error = (await api
        .mergePatch(KUSTOMIZATION, 'flux-system', 'apps', { metadata: { annotations: { a: 'b' } } })
        .catch((e: Error) => e)) as Error;
      expect(error.message).toBe(
        'Kustomization flux-system/apps: HTTP 403 Forbidden: kustomizations.kustomize.toolkit.fluxcd.io is forbidden: User "token-user" cannot patch resource "kustomizations" in API group "kustomize.toolkit.fluxcd.io" in the namespace "flux-system"',
      );
      expect(error.message).not.toContain(server.responseSecretHeader);
    } finally {
      server.permission = () => true;
    }
  });

  it('merge-patches with application/merge-patch+json, retrying on 409 Conflict, and counts requests', async () => {
    const api = await connect({}, { token: TOKEN });
    server.conflictsToServe = 2;
    const before = server.requests.length;
    const patched = await api.mergePatch(KUSTOMIZATION, 'flux-system', 'apps', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'token-1' } },
    });
    expect(patched.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBe('token-1');
    const patches = server.requests.slice(before).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(3);
    expect(patches.every((r) => r.contentType === 'application/merge-patch+json')).toBe(true);
    expect(api.requestCount()).toBe(3);
  });

  it('lists with the resourceVersion of the list', async () => {
    const api = await connect({}, { token: TOKEN });
    const listed = await api.list(KUSTOMIZATION, 'flux-system');
    expect(listed.items.map((i) => i.metadata.name)).toContain('apps');
    expect(listed.resourceVersion).toBe(String(server.currentResourceVersion()));
  });

  it('reads events about one object, newest last', async () => {
    server.events = [
      {
        type: 'Warning',
        reason: 'ReconciliationFailed',
        message: 'newer',
        lastTimestamp: '2026-01-02T00:00:00Z',
        count: 2,
        involvedObject: { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' },
        metadata: { name: 'e2', namespace: 'flux-system' },
      },
      {
        type: 'Normal',
        reason: 'Progressing',
        message: 'older',
        eventTime: '2026-01-01T00:00:00.000000Z',
        involvedObject: { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' },
        metadata: { name: 'e1', namespace: 'flux-system' },
      },
    ];
    const api = await connect({}, { token: TOKEN });
    const events = await api.events({ kind: 'Kustomization', namespace: 'flux-system', name: 'apps' });
    expect(events.map((e) => e.message)).toEqual(['older', 'newer']);
    expect(events[1]).toMatchObject({
      type: 'Warning',
      reason: 'ReconciliationFailed',
      count: 2,
      lastTimestamp: '2026-01-02T00:00:00.000Z',
    });
    const request = server.requests.at(-1);
    expect(request?.query.get('fieldSelector')).toBe(
      'involvedObject.kind=Kustomization,involvedObject.name=apps,involvedObject.namespace=flux-system',
    );
  });
});

describe('reads of resources outside Flux', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', generation: 1, creationTimestamp: '2026-11-29T16:13:31Z' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } },
    status: {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          lastTransitionTime: '2026-11-29T16:14:31Z',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-666db6db68" has timed out progressing.',
        },
      ],
    },
  };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-666db6db68-l47cf', namespace: 'apps', labels: { app: 'web' } },
    status: { phase: 'Pending' },
  };

  beforeAll(() => {
    server.serve('apps', 'v1', [{ kind: 'Deployment', plural: 'deployments' }]);
    server.put('apps/v1/apps/deployments', deployment as unknown as FluxObject);
    server.put('v1/apps/pods', pod as unknown as FluxObject);
  });

  it('gets an apps/v1 object at its path, as the API sent it (times stay strings)', async () => {
    const api = await connect({}, { token: TOKEN });
    const got = await api.getResource({ apiVersion: 'apps/v1', plural: 'deployments' }, 'apps', 'web');
    expect(server.requests.at(-1)?.path).toBe('/apis/apps/v1/namespaces/apps/deployments/web');
    expect(got?.status).toEqual(deployment.status);
    expect(got?.metadata.creationTimestamp).toBe('2026-11-29T16:13:31Z');
    expect(await api.getResource({ apiVersion: 'apps/v1', plural: 'deployments' }, 'apps', 'nope')).toBe(
      undefined,
    );
  });

  it('lists core/v1 pods under /api/v1 with the label selector and the limit', async () => {
    const api = await connect({}, { token: TOKEN });
    const pods = await api.listResources({ apiVersion: 'v1', plural: 'pods' }, 'apps', {
      labelSelector: 'app=web,tier in (a,b)',
      limit: 100,
    });
    expect(pods.map((p) => p.metadata.name)).toEqual(['web-666db6db68-l47cf']);
    const request = server.requests.at(-1)!;
    expect(request.path).toBe('/api/v1/namespaces/apps/pods');
    expect(request.query.get('labelSelector')).toBe('app=web,tier in (a,b)');
    expect(request.query.get('limit')).toBe('100');
  });

  it('names the resource and namespace when a read is forbidden', async () => {
    const api = await connect({}, { token: TOKEN });
    server.permission = (_user, verb, resource) => !(verb === 'list' && resource === 'pods');
    try {
      const error = (await api
        .listResources({ apiVersion: 'v1', plural: 'pods' }, 'apps', { labelSelector: 'app=web' })
        .catch((e: Error) => e)) as Error;
      expect(error.message).toBe(
        'pods list in apps: HTTP 403 Forbidden: pods is forbidden: User "token-user" cannot list resource "pods" in API group "" in the namespace "apps"',
      );
    } finally {
      server.permission = () => true;
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// Cluster access against the lab's real kube-apiserver: token, client-certificate and exec-plugin
// authentication through prepareKubeconfig + ClusterApi + preflight; RBAC denials and missing kinds as a
// person reads them; a watch that survives an API server restart.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { redact } from '../../src/base/secrets.js';
import { type FluxKind, KUSTOMIZATION } from '../../src/flux/kinds.js';
import { createClusterApi, type KubeClusterApi } from '../../src/kube/client.js';
import { prepareKubeconfig } from '../../src/kube/kubeconfig/prepare.js';
import { preflight, type Verb } from '../../src/kube/preflight.js';
import { fakeRunner, type RunnerEnv } from '../helpers/runner-env.js';
import type { LabUser } from './lab/info.js';
import { useLab } from './lab/use-lab.js';

const lab = useLab();
const ALL: Verb[] = ['get', 'list', 'watch', 'patch'];
const READ: Verb[] = ['get', 'list', 'watch'];

let ns = '';
let scratch = '';
let runner: RunnerEnv;

beforeAll(async () => {
  ns = await lab.namespace('access');
  scratch = await mkdtemp(join(tmpdir(), 'cluster-access-'));
  // A Kustomization to read and patch. Its source does not exist: it never becomes Ready, which is fine here.
  await lab.apply(
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'target' },
      spec: {
        interval: '10m',
        path: './',
        prune: false,
        sourceRef: { kind: 'GitRepository', name: 'absent' },
      },
    },
    { namespace: ns },
  );
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  runner = await fakeRunner();
});
afterEach(async () => {
  await runner.restore();
});

const kubeconfigOf = (user: LabUser) => readFile(lab.kubeconfigFor(user), 'utf8');

async function connect(kubeconfig: string): Promise<KubeClusterApi> {
  const prepared = await prepareKubeconfig({ kubeconfig, context: '', exportKubeconfig: true });
  return createClusterApi(prepared.kubeConfig);
}

const needs = (verbs: Verb[], kinds: FluxKind[] = [KUSTOMIZATION]) => ({ kinds, namespaces: [ns], verbs });

describe('authentication against a real kube-apiserver', () => {
  it('a bearer token (kubeconfig given as base64): preflight passes, get and merge patch work', async () => {
    const api = await connect(Buffer.from(await kubeconfigOf('admin')).toString('base64'));
    const result = await preflight(api, needs(ALL));
    expect(result.serverVersion).toMatch(/^v1\.\d+\.\d+/);

    expect((await api.get(KUSTOMIZATION, ns, 'target'))?.metadata.name).toBe('target');
    const token = `e2e-${Date.now()}`;
    await api.mergePatch(KUSTOMIZATION, ns, 'target', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
    });
    const after = await lab.get('Kustomization', ns, 'target');
    expect(after?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBe(token);
    expect(runner.stdout()).toContain('kubeconfig: the input is base64-encoded YAML');
    const adminToken: string = parse(await kubeconfigOf('admin')).users[0].user.token;
    expect(runner.masks()).toContain(adminToken);
    for (const secret of lab.info.secrets) expect(runner.visibleOutput()).not.toContain(secret);
  });

  it('a client certificate (YAML input): preflight passes and the object is read', async () => {
    const api = await connect(await kubeconfigOf('adminCert'));
    await expect(preflight(api, needs(ALL))).resolves.toBeDefined();
    expect(await api.get(KUSTOMIZATION, ns, 'target')).toBeDefined();
  });

  it('a client certificate of a user without roles: every missing permission is named', async () => {
    const api = await connect(await kubeconfigOf('plainCert'));
    await expect(preflight(api, needs(ALL))).rejects.toThrow(
      `not allowed to get, list, watch, patch kustomizations.kustomize.toolkit.fluxcd.io in namespace ${ns}`,
    );
  });

  it('an exec credential plugin: a script that prints an ExecCredential (its token masked)', async () => {
    // The restricted user's token: no earlier test has loaded it, so only the plugin's output can mask it.
    const token: string = parse(await kubeconfigOf('restricted')).users[0].user.token;
    const config = parse(await kubeconfigOf('admin'));
    const plugin = join(scratch, 'print-credential');
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token },
    });
    await writeFile(plugin, `#!/bin/sh\ncat <<'EOF'\n${credential}\nEOF\n`);
    await chmod(plugin, 0o700);
    config.users[0].user = {
      exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' },
    };

    const api = await connect(stringify(config));
    await expect(preflight(api, needs(READ))).resolves.toBeDefined();
    expect(await api.get(KUSTOMIZATION, ns, 'target')).toBeDefined();
    expect(runner.masks()).toContain(token);
    expect(runner.visibleOutput()).not.toContain(token);
  });
});

describe('in-cluster credentials (a runner that runs as a pod, without a kubeconfig)', () => {
  /** The service account directory as the kubelet mounts it: files behind a `..data` symlink. */
  async function mountServiceAccount(token: string): Promise<string> {
    const dir = join(scratch, 'serviceaccount');
    const data = join(dir, '..2025_01_31_10_00_00.123456789');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'token'), token);
    await copyFile(lab.info.caFile, join(data, 'ca.crt'));
    await writeFile(join(data, 'namespace'), ns);
    await symlink('..2025_01_31_10_00_00.123456789', join(dir, '..data'));
    for (const file of ['token', 'ca.crt', 'namespace']) await symlink(join('..data', file), join(dir, file));
    return dir;
  }

  it("uses the pod's service account and the API server in KUBERNETES_SERVICE_HOST, and says so", async () => {
    const token: string = parse(await kubeconfigOf('admin')).users[0].user.token;
    const serviceAccountDir = await mountServiceAccount(token);
    const apiServer = new URL(lab.info.apiServerUrl);
    const env = { KUBERNETES_SERVICE_HOST: apiServer.hostname, KUBERNETES_SERVICE_PORT: apiServer.port };

    const prepared = await prepareKubeconfig(
      { kubeconfig: '', context: '', exportKubeconfig: true },
      { env, serviceAccountDir },
    );
    expect(prepared.context).toBe('in-cluster');
    expect(prepared.namespace).toBe(ns);
    expect(prepared.server).toBe(`https://${apiServer.host}`);
    expect(prepared.writtenPath).toBeUndefined();
    const api = createClusterApi(prepared.kubeConfig);
    await expect(preflight(api, needs(ALL))).resolves.toBeDefined();
    expect((await api.get(KUSTOMIZATION, ns, 'target'))?.metadata.name).toBe('target');
    expect(runner.stdout()).toContain(
      `No kubeconfig: using this pod's service account (${serviceAccountDir})`,
    );
    // Masked (an earlier test of this file may have registered the same token already).
    expect(redact(`token ${token}`)).toBe('token ***');
    for (const secret of lab.info.secrets) expect(runner.visibleOutput()).not.toContain(secret);
  });

  it('is not used without KUBERNETES_SERVICE_HOST, and the help says how to provide credentials', async () => {
    const serviceAccountDir = join(scratch, 'serviceaccount');
    await expect(
      prepareKubeconfig(
        { kubeconfig: '', context: '', exportKubeconfig: true },
        { env: {}, serviceAccountDir },
      ),
    ).rejects.toThrow(
      /this runner has no service account[\s\S]*KUBERNETES_SERVICE_HOST and the token mounted/,
    );
  });
});

describe('authorization and installation problems', () => {
  it('a restricted user (get, no patch): preflight names the verb, resource and namespace', async () => {
    const api = await connect(await kubeconfigOf('restricted'));
    await expect(preflight(api, needs(READ))).resolves.toBeDefined();
    const error = (await preflight(api, needs(ALL)).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `Preflight found a problem with the cluster at ${lab.info.apiServerUrl}:\n` +
        `  - not allowed to patch kustomizations.kustomize.toolkit.fluxcd.io in namespace ${ns}`,
    );
    expect(await api.get(KUSTOMIZATION, ns, 'target')).toBeDefined();
    await expect(
      api.mergePatch(KUSTOMIZATION, ns, 'target', { metadata: { annotations: { a: 'b' } } }),
    ).rejects.toThrow(
      new RegExp(`^Kustomization ${ns}/target: HTTP 403 Forbidden: .*cannot patch resource "kustomizations"`),
    );
  });

  it('a kind the cluster does not serve: Flux is not installed, or not this kind', async () => {
    const api = await connect(await kubeconfigOf('admin'));
    const futureVersion: FluxKind = { ...KUSTOMIZATION, version: 'v9' };
    const unknownKind: FluxKind = { ...KUSTOMIZATION, kind: 'Kustomisation', plural: 'kustomisations' };
    const error = (await preflight(api, needs(READ, [futureVersion, unknownKind])).catch(
      (e: Error) => e,
    )) as Error;
    expect(error.message).toContain(
      'Flux is not installed in this cluster, or not this kind: kustomize.toolkit.fluxcd.io/v9 Kustomization is missing',
    );
    expect(error.message).toContain(
      'Flux is not installed in this cluster, or not this kind: kustomize.toolkit.fluxcd.io/v1 Kustomisation is missing',
    );
  });

  it('a namespace that does not exist', async () => {
    const api = await connect(await kubeconfigOf('admin'));
    await expect(preflight(api, { ...needs(READ), namespaces: ['no-such-namespace-e2e'] })).rejects.toThrow(
      'namespace no-such-namespace-e2e does not exist',
    );
  });
});

describe('watch against a real kube-apiserver', () => {
  it('lists, sees a change, survives an API server restart by listing again, and sees the next change', async () => {
    const api = await connect(await kubeconfigOf('admin'));
    const seen: { type: string | undefined; token: string | undefined }[] = [];
    const errors: string[] = [];
    const controller = new AbortController();
    const done = api.watch(
      KUSTOMIZATION,
      ns,
      (obj, type) => {
        if (obj.metadata.name === 'target') {
          seen.push({ type, token: obj.metadata.annotations?.['e2e/marker'] });
        }
      },
      controller.signal,
      (error) => errors.push(error.message),
    );
    try {
      await vi.waitFor(() => expect(seen.filter((s) => s.type === 'LISTED')).toHaveLength(1), {
        timeout: 30_000,
      });
      await lab.patch('Kustomization', ns, 'target', { metadata: { annotations: { 'e2e/marker': 'one' } } });
      await vi.waitFor(
        () => expect(seen.some((s) => s.type === 'MODIFIED' && s.token === 'one')).toBe(true),
        {
          timeout: 30_000,
        },
      );

      await lab.restartApiServer();
      await vi.waitFor(() => expect(seen.filter((s) => s.type === 'LISTED')).toHaveLength(2), {
        timeout: 60_000,
      });
      expect(errors.length).toBeGreaterThan(0);

      await lab.patch('Kustomization', ns, 'target', { metadata: { annotations: { 'e2e/marker': 'two' } } });
      await vi.waitFor(() => expect(seen.some((s) => s.token === 'two')).toBe(true), { timeout: 30_000 });
    } finally {
      controller.abort();
      await done;
    }
  });
});

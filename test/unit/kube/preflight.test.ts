import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELM_RELEASE, KUSTOMIZATION } from '../../../src/flux/kinds.js';
import { createClusterApi, type KubeClusterApi } from '../../../src/kube/client.js';
import { prepareKubeconfig } from '../../../src/kube/kubeconfig/prepare.js';
import { preflight, type Verb } from '../../../src/kube/preflight.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';
import { b64, kubeconfigYaml } from './helpers/kubeconfigs.js';
import { useTestPki } from './helpers/pki.js';

const TOKEN = 'preflight-token-4411';
const ALL: Verb[] = ['get', 'list', 'watch', 'patch'];

const pki = useTestPki();
let server: FakeApiServer;
let runner: RunnerEnv;

beforeEach(async () => {
  runner = await fakeRunner();
  server = await new FakeApiServer({
    cert: pki.server.cert,
    key: pki.server.key,
    tokens: { [TOKEN]: 'ci' },
  }).start();
  server.serve('kustomize.toolkit.fluxcd.io', 'v1', [{ kind: 'Kustomization', plural: 'kustomizations' }]);
  server.serve('helm.toolkit.fluxcd.io', 'v2', [{ kind: 'HelmRelease', plural: 'helmreleases' }]);
  server.namespaces.add('apps');
});
afterEach(async () => {
  await server.stop();
  await runner.restore();
});

async function connect(): Promise<KubeClusterApi> {
  const yaml = kubeconfigYaml({
    cluster: { server: server.url, caData: b64(pki.ca.cert) },
    user: { token: TOKEN },
  });
  const prepared = await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
  return createClusterApi(prepared.kubeConfig);
}

const needs = { kinds: [KUSTOMIZATION, HELM_RELEASE], namespaces: ['flux-system', 'apps'], verbs: ALL };

describe('preflight', () => {
  it('passes on a cluster that has everything, with one request per check', async () => {
    const api = await connect();
    const result = await preflight(api, needs);
    expect(result.serverVersion).toBe('v1.36.4');
    // version + 2 discovery + 2 namespaces + 2 kinds × 2 namespaces × 4 verbs
    expect(api.requestCount()).toBe(1 + 2 + 2 + 16);
    const reviews = server.requestsTo('selfsubjectaccessreviews', 'POST');
    expect(reviews).toHaveLength(16);
    const asked = reviews.map((r) => JSON.parse(r.body).spec.resourceAttributes);
    expect(asked).toContainEqual(
      expect.objectContaining({ group: 'kustomize.toolkit.fluxcd.io', resource: 'kustomizations' }),
    );
  });

  it('collects every problem into one error: missing kind, missing namespace, missing permission', async () => {
    server.served.delete('helm.toolkit.fluxcd.io/v2');
    server.namespaces.delete('apps');
    server.permission = (_user, verb, resource, namespace) =>
      !(verb === 'patch' && resource === 'kustomizations' && namespace === 'flux-system');
    const api = await connect();
    const error = (await preflight(api, needs).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      [
        `Preflight found 3 problems with the cluster at ${server.url}:`,
        '  - Flux is not installed in this cluster, or not this kind: helm.toolkit.fluxcd.io/v2 HelmRelease is missing',
        '  - namespace apps does not exist',
        '  - not allowed to patch kustomizations.kustomize.toolkit.fluxcd.io in namespace flux-system',
      ].join('\n'),
    );
  });

  it('names a kind missing from a group/version that exists', async () => {
    server.serve('kustomize.toolkit.fluxcd.io', 'v1', []);
    const api = await connect();
    await expect(
      preflight(api, { kinds: [KUSTOMIZATION], namespaces: ['flux-system'], verbs: ['get'] }),
    ).rejects.toThrow(
      'Flux is not installed in this cluster, or not this kind: kustomize.toolkit.fluxcd.io/v1 Kustomization is missing',
    );
  });

  it('checks only the given targets when the run names them', async () => {
    server.permission = (_user, verb, resource, namespace) =>
      !(resource === 'helmreleases' && namespace === 'flux-system') && verb !== 'delete';
    const api = await connect();
    const targets = [
      { kind: KUSTOMIZATION, namespace: 'flux-system' },
      { kind: HELM_RELEASE, namespace: 'apps' },
    ];
    await expect(preflight(api, { ...needs, targets })).resolves.toMatchObject({ serverVersion: 'v1.36.4' });
    await expect(preflight(api, needs)).rejects.toThrow(
      'not allowed to get, list, watch, patch helmreleases.helm.toolkit.fluxcd.io in namespace flux-system',
    );
  });

  it('does not fail when the credentials may not read namespaces', async () => {
    server.namespaceReadersDenied.add('ci');
    server.namespaces.delete('apps');
    const api = await connect();
    await expect(preflight(api, needs)).resolves.toBeDefined();
  });

  it('names the server URL when the API server does not answer in time', async () => {
    server.hangVersion = true;
    const api = await connect();
    const error = (await preflight(api, needs, 300).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `The Kubernetes API server ${server.url} did not answer within 300ms. Is the address right, and may this runner reach it (firewall, private endpoint, authorized IP ranges)?`,
    );
    // Nothing else was asked of a server that does not answer.
    expect(server.requestsTo('selfsubjectaccessreviews', 'POST')).toHaveLength(0);
  });

  it('names the server URL and the cause when nothing listens there', async () => {
    const url = server.url;
    const api = await connect();
    await server.stop();
    await expect(preflight(api, needs, 300)).rejects.toThrow(
      `Cannot reach the API server ${url}: connect ECONNREFUSED ${url.replace('https://', '')} (nothing accepts connections there`,
    );
  });

  it('names the server URL when the credentials are refused', async () => {
    const yaml = kubeconfigYaml({
      cluster: { server: server.url, caData: b64(pki.ca.cert) },
      user: { token: 'nope-7' },
    });
    const prepared = await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
    await expect(preflight(createClusterApi(prepared.kubeConfig), needs)).rejects.toThrow(
      `The Kubernetes API server ${server.url} answered: HTTP 401 Unauthorized`,
    );
  });
});

describe('watching every namespace', () => {
  it('is allowed only when the API server lets these credentials list and watch the kind without a namespace', async () => {
    const api = await connect();
    expect(await api.canWatchEverywhere(KUSTOMIZATION)).toBe(true);
    const asked = server
      .requestsTo('selfsubjectaccessreviews', 'POST')
      .map((r) => JSON.parse(r.body).spec.resourceAttributes);
    expect(asked).toEqual([
      expect.objectContaining({ verb: 'list', resource: 'kustomizations', namespace: '' }),
      expect.objectContaining({ verb: 'watch', resource: 'kustomizations', namespace: '' }),
    ]);
    // Namespaced access only (a RoleBinding): one stream per namespace then.
    server.permission = (_user, verb, _resource, namespace) => namespace !== '' || verb !== 'watch';
    expect(await api.canWatchEverywhere(KUSTOMIZATION)).toBe(false);
  });
});

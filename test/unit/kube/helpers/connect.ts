// The setup the client's loopback tests share: a fake API server with the test PKI that knows one token,
// serving Kustomizations, and a client connected to it the way the action connects (prepareKubeconfig).
import {
  type ClusterApiOptions,
  createClusterApi,
  type KubeClusterApi,
} from '../../../../src/kube/client.js';
import { prepareKubeconfig } from '../../../../src/kube/kubeconfig/prepare.js';
import { FakeApiServer } from './fake-apiserver.js';
import { b64, kubeconfigYaml } from './kubeconfigs.js';
import type { TestPki } from './pki.js';

/** Started; the caller stops it. */
export async function startFakeApi(pki: TestPki, token: string): Promise<FakeApiServer> {
  const server = await new FakeApiServer({
    cert: pki.server.cert,
    key: pki.server.key,
    tokens: { [token]: 'ci' },
  }).start();
  server.serve('kustomize.toolkit.fluxcd.io', 'v1', [{ kind: 'Kustomization', plural: 'kustomizations' }]);
  return server;
}

export async function connectTo(
  server: FakeApiServer,
  pki: TestPki,
  token: string,
  options: ClusterApiOptions = {},
): Promise<KubeClusterApi> {
  const yaml = kubeconfigYaml({ cluster: { server: server.url, caData: b64(pki.ca.cert) }, user: { token } });
  const prepared = await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
  return createClusterApi(prepared.kubeConfig, options);
}

// A self-hosted runner that runs as a pod (Actions Runner Controller) has no kubeconfig, but it has a
// service account: the API server's address in KUBERNETES_SERVICE_HOST/PORT, and the token, CA and
// namespace the kubelet mounts. This is client-go's rest.InClusterConfig, written as a kubeconfig; the
// token is named by its file, so a token the kubelet rotates during the run is read again.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { RawKubeconfig } from './types.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const IN_CLUSTER_CONTEXT = 'in-cluster';

/** The in-cluster config, or undefined when this process does not run in a pod with a service account. */
export function inClusterKubeconfig(
  env: NodeJS.ProcessEnv,
  dir = SERVICE_ACCOUNT_DIR,
): RawKubeconfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST?.trim();
  const port = env.KUBERNETES_SERVICE_PORT?.trim();
  const tokenFile = join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const caFile = join(dir, 'ca.crt');
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: IN_CLUSTER_CONTEXT,
        cluster: {
          server: `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`,
          ...(existsSync(caFile) ? { 'certificate-authority': caFile } : {}),
        },
      },
    ],
    users: [{ name: 'service-account', user: { 'token-file': tokenFile } }],
    contexts: [
      {
        name: IN_CLUSTER_CONTEXT,
        context: {
          cluster: IN_CLUSTER_CONTEXT,
          user: 'service-account',
          ...(namespace ? { namespace } : {}),
        },
      },
    ],
    'current-context': IN_CLUSTER_CONTEXT,
  };
}

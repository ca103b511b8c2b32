// Kubeconfig documents for tests, built as objects and written as YAML.
import { stringify } from 'yaml';

export interface ClusterSpec {
  name?: string;
  server: string;
  caData?: string;
  caFile?: string;
  insecure?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export type UserSpec = Record<string, unknown>;

export function kubeconfigYaml(opts: {
  cluster: ClusterSpec;
  user: UserSpec;
  contexts?: string[];
  currentContext?: string | null;
  namespace?: string;
}): string {
  const clusterName = opts.cluster.name ?? 'test-cluster';
  const contexts = opts.contexts ?? ['test'];
  const cluster: Record<string, unknown> = { server: opts.cluster.server };
  if (opts.cluster.caData) cluster['certificate-authority-data'] = opts.cluster.caData;
  if (opts.cluster.caFile) cluster['certificate-authority'] = opts.cluster.caFile;
  if (opts.cluster.insecure) cluster['insecure-skip-tls-verify'] = true;
  if (opts.cluster.tlsServerName) cluster['tls-server-name'] = opts.cluster.tlsServerName;
  if (opts.cluster.proxyUrl) cluster['proxy-url'] = opts.cluster.proxyUrl;
  const doc: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: 'test-user', user: opts.user }],
    contexts: contexts.map((name) => ({
      name,
      context: {
        cluster: clusterName,
        user: 'test-user',
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
      },
    })),
  };
  if (opts.currentContext !== null) doc['current-context'] = opts.currentContext ?? contexts[0];
  return stringify(doc);
}

export const b64 = (text: string): string => Buffer.from(text).toString('base64');

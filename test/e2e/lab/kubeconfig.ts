// Kubeconfig files for the lab's users, with everything inline (no paths), as a CI secret would hold them.
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export type KubeUser = { token: string } | { certFile: string; keyFile: string };

export interface KubeconfigSpec {
  server: string;
  caFile: string;
  userName: string;
  user: KubeUser;
  /** Namespace of the context, if any. */
  namespace?: string;
}

const b64 = async (file: string) => (await readFile(file)).toString('base64');

/** Writes the kubeconfig (mode 0600) and returns every secret value it contains. */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<string[]> {
  const secrets: string[] = [];
  let user: Record<string, string>;
  if ('token' in spec.user) {
    user = { token: spec.user.token };
    secrets.push(spec.user.token);
  } else {
    const key = await b64(spec.user.keyFile);
    user = { 'client-certificate-data': await b64(spec.user.certFile), 'client-key-data': key };
    secrets.push(key);
  }
  const context = 'flux-lab';
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'flux-lab',
        cluster: { server: spec.server, 'certificate-authority-data': await b64(spec.caFile) },
      },
    ],
    users: [{ name: spec.userName, user }],
    contexts: [
      {
        name: context,
        context: {
          cluster: 'flux-lab',
          user: spec.userName,
          ...(spec.namespace ? { namespace: spec.namespace } : {}),
        },
      },
    ],
    'current-context': context,
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  return secrets;
}

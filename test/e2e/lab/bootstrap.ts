// What a Flux cluster has before the controllers start: the CRDs, flux-system, and the lab's RBAC.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject, LabKube } from './kube.js';
import { toObjects } from './manifests.js';
import { waitUntil } from './wait.js';

export const RESTRICTED_USER = 'lab-restricted';

const FLUX_GROUPS = [
  'source.toolkit.fluxcd.io',
  'kustomize.toolkit.fluxcd.io',
  'helm.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
  'fluxcd.controlplane.io',
];

/** Applies every CRD in `crdDir` and waits until each is Established. */
export async function applyCrds(kube: LabKube, crdDir: string): Promise<string[]> {
  const files = (await readdir(crdDir)).filter((f) => f.endsWith('.yaml')).sort();
  const crds: KubeObject[] = [];
  for (const file of files) crds.push(...toObjects(await readFile(join(crdDir, file), 'utf8')));
  await Promise.all(crds.map((crd) => kube.apply(crd)));
  const names = crds.map((c) => c.metadata.name);
  await waitUntil(
    async () => {
      for (const name of names) {
        const crd = await kube.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name);
        const established = (crd?.status?.conditions ?? []).some(
          (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
        );
        if (!established) return undefined;
      }
      return true;
    },
    { what: `the Flux CRDs to be Established (${names.join(', ')})`, timeoutMs: 60_000 },
  );
  return names;
}

export async function createNamespace(kube: LabKube, name: string): Promise<void> {
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The restricted user may read Flux objects and events, and change nothing. */
export async function grantRestrictedUser(kube: LabKube): Promise<void> {
  const name = 'flux-lab-read-only';
  await kube.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [
      { apiGroups: FLUX_GROUPS, resources: ['*'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['', 'events.k8s.io'],
        resources: ['events', 'namespaces'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  });
  await kube.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: RESTRICTED_USER }],
  });
}

// `follow` for a diff: the Kustomizations and HelmReleases a diffed Kustomization applied join the diff, but
// never those of an inventory from another cluster (spec.kubeConfig): same-named objects here are not it.
import { describe, expect, it } from 'vitest';
import { withChildren } from '../../../src/diff/follow.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

const ks = (ns: string, name: string) => ({
  id: `${ns}_${name}_kustomize.toolkit.fluxcd.io_Kustomization`,
  v: 'v1',
});
const hr = (ns: string, name: string) => ({
  id: `${ns}_${name}_helm.toolkit.fluxcd.io_HelmRelease`,
  v: 'v2',
});

function cluster(): FakeCluster {
  const fake = new FakeCluster();
  const applying = (name: string, entries: Array<{ id: string; v: string }>, spec: object = {}) =>
    fake.add('Kustomization', { metadata: { name }, spec, status: { inventory: { entries } } } as never);
  applying('local', [ks('apps', 'web')]);
  applying('remote', [ks('apps', 'api'), hr('apps', 'db')], { kubeConfig: { secretRef: { name: 'kc' } } });
  for (const name of ['web', 'api']) fake.add('Kustomization', { metadata: { name, namespace: 'apps' } });
  fake.add('HelmRelease', { metadata: { name: 'db', namespace: 'apps' } });
  return fake;
}

describe('withChildren', () => {
  it('follows a Kustomization of this cluster, never one that applies to another', async () => {
    const fake = cluster();
    const plan = await buildPlan(fake, {
      selectors: ['local', 'remote'].map((name) => ({
        kind: 'Kustomization',
        namespace: 'flux-system',
        name,
      })),
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    const tree = await withChildren(fake, plan.objects);
    expect(tree.objects.map((o) => `${o.ref.namespace}/${o.ref.name}`).sort()).toEqual([
      'apps/web',
      'flux-system/local',
      'flux-system/remote',
    ]);
    expect(tree.unreadable).toEqual([]);
  });

  it('stops with what to do when the children would take the diff past max-objects', async () => {
    const fake = cluster();
    const plan = await buildPlan(fake, {
      selectors: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'local' }],
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    await expect(withChildren(fake, plan.objects, 1)).rejects.toThrow(
      'tree too large: 2 objects (1 found so far, 1 more in the inventory of Kustomization flux-system/local); narrow `resources` or raise `max-objects` (now 1).',
    );
  });
});

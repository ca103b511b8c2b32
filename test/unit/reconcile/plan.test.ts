import { describe, expect, it } from 'vitest';
import { buildPlan, PlanError, type PlanRequest } from '../../../src/reconcile/plan.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

const ks = (name: string, dependsOn: string[] = [], source = 'repo') => ({
  metadata: { name },
  spec: {
    sourceRef: { kind: 'GitRepository', name: source },
    dependsOn: dependsOn.map((d) => ({ name: d })),
  },
});

function request(names: string[], extra: Partial<PlanRequest> = {}): PlanRequest {
  return {
    selectors: names.map((name) => ({ kind: 'Kustomization', namespace: 'flux-system', name })),
    all: false,
    namespace: 'flux-system',
    labelSelector: '',
    withSource: false,
    ...extra,
  };
}

const names = (waves: string[][]) => waves.map((w) => w.map((k) => k.split('/').pop()));

describe('buildPlan', () => {
  it('orders a dependsOn chain into one wave per link', async () => {
    const cluster = new FakeCluster();
    cluster.add('Kustomization', ks('a'));
    cluster.add('Kustomization', ks('b', ['a']));
    cluster.add('Kustomization', ks('c', ['b']));
    const plan = await buildPlan(cluster, request(['c', 'a', 'b']));
    expect(names(plan.waves)).toEqual([['a'], ['b'], ['c']]);
    expect(plan.objects.map((o) => o.ref.name)).toEqual(['a', 'b', 'c']);
  });

  it('runs the two sides of a diamond in the same wave', async () => {
    const cluster = new FakeCluster();
    cluster.add('Kustomization', ks('base'));
    cluster.add('Kustomization', ks('left', ['base']));
    cluster.add('Kustomization', ks('right', ['base']));
    cluster.add('Kustomization', ks('top', ['left', 'right']));
    const plan = await buildPlan(cluster, request(['top', 'left', 'right', 'base']));
    expect(names(plan.waves)).toEqual([['base'], ['left', 'right'], ['top']]);
  });

  it('ignores dependencies that are not part of the run', async () => {
    const cluster = new FakeCluster();
    cluster.add('Kustomization', ks('infra'));
    cluster.add('Kustomization', ks('apps', ['infra']));
    const plan = await buildPlan(cluster, request(['apps']));
    expect(names(plan.waves)).toEqual([['apps']]);
  });

  it('names the cycle', async () => {
    const cluster = new FakeCluster();
    cluster.add('Kustomization', ks('a', ['c']));
    cluster.add('Kustomization', ks('b', ['a']));
    cluster.add('Kustomization', ks('c', ['b']));
    cluster.add('Kustomization', ks('free'));
    const error = await buildPlan(cluster, request(['a', 'b', 'c', 'free'])).catch((e) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect(error.message).toMatch(
      /dependsOn cycle: Kustomization flux-system\/\w → .* → Kustomization flux-system\/\w/,
    );
    expect(error.message).toContain('flux-system/a');
    expect(error.message).toContain('flux-system/b');
    expect(error.message).toContain('flux-system/c');
    expect(error.message).not.toContain('free');
  });

  it('says what exists when a name is not found', async () => {
    const cluster = new FakeCluster();
    cluster.add('Kustomization', ks('apps'));
    cluster.add('Kustomization', ks('infra'));
    const error = await buildPlan(cluster, request(['app'])).catch((e) => e);
    expect(error.message).toBe(
      'Kustomization flux-system/app not found; Kustomizations in flux-system: apps, infra.',
    );
  });

  it('puts sources first with with-source, each once, following HelmRelease → HelmChart → HelmRepository', async () => {
    const cluster = new FakeCluster();
    cluster.add('GitRepository', { metadata: { name: 'repo' } });
    cluster.add('Kustomization', ks('a'));
    cluster.add('Kustomization', ks('b'));
    cluster.add('HelmRepository', { metadata: { name: 'charts' } });
    cluster.add('HelmChart', {
      metadata: { name: 'flux-system-web' },
      spec: { sourceRef: { kind: 'HelmRepository', name: 'charts' } },
    });
    cluster.add('HelmRelease', {
      metadata: { name: 'web' },
      spec: { chart: { spec: { chart: 'web', sourceRef: { kind: 'HelmRepository', name: 'charts' } } } },
    });
    const plan = await buildPlan(cluster, {
      ...request(['a', 'b']),
      selectors: [
        ...request(['a', 'b']).selectors,
        { kind: 'HelmRelease', namespace: 'flux-system', name: 'web' },
      ],
      withSource: true,
    });
    expect(plan.waves).toEqual([
      ['GitRepository/flux-system/repo', 'HelmRepository/flux-system/charts'],
      ['HelmChart/flux-system/flux-system-web', 'Kustomization/flux-system/a', 'Kustomization/flux-system/b'],
      ['HelmRelease/flux-system/web'],
    ]);
    expect(plan.objects.filter((o) => o.role === 'source').map((o) => o.ref.kind)).toEqual([
      'GitRepository',
      'HelmRepository',
      'HelmChart',
    ]);
  });

  it('expands kind/* and all with the label selector', async () => {
    const cluster = new FakeCluster();
    cluster.add('Kustomization', { ...ks('shop'), metadata: { name: 'shop', labels: { team: 'shop' } } });
    cluster.add('Kustomization', { ...ks('blog'), metadata: { name: 'blog', labels: { team: 'blog' } } });
    cluster.add('HelmRelease', { metadata: { name: 'cart', labels: { team: 'shop' } } });
    const plan = await buildPlan(cluster, { ...request([]), all: true, labelSelector: 'team=shop' });
    expect(plan.objects.map((o) => o.key).sort()).toEqual([
      'HelmRelease/flux-system/cart',
      'Kustomization/flux-system/shop',
    ]);
  });

  it('refuses a selection that matches nothing', async () => {
    const cluster = new FakeCluster();
    const error = await buildPlan(cluster, { ...request([]), all: true }).catch((e) => e);
    expect(error.message).toMatch(/Input 'resources' matched no Flux objects/);
  });

  describe('reads', () => {
    it('the names of one kind and namespace with one list, a single name with one GET', async () => {
      const cluster = new FakeCluster();
      for (const name of ['a', 'b', 'c']) cluster.add('Kustomization', ks(name));
      cluster.add('Kustomization', { ...ks('x'), metadata: { name: 'x', namespace: 'apps' } });
      const plan = await buildPlan(cluster, {
        ...request(['a', 'b', 'c']),
        selectors: [
          ...request(['a', 'b', 'c']).selectors,
          { kind: 'Kustomization', namespace: 'apps', name: 'x' },
        ],
      });
      expect(plan.objects.map((o) => o.key).sort()).toEqual([
        'Kustomization/apps/x',
        'Kustomization/flux-system/a',
        'Kustomization/flux-system/b',
        'Kustomization/flux-system/c',
      ]);
      expect(cluster.requestCount()).toBe(2);
    });

    it('says what exists when one of several names is not found, from the same list', async () => {
      const cluster = new FakeCluster();
      cluster.add('Kustomization', ks('apps'));
      cluster.add('Kustomization', ks('infra'));
      const error = await buildPlan(cluster, request(['apps', 'app'])).catch((e) => e);
      expect(error.message).toBe(
        'Kustomization flux-system/app not found; Kustomizations in flux-system: apps, infra.',
      );
      expect(cluster.requestCount()).toBe(1);
    });

    it('a source many objects share once, and the sources of one kind and namespace together', async () => {
      const cluster = new FakeCluster();
      cluster.add('GitRepository', { metadata: { name: 'repo' } });
      cluster.add('GitRepository', { metadata: { name: 'other' } });
      const names = Array.from({ length: 20 }, (_, i) => `app-${i}`);
      for (const name of names) cluster.add('Kustomization', ks(name));
      const shared = await buildPlan(cluster, request(names, { withSource: true }));
      expect(shared.objects.filter((o) => o.role === 'source').map((o) => o.key)).toEqual([
        'GitRepository/flux-system/repo',
      ]);
      expect(shared.objects.every((o) => o.role === 'source' || o.after.length === 1)).toBe(true);
      // The Kustomizations' list, then the one GitRepository.
      expect(cluster.requestCount()).toBe(2);

      cluster.add('Kustomization', ks('elsewhere', [], 'other'));
      const before = cluster.requestCount();
      await buildPlan(cluster, request([...names, 'elsewhere'], { withSource: true }));
      // The Kustomizations' list, then one list for both GitRepositories.
      expect(cluster.requestCount() - before).toBe(2);
    });

    it('names each object whose source was not found', async () => {
      const cluster = new FakeCluster();
      cluster.add('Kustomization', ks('a', [], 'gone'));
      cluster.add('Kustomization', ks('b', [], 'gone'));
      const error = await buildPlan(cluster, request(['a', 'b'], { withSource: true })).catch((e) => e);
      expect(error).toBeInstanceOf(PlanError);
      expect(error.message).toBe(
        [
          'Kustomization flux-system/a: its source GitRepository flux-system/gone was not found.',
          'Kustomization flux-system/b: its source GitRepository flux-system/gone was not found.',
        ].join('\n'),
      );
    });
  });
});

// A tree has bounds: one watch stream per kind when the credentials may watch every namespace (however many
// namespaces the tree spans), a cap on per-namespace streams otherwise, and a cap on the objects a run
// follows (`max-objects`), which fails with what to do instead of growing without end.
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import { buildPlan, PlanError } from '../../../src/reconcile/plan.js';
import { type RunOptions, runPlan } from '../../../src/reconcile/run.js';
import { MAX_NAMESPACE_STREAMS } from '../../../src/reconcile/watch-scopes.js';
import { FakeCluster, handleAndSucceed, runKustomizations } from '../../helpers/fake-cluster.js';

const A = 'a'.repeat(40);
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  command: 'reconcile',
  revision: '',
  timeoutMs: 60_000,
  failFastGraceMs: 0,
  force: false,
  reset: false,
  follow: true,
  ...extra,
});
const ks = (ns: string, name: string) => `${ns}_${name}_kustomize.toolkit.fluxcd.io_Kustomization`;

/** A root that applies one child Kustomization in each of `namespaces` namespaces. */
function spanning(namespaces: number): FakeCluster {
  const c = new FakeCluster();
  c.add('Kustomization', { metadata: { name: 'root' } });
  const ids = Array.from({ length: namespaces }, (_, i) => ks(`team-${i}`, 'app'));
  for (let i = 0; i < namespaces; i++)
    c.add('Kustomization', { metadata: { name: 'app', namespace: `team-${i}` } });
  const succeed = handleAndSucceed(() => `main@sha1:${A}`);
  c.controllers.set('Kustomization', (obj: FluxObject, cl: FakeCluster) => {
    // The root's inventory is written with its Ready condition, in one status update.
    if (obj.metadata.name === 'root')
      obj.status = { ...obj.status, inventory: { entries: ids.map((id) => ({ id, v: 'v1' })) } };
    succeed(obj, cl);
  });
  return c;
}

describe('watch streams', () => {
  it('opens one stream per kind when the credentials may list and watch it everywhere', async () => {
    const c = spanning(600);
    const result = await runKustomizations(c, ['root'], options());
    expect(result.ready).toBe(true);
    expect(result.results).toHaveLength(601);
    expect(c.watchesOpened).toEqual(['Kustomization/']);
  });

  it('falls back to one stream per namespace, never more than the cap at once, and still judges every object', async () => {
    const c = spanning(3 * MAX_NAMESPACE_STREAMS);
    c.clusterWideAccess = false;
    const result = await runKustomizations(c, ['root'], options());
    expect(result.ready).toBe(true);
    expect(result.results).toHaveLength(3 * MAX_NAMESPACE_STREAMS + 1);
    expect(c.maxOpenWatches).toBeLessThanOrEqual(MAX_NAMESPACE_STREAMS);
    expect(new Set(c.watchesOpened).size).toBe(3 * MAX_NAMESPACE_STREAMS + 1);
  });
});

describe('max-objects', () => {
  it('refuses a plan of more objects than max-objects, saying how to fix it', async () => {
    const c = spanning(5);
    const error = await buildPlan(c, {
      selectors: [
        { kind: 'Kustomization', namespace: 'team-0', name: '*' },
        { kind: 'Kustomization', namespace: 'team-1', name: '*' },
        { kind: 'Kustomization', namespace: 'team-2', name: '*' },
      ],
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
      maxObjects: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as Error).message).toBe(
      'tree too large: 3 objects; narrow `resources` or raise `max-objects` (now 2).',
    );
  });

  it('fails the parent whose inventory would take the run past max-objects, and follows none of it', async () => {
    const c = spanning(10);
    const plan = await buildPlan(c, {
      selectors: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'root' }],
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    const result = await runPlan(c, plan, options({ maxObjects: 5 }));
    expect(result.ready).toBe(false);
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({
      name: 'root',
      outcome: 'failed',
      ok: false,
      reason: 'TreeTooLarge',
    });
    expect(result.results[0]!.message).toBe(
      'tree too large: 11 objects (1 in the run, 10 more in its inventory); narrow `resources` or raise `max-objects` (now 5).',
    );
  });
});

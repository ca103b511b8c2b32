import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { type RunOptions, runPlan } from '../../../src/reconcile/run.js';
import {
  FakeCluster,
  handleAndFail,
  handleAndSucceed,
  runKustomizations,
} from '../../helpers/fake-cluster.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  command: 'reconcile',
  revision: '',
  // Runs end when their objects do; a test about the deadline sets its own.
  timeoutMs: 30_000,
  failFastGraceMs: 0,
  follow: true,
  force: false,
  reset: false,
  ...extra,
});

function cluster(): FakeCluster {
  const c = new FakeCluster();
  c.add('GitRepository', { metadata: { name: 'repo' }, status: { artifact: { revision: 'main@sha1:old' } } });
  for (const [name, deps] of [
    ['a', []],
    ['b', ['a']],
    ['c', ['b']],
  ] as const) {
    c.add('Kustomization', {
      metadata: { name },
      spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, dependsOn: deps.map((d) => ({ name: d })) },
      status: { lastAppliedRevision: 'main@sha1:old', observedGeneration: 1 },
    });
  }
  return c;
}

const run = runKustomizations;

describe('runPlan', () => {
  it('requests the source first and holds the object to the revision the source fetched', async () => {
    const c = cluster();
    c.controllers.set(
      'GitRepository',
      handleAndSucceed(() => `main@sha1:${SHA}`),
    );
    c.controllers.set(
      'Kustomization',
      handleAndSucceed(() => `main@sha1:${SHA}`),
    );
    const result = await run(c, ['a'], options({ revision: SHA.slice(0, 7) }), true);
    expect(result.ready).toBe(true);
    expect(result.results.map((r) => [r.kind, r.outcome, r.revisionBefore, r.revisionAfter])).toEqual([
      ['GitRepository', 'ready', 'main@sha1:old', `main@sha1:${SHA}`],
      ['Kustomization', 'ready', 'main@sha1:old', `main@sha1:${SHA}`],
    ]);
    expect(c.patches.map((p) => p.key)).toEqual([
      'GitRepository/flux-system/repo',
      'Kustomization/flux-system/a',
    ]);
  });

  it('requests a dependent only after its dependency is Ready', async () => {
    const c = cluster();
    // The controller answers well after the patch, as a real one does: a loop that started every
    // object at once would have patched b and c before a is Ready.
    const readyAt = new Map<string, number>();
    c.controllers.set('Kustomization', (obj, cl) => {
      setTimeout(() => {
        const ready = handleAndSucceed(() => 'main@sha1:new')(obj, cl);
        readyAt.set(obj.metadata.name, Number(ready.metadata.resourceVersion));
      }, 20);
    });
    const result = await run(c, ['c', 'b', 'a'], options({ timeoutMs: 30_000 }));
    expect(result.ready).toBe(true);
    // Ordered by the cluster's own clock (resource versions), not by wall-clock time.
    const patchedAt = (name: string) =>
      c.patches.filter((p) => p.key === `Kustomization/flux-system/${name}`).map((p) => p.resourceVersion);
    expect(patchedAt('a')).toHaveLength(1);
    expect(Math.min(...patchedAt('b'))).toBeGreaterThan(readyAt.get('a')!);
    expect(Math.min(...patchedAt('c'))).toBeGreaterThan(readyAt.get('b')!);
  });

  it('fails fast with the controller message and skips the dependents', async () => {
    const c = cluster();
    c.controllers.set(
      'Kustomization',
      handleAndFail('BuildFailed', 'kustomize build failed: accumulating resources'),
    );
    const result = await run(c, ['a', 'b', 'c'], options({ timeoutMs: 60_000 }));
    expect(result.ready).toBe(false);
    expect(result.results.map((r) => [r.name, r.outcome, r.reason])).toEqual([
      ['a', 'failed', 'BuildFailed'],
      ['b', 'skipped', 'DependencyFailed'],
      ['c', 'skipped', 'DependencyFailed'],
    ]);
    expect(result.results[0]!.message).toBe('kustomize build failed: accumulating resources');
    expect(result.results[1]!.message).toContain('Kustomization flux-system/a');
  });

  it('times out with the last status and says when the request was never handled', async () => {
    const c = cluster();
    const result = await run(c, ['a'], options({ timeoutMs: 300 }));
    expect(result.results[0]).toMatchObject({ outcome: 'timed-out', ok: false });
    expect(result.results[0]!.message).toMatch(
      /Timed out after 300ms waiting for kustomize-controller to handle the reconcile request/,
    );
    expect(result.results[0]!.message).toContain('The request was never handled by kustomize-controller.');
    // What it still waited for, for the report to explain (report/stuck.ts).
    expect(result.results[0]!.waitingFor).toEqual({ for: 'request' });
  });

  it('reports a suspended object with the fix, and resumes it with command resume', async () => {
    const c = cluster();
    c.update('Kustomization', 'flux-system', 'a', (o) => {
      o.spec!.suspend = true;
    });
    const suspended = await run(c, ['a'], options());
    expect(suspended.results[0]).toMatchObject({ outcome: 'suspended', ok: false });
    expect(suspended.results[0]!.message).toContain('command: resume');
    expect(c.patches).toHaveLength(0);

    c.controllers.set(
      'Kustomization',
      handleAndSucceed(() => 'main@sha1:new'),
    );
    const resumed = await run(c, ['a'], options({ command: 'resume' }));
    expect(resumed.results[0]).toMatchObject({ outcome: 'ready', ok: true });
    expect(c.patches[0]!.patch).toMatchObject({ spec: { suspend: false } });
  });

  it('suspends with command suspend and counts it as success', async () => {
    const c = cluster();
    const result = await run(c, ['a', 'b'], options({ command: 'suspend' }));
    expect(result.ready).toBe(true);
    expect(result.results.map((r) => r.outcome)).toEqual(['suspended', 'suspended']);
    expect(c.patches.map((p) => p.patch)).toEqual([{ spec: { suspend: true } }, { spec: { suspend: true } }]);
  });

  it('waits without requesting anything with command wait, until the revision arrives', async () => {
    const c = cluster();
    setTimeout(() => {
      c.update('Kustomization', 'flux-system', 'a', (o) => {
        o.status = {
          ...o.status,
          lastAppliedRevision: `main@sha1:${SHA}`,
          conditions: [
            { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' },
          ],
        };
      });
    }, 50);
    const result = await run(c, ['a'], options({ command: 'wait', revision: SHA }));
    expect(c.patches).toHaveLength(0);
    expect(result.results[0]).toMatchObject({ outcome: 'ready', revisionAfter: `main@sha1:${SHA}` });
  });

  it('makes a constant number of API requests per object, however long it waits', async () => {
    const c = cluster();
    c.controllers.set('Kustomization', (obj, cl) =>
      setTimeout(() => handleAndSucceed(() => 'x')(obj, cl), 200),
    );
    await run(c, ['a', 'b', 'c'], options());
    // one list for the three named (plan), one access review (may it watch every namespace?), one watch
    // (+ its list), patch ×3
    expect(c.requestCount()).toBe(7);
  });

  it('fails the objects of a watch that cannot be opened, with its error, instead of waiting out the deadline', async () => {
    for (const everywhere of [true, false]) {
      const c = cluster();
      c.clusterWideAccess = everywhere;
      c.failWatches.set('Kustomization', new Error('HTTP 403 Forbidden: kustomizations is forbidden'));
      const result = await run(c, ['a', 'b'], options({ timeoutMs: 60_000 }));
      expect(result.results.map((r) => [r.name, r.outcome])).toEqual([
        ['a', 'failed'],
        ['b', 'skipped'],
      ]);
      expect(result.results[0]!.message).toContain(
        `could not watch kustomizations in ${everywhere ? 'every namespace' : 'flux-system'}: HTTP 403 Forbidden`,
      );
    }
  });

  it('asks a source again when it fetched another commit than the expected one', async () => {
    const c = cluster();
    let fetches = 0;
    // The first fetch still sees the previous commit (the push had not reached the remote yet).
    c.controllers.set('GitRepository', (obj, cl) => {
      fetches++;
      handleAndSucceed(() => `main@sha1:${fetches === 1 ? 'a'.repeat(40) : SHA}`)(obj, cl);
    });
    c.controllers.set(
      'Kustomization',
      handleAndSucceed(() => `main@sha1:${SHA}`),
    );
    const requested: string[] = [];
    const plan = await buildPlan(c, {
      selectors: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'a' }],
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: true,
    });
    const result = await runPlan(c, plan, {
      ...options({ revision: SHA, timeoutMs: 20_000 }),
      hooks: { requested: (p, what) => requested.push(`${p.ref.kind}: ${what}`) },
    });
    expect(result.ready).toBe(true);
    expect(fetches).toBe(2);
    expect(requested).toEqual([
      'GitRepository: reconcile',
      'GitRepository: ask-again',
      'Kustomization: reconcile',
    ]);
  });
});

describe('runPlan: the deadline and cancellation', () => {
  it('asks nothing of the cluster once the deadline has passed', async () => {
    const c = cluster();
    c.controllers.set(
      'Kustomization',
      handleAndSucceed(() => 'main@sha1:new'),
    );
    const result = await run(c, ['a'], options({ timeoutMs: 0 }));
    expect(c.patches).toEqual([]);
    expect(result.results.map((r) => [r.name, r.outcome])).toEqual([['a', 'timed-out']]);
  });

  it('ends what is not done as cancelled when the job is cancelled, and starts nothing more', async () => {
    const c = cluster();
    const cancel = new AbortController();
    // a never becomes Ready; b and c wait for it.
    c.controllers.set('Kustomization', (obj) => {
      if (obj.metadata.name === 'a') cancel.abort();
    });
    const result = await run(c, ['a', 'b', 'c'], options({ timeoutMs: 60_000, signal: cancel.signal }));
    expect(result.ready).toBe(false);
    expect(result.results.map((r) => [r.name, r.outcome, r.reason])).toEqual([
      ['a', 'cancelled', 'Cancelled'],
      ['b', 'cancelled', 'Cancelled'],
      ['c', 'cancelled', 'Cancelled'],
    ]);
    expect(c.patches.map((p) => p.key)).toEqual(['Kustomization/flux-system/a']);
  });
});

describe('runPlan: many objects already Ready', () => {
  it('ends each object once, whatever the order they start in', async () => {
    const c = new FakeCluster();
    for (let i = 0; i < 50; i++) {
      c.add('Kustomization', {
        metadata: { name: `app-${i}`, generation: 1 },
        spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } },
        status: {
          observedGeneration: 1,
          lastAppliedRevision: 'main@sha1:old',
          conditions: [
            { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' },
          ],
        },
      });
    }
    const finished: string[] = [];
    const plan = await buildPlan(c, {
      selectors: [{ kind: 'Kustomization', namespace: 'flux-system', name: '*' }],
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    const result = await runPlan(
      c,
      plan,
      options({ command: 'wait', hooks: { finished: (r) => finished.push(r.name) } }),
    );
    expect(result.ready).toBe(true);
    expect(finished).toHaveLength(50);
    expect(new Set(finished).size).toBe(50);
  });
});

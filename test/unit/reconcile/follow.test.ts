// Follow the tree, a newer commit that contains the expected one, and the fail-fast grace period: the run
// loop's orchestration on an in-memory cluster. The e2e scenarios prove the same against the controllers.
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import type { CommitRelation } from '../../../src/git/relate.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { type RunOptions, runPlan } from '../../../src/reconcile/run.js';
import {
  FakeCluster,
  handleAndFail,
  handleAndSucceed,
  runKustomizations,
} from '../../helpers/fake-cluster.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  command: 'reconcile',
  revision: '',
  timeoutMs: 5_000,
  failFastGraceMs: 0,
  force: false,
  reset: false,
  follow: true,
  ...extra,
});

const inventoryOf = (...ids: string[]) => ({ entries: ids.map((id) => ({ id, v: 'v1' })) });
const ks = (ns: string, name: string) => `${ns}_${name}_kustomize.toolkit.fluxcd.io_Kustomization`;

/** A Kustomization controller that handles the request and ends Ready having applied `ids` (one status write, as kustomize-controller does). */
function succeedApplying(ids: (obj: FluxObject) => string[]) {
  return (obj: FluxObject, cl: FakeCluster) =>
    cl.update('Kustomization', obj.metadata.namespace!, obj.metadata.name, (o) => {
      o.status = {
        observedGeneration: o.metadata.generation,
        lastHandledReconcileAt: o.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
        lastAppliedRevision: `main@sha1:${A}`,
        inventory: inventoryOf(...ids(o)),
        conditions: [
          { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' },
        ],
      };
    });
}

/** A root Kustomization whose controller, once asked, applies `children` (inventory ids). */
function tree(children: string[]): FakeCluster {
  const c = new FakeCluster();
  c.add('GitRepository', { metadata: { name: 'fleet' }, spec: { url: 'https://github.com/org/fleet.git' } });
  const source = { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' };
  c.add('Kustomization', { metadata: { name: 'root' }, spec: { sourceRef: source } });
  for (const [namespace, name, deps] of [
    ['apps', 'web', []],
    ['apps', 'db', []],
    ['apps', 'api', ['db']],
    ['secret-ns', 'hidden', []],
  ] as const) {
    c.add('Kustomization', {
      metadata: { name, namespace },
      spec: { sourceRef: source, dependsOn: deps.map((d) => ({ name: d })) },
    });
  }
  c.controllers.set(
    'Kustomization',
    // A ConfigMap is no Flux object: not followed.
    succeedApplying((o) => (o.metadata.name === 'root' ? [...children, 'apps_settings__ConfigMap'] : [])),
  );
  return c;
}

const run = runKustomizations;

describe('follow', () => {
  it('adds the Flux objects a Ready Kustomization applied, requests them in dependency order, and judges them', async () => {
    const c = tree([ks('apps', 'web'), ks('apps', 'api'), ks('apps', 'db')]);
    const followed: string[] = [];
    const result = await run(c, ['root'], {
      ...options({ revision: A }),
      hooks: { followed: (_p, children) => followed.push(...children.map((k) => k.ref.name)) },
    });
    expect(result.ready).toBe(true);
    expect(result.results.map((r) => [r.name, r.role, r.parent?.name, r.outcome])).toEqual([
      ['root', 'requested', undefined, 'ready'],
      ['web', 'child', 'root', 'ready'],
      ['api', 'child', 'root', 'ready'],
      ['db', 'child', 'root', 'ready'],
    ]);
    expect(followed.sort()).toEqual(['api', 'db', 'web']);
    const patched = c.patches.map((p) => p.key);
    expect(patched.indexOf('Kustomization/apps/db')).toBeLessThan(patched.indexOf('Kustomization/apps/api'));
    // The child applies from the parent's source: the expected revision applies to it too.
    expect(result.results[1]!.expectedRevision).toBe(A);
  });

  it('fails the run when a child fails, in the child’s own words', async () => {
    const c = tree([ks('apps', 'web')]);
    const root = succeedApplying(() => [ks('apps', 'web')]);
    c.controllers.set('Kustomization', (obj, cl) => {
      if (obj.metadata.name === 'web')
        return handleAndFail('BuildFailed', 'web: kustomize build failed')(obj, cl);
      root(obj, cl);
    });
    const result = await run(c, ['root'], options({ timeoutMs: 60_000 }));
    expect(result.ready).toBe(false);
    expect(result.results[1]).toMatchObject({
      name: 'web',
      role: 'child',
      outcome: 'failed',
      reason: 'BuildFailed',
    });
    expect(result.results[1]!.message).toBe('web: kustomize build failed');
  });

  describe('a child already Ready at the expected revision', () => {
    const readyAt =
      (revision: string, observedGeneration = 1) =>
      (o: FluxObject) => {
        o.status = {
          observedGeneration,
          lastAppliedRevision: `main@sha1:${revision}`,
          conditions: [
            { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' },
          ],
        };
      };

    it('is judged without a request; one at another revision, or behind its spec, is requested', async () => {
      const c = tree([ks('apps', 'web'), ks('apps', 'db'), ks('apps', 'api')]);
      c.update('Kustomization', 'apps', 'web', readyAt(A));
      c.update('Kustomization', 'apps', 'db', readyAt(B));
      // Its parent applied a new spec the controller has not seen yet.
      c.update('Kustomization', 'apps', 'api', (o) => {
        readyAt(A)(o);
        o.metadata.generation = 2;
      });
      const result = await run(c, ['root'], options({ revision: A }));
      expect(result.ready).toBe(true);
      expect(result.results.map((r) => [r.name, r.outcome, r.revisionAfter])).toEqual([
        ['root', 'ready', `main@sha1:${A}`],
        ['web', 'ready', `main@sha1:${A}`],
        ['db', 'ready', `main@sha1:${A}`],
        ['api', 'ready', `main@sha1:${A}`],
      ]);
      expect(c.patches.map((p) => p.key).sort()).toEqual([
        'Kustomization/apps/api',
        'Kustomization/apps/db',
        'Kustomization/flux-system/root',
      ]);
    });

    it('is requested when no revision is expected of it', async () => {
      const c = tree([ks('apps', 'web')]);
      c.update('Kustomization', 'apps', 'web', readyAt(A));
      await run(c, ['root'], options());
      expect(c.patches.map((p) => p.key)).toContain('Kustomization/apps/web');
    });
  });

  it('never follows an inventory from another cluster: same-named objects here are left alone, even with force', async () => {
    const c = tree([ks('apps', 'web'), 'apps_db_helm.toolkit.fluxcd.io_HelmRelease']);
    // The root applies to a remote cluster: its inventory names objects there.
    c.update('Kustomization', 'flux-system', 'root', (o) => {
      o.spec = { ...o.spec, kubeConfig: { secretRef: { name: 'remote-kubeconfig' } } } as never;
    });
    // Objects here that happen to share the names.
    c.add('HelmRelease', { metadata: { name: 'db', namespace: 'apps' } });
    const result = await run(c, ['root'], options({ force: true, reset: true }));
    expect(result.results.map((r) => [r.name, r.outcome])).toEqual([['root', 'ready']]);
    expect(c.patches.map((p) => p.key)).toEqual(['Kustomization/flux-system/root']);
    expect(result.results[0]!.note).toBe(
      'applies to another cluster (spec.kubeConfig): 2 Flux objects it applied there were not followed (Kustomization apps/web, HelmRelease apps/db)',
    );
  });

  it('judges only the named objects with follow off', async () => {
    const c = tree([ks('apps', 'web')]);
    const result = await run(c, ['root'], options({ follow: false }));
    expect(result.results.map((r) => r.name)).toEqual(['root']);
  });

  it('requests nothing of the children with command wait, and still waits for them', async () => {
    const c = tree([ks('apps', 'web')]);
    c.update('Kustomization', 'flux-system', 'root', (o) => {
      o.status = {
        observedGeneration: 1,
        lastAppliedRevision: `main@sha1:${A}`,
        inventory: inventoryOf(ks('apps', 'web')),
        conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'ok' }],
      };
    });
    setTimeout(() => handleAndSucceed(() => `main@sha1:${A}`)(c_obj(c, 'apps', 'web'), c), 100);
    const result = await run(c, ['root'], options({ command: 'wait', revision: A }));
    expect(c.patches).toHaveLength(0);
    expect(result.results.map((r) => [r.name, r.outcome])).toEqual([
      ['root', 'ready'],
      ['web', 'ready'],
    ]);
  });

  it('fails a child the credentials cannot read, naming the namespace and the verb, never a silent pass', async () => {
    const c = tree([ks('secret-ns', 'hidden')]);
    c.forbiddenNamespaces.add('secret-ns');
    const result = await run(c, ['root'], options());
    expect(result.ready).toBe(false);
    expect(result.results[1]).toMatchObject({
      name: 'hidden',
      namespace: 'secret-ns',
      outcome: 'failed',
      reason: 'AccessDenied',
    });
    expect(result.results[1]!.message).toContain(
      'cannot get kustomizations.kustomize.toolkit.fluxcd.io in namespace secret-ns',
    );
  });

  it('leaves out a child the commit removed (gone from the cluster)', async () => {
    const c = tree([ks('apps', 'web'), ks('apps', 'removed')]);
    const result = await run(c, ['root'], options());
    expect(result.results.map((r) => r.name)).toEqual(['root', 'web']);
  });

  it('judges each object once in a cycle of parents and children, and follows a large tree with constant requests per object', async () => {
    const c = new FakeCluster();
    const n = 300;
    c.add('Kustomization', { metadata: { name: 'root' } });
    for (let i = 0; i < n; i++) c.add('Kustomization', { metadata: { name: `k${i}`, namespace: 'apps' } });
    c.controllers.set(
      'Kustomization',
      succeedApplying(
        (o) =>
          o.metadata.name === 'root'
            ? Array.from({ length: n }, (_, i) => ks('apps', `k${i}`))
            : [ks('flux-system', 'root')], // every child claims the root: a cycle
      ),
    );
    const result = await run(c, ['root'], options({ timeoutMs: 30_000 }));
    expect(result.ready).toBe(true);
    expect(result.results).toHaveLength(n + 1);
    expect(new Set(result.results.map((r) => `${r.namespace}/${r.name}`)).size).toBe(n + 1);
    // Per object: one get (plan or follow) and one patch; plus one list+watch per kind and namespace.
    expect(c.requestCount()).toBeLessThanOrEqual(2 * (n + 1) + 2 * 2);
  });
});

function c_obj(c: FakeCluster, namespace: string, name: string): FluxObject {
  return c.update('Kustomization', namespace, name, () => {});
}

describe('a newer commit that contains the expected one', () => {
  function pushedTwice(): FakeCluster {
    const c = tree([]);
    // The source has already fetched B, a newer commit than the expected A.
    c.controllers.set(
      'GitRepository',
      handleAndSucceed(() => `main@sha1:${B}`),
    );
    c.controllers.set(
      'Kustomization',
      handleAndSucceed(() => `main@sha1:${B}`),
    );
    return c;
  }

  it('counts as reached when the fetched commit contains the expected one, and says so', async () => {
    const asked: string[] = [];
    const relate = async (
      origin: { url: string; revision: string },
      expected: string,
    ): Promise<CommitRelation> => {
      asked.push(`${origin.url} ${expected} ${origin.revision}`);
      return { relation: 'contains', via: 'workspace' };
    };
    const result = await run(pushedTwice(), ['root'], options({ revision: A, relate, follow: false }), true);
    expect(result.ready).toBe(true);
    expect(asked).toEqual([`https://github.com/org/fleet.git ${A} main@sha1:${B}`]);
    const source = result.results[0]!;
    expect(source).toMatchObject({ kind: 'GitRepository', outcome: 'ready' });
    expect(source.revisionNote).toMatch(/^at bbbbbbbb, which contains aaaaaaaa$/);
    expect(result.results[1]).toMatchObject({
      kind: 'Kustomization',
      outcome: 'ready',
      revisionAfter: `main@sha1:${B}`,
    });
  });

  it('fails at once when history was rewritten', async () => {
    const relate = async (): Promise<CommitRelation> => ({ relation: 'diverged', via: 'github' });
    const result = await run(
      pushedTwice(),
      ['root'],
      options({ revision: A, relate, timeoutMs: 60_000 }),
      true,
    );
    expect(result.results[0]).toMatchObject({ outcome: 'failed', reason: 'HistoryRewritten' });
    expect(result.results[0]!.message).toContain('history was rewritten');
    expect(result.results[1]).toMatchObject({ outcome: 'skipped', reason: 'DependencyFailed' });
  });

  it('keeps waiting when nothing can tell, and says why and how to enable it', async () => {
    const relate = async (): Promise<CommitRelation> => ({
      relation: 'unknown',
      why: 'no checkout of org/fleet in the workspace',
      fix: 'add actions/checkout with fetch-depth: 0',
    });
    const notes: string[] = [];
    const result = await runPlanWithNotes(pushedTwice(), relate, notes);
    expect(result.results[0]).toMatchObject({ outcome: 'timed-out' });
    expect(result.results[0]!.waitedOn).toContain('no checkout of org/fleet in the workspace');
    expect(notes.join('\n')).toContain('add actions/checkout with fetch-depth: 0');
  });

  it('is a lookup that ends with the run: its signal aborts at the deadline, and nothing it finds later is said', async () => {
    let signal: AbortSignal | undefined;
    let answered = false;
    // A git fetch that hangs: it answers only once it is told to stop.
    const relate = (_origin: unknown, _expected: string, stop?: AbortSignal): Promise<CommitRelation> => {
      signal = stop;
      return new Promise((resolve) => {
        stop?.addEventListener('abort', () => {
          answered = true;
          resolve({ relation: 'unknown', why: 'the run stopped before git answered', fix: '' });
        });
      });
    };
    const notes: string[] = [];
    const result = await runPlanWithNotes(pushedTwice(), relate, notes);
    expect(result.results[0]).toMatchObject({ outcome: 'timed-out' });
    expect(signal?.aborted).toBe(true);
    expect(answered).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(notes).toEqual([]);
  });
});

async function runPlanWithNotes(c: FakeCluster, relate: RunOptions['relate'], notes: string[]) {
  const plan = await buildPlan(c, {
    selectors: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'root' }],
    all: false,
    namespace: 'flux-system',
    labelSelector: '',
    withSource: true,
  });
  return runPlan(c, plan, {
    ...options({ revision: A, relate, timeoutMs: 600 }),
    hooks: { note: (m) => notes.push(m) },
  });
}

describe('fail-fast with a grace period', () => {
  it('turns a failure that a retry mends within the grace period into a success', async () => {
    const c = tree([]);
    let attempts = 0;
    c.controllers.set('Kustomization', (obj, cl) => {
      attempts++;
      handleAndFail('HealthCheckFailed', 'CRD not established yet')(obj, cl);
      // The controller's own retry, without a new request: it succeeds.
      setTimeout(() => handleAndSucceed(() => `main@sha1:${A}`)(obj, cl), 150);
    });
    const result = await run(c, ['root'], options({ failFastGraceMs: 2_000, follow: false }));
    expect(attempts).toBe(1);
    expect(result.results[0]).toMatchObject({ outcome: 'ready', ok: true });
  });

  it('fails when no retry succeeds within the grace period, in the failure’s words', async () => {
    const c = tree([]);
    c.controllers.set('Kustomization', handleAndFail('BuildFailed', 'still broken'));
    const result = await run(
      c,
      ['root'],
      options({ failFastGraceMs: 200, follow: false, timeoutMs: 60_000 }),
    );
    expect(result.results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'BuildFailed',
      message: 'still broken',
    });
  });

  it('fails at the end of the grace period even when the controller keeps retrying (and failing) in between', async () => {
    const c = tree([]);
    const fail = handleAndFail('ReconciliationFailed', 'namespaces "late" not found');
    c.controllers.set('Kustomization', (obj, cl) => {
      fail(obj, cl);
      // Retries every 50 ms: progressing, then failed again, as kustomize-controller at a short retryInterval.
      const retry = setInterval(() => {
        cl.update('Kustomization', obj.metadata.namespace!, obj.metadata.name, (o) => {
          o.status!.conditions = [
            {
              type: 'Ready',
              status: 'Unknown',
              reason: 'Progressing',
              message: 'reconciliation in progress',
            },
          ];
        });
        fail(obj, cl);
      }, 50);
      setTimeout(() => clearInterval(retry), 1_000);
    });
    const result = await run(
      c,
      ['root'],
      options({ failFastGraceMs: 300, follow: false, timeoutMs: 60_000 }),
    );
    expect(result.results[0]).toMatchObject({ outcome: 'failed', reason: 'ReconciliationFailed' });
  });
});

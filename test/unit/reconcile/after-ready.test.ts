// The checks after Ready in the run loop, in memory: the workloads a Ready Kustomization or HelmRelease
// applied are found, judged on what the watches bring and reported as rows of their own; `auto` leaves alone
// what the controller checked; the soak notices a restart. The objects start as the lab's real controllers
// left them (test/fixtures/status), and the test plays kube-controller-manager and the kubelet by changing
// them. This proves the orchestration; test/e2e/scenarios/rollout.test.ts proves it on the real controllers.
import { describe, expect, it } from 'vitest';
import { HELM_RELEASE } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import type { KubeObject } from '../../../src/kube/api.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { type RunOptions, runPlan } from '../../../src/reconcile/run.js';
import type { RunResult, WorkloadResult } from '../../../src/reconcile/types.js';
import pending from '../../fixtures/status/deployment-pending.json' with { type: 'json' };
import unschedulable from '../../fixtures/status/pod-unschedulable.json' with { type: 'json' };
import replicaSet from '../../fixtures/status/replicaset-pending.json' with { type: 'json' };
import { FakeCluster, handleAndSucceed, runKustomizations } from '../../helpers/fake-cluster.js';
import { DEPLOYMENTS, PODS } from '../../helpers/workload-payloads.js';

const REPLICASETS = { apiVersion: 'apps/v1', plural: 'replicasets' };
const kube = (json: unknown): KubeObject => structuredClone(json) as KubeObject;
const NS = kube(pending).metadata.namespace!;
const POD = kube(unschedulable).metadata.name;
const T = '2026-11-29T16:14:02Z';

const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  command: 'reconcile',
  revision: '',
  timeoutMs: 5_000,
  failFastGraceMs: 0,
  follow: false,
  force: false,
  reset: false,
  workloads: 'auto',
  ...extra,
});

/** A cluster with Kustomization `apps` that applies the captured Deployment `web` when asked. */
function cluster(spec: Record<string, unknown> = {}, then?: (c: FakeCluster) => void): FakeCluster {
  const c = new FakeCluster();
  c.add('Kustomization', {
    metadata: { name: 'apps' },
    spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
    status: { lastAppliedRevision: 'main@sha1:old', observedGeneration: 1 },
  });
  c.addResource(DEPLOYMENTS, kube(pending));
  c.addResource(REPLICASETS, kube(replicaSet));
  c.addResource(PODS, kube(unschedulable));
  c.controllers.set('Kustomization', (_obj, cl) => {
    // kustomize-controller writes the inventory with the handled request and the applied revision.
    cl.update('Kustomization', 'flux-system', 'apps', (o) => {
      o.status = {
        ...o.status,
        observedGeneration: o.metadata.generation,
        lastHandledReconcileAt: o.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
        lastAppliedRevision: 'main@sha1:new',
        inventory: { entries: [{ id: `${NS}_web_apps_Deployment`, v: 'v1' }] },
        conditions: [
          { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' },
        ],
      };
    });
    if (then) setTimeout(() => then(cl), 20);
  });
  return c;
}

/** kube-controller-manager and the kubelet: the pod runs, the Deployment is available. */
function rollOut(c: FakeCluster): void {
  c.updateResource(PODS, NS, POD, (pod) => {
    pod.status = {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: T },
        { type: 'Ready', status: 'True', lastTransitionTime: T },
      ],
      containerStatuses: [
        { name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: T } } },
      ],
    };
  });
  c.updateResource(DEPLOYMENTS, NS, 'web', (d) => {
    d.status = {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: '' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: '' },
      ],
    };
  });
}

/** The kubelet: the container crashes and is backed off, `restarts` times so far. */
function crashLoop(c: FakeCluster, restarts = 3): void {
  c.updateResource(PODS, NS, POD, (pod) => {
    pod.status = {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: T },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: T },
      ],
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: restarts,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=web' },
          },
          lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: T } },
        },
      ],
    };
  });
}

const workloads = (run: RunResult): WorkloadResult[] =>
  run.results.filter((r): r is WorkloadResult => r.role === 'workload');

describe('the workloads a Ready object applied', () => {
  it('are judged until rolled out, and reported as rows of their own under their parent', async () => {
    const c = cluster({}, rollOut);
    const run = await runKustomizations(c, ['apps'], options());
    expect(run.ready).toBe(true);
    expect(run.results.map((r) => [r.kind, r.name, r.role, r.outcome])).toEqual([
      ['Kustomization', 'apps', 'requested', 'ready'],
      ['Deployment', 'web', 'workload', 'ready'],
    ]);
    expect(workloads(run)[0]).toMatchObject({
      namespace: NS,
      parent: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      reason: 'RolledOut',
      rollout: { ready: 1, desired: 1, images: ['registry.invalid/web:1'] },
    });
  });

  it('read pods and ReplicaSets only for a workload not rolled out when first seen', async () => {
    const pending = cluster({}, rollOut);
    await runKustomizations(pending, ['apps'], options());
    expect([...pending.resourceWatches].sort()).toEqual(
      [`deployments in ${NS}`, `pods in ${NS}`, `replicasets in ${NS}`].sort(),
    );
    // Already rolled out (the commit did not change it): its status says so, nothing else is read.
    const unchanged = cluster();
    rollOut(unchanged);
    const run = await runKustomizations(unchanged, ['apps'], options());
    expect(workloads(run).map((w) => w.outcome)).toEqual(['ready']);
    expect(unchanged.resourceWatches).toEqual([`deployments in ${NS}`]);
    // A soak compares restart counts: the pods are watched from the start.
    const soaked = cluster();
    rollOut(soaked);
    await runKustomizations(soaked, ['apps'], options({ stableForMs: 200 }));
    expect(soaked.resourceWatches).toContain(`pods in ${NS}`);
  });

  it('fail fast in the pod’s own words: a crash loop with its restarts and last exit', async () => {
    const c = cluster({}, (cl) => crashLoop(cl));
    const run = await runKustomizations(c, ['apps'], options({ timeoutMs: 60_000 }));
    expect(run.ready).toBe(false);
    const [web] = workloads(run);
    expect(web).toMatchObject({ outcome: 'failed', reason: 'CrashLoopBackOff' });
    expect(web!.message).toBe(
      `pod ${POD} (container web): back-off 40s restarting failed container=web; last exit: Error (exit code 1); 3 restarts`,
    );
    expect(web!.rollout.pod).toMatchObject({ pod: POD, container: 'web', restarts: 3 });
    // The Kustomization itself did what it was asked.
    expect(run.results[0]).toMatchObject({ outcome: 'ready', ok: true });
  });

  it('time out with what they waited for', async () => {
    const c = cluster();
    const run = await runKustomizations(
      c,
      ['apps'],
      options({ timeoutMs: 300, failFastGraceMs: Number.POSITIVE_INFINITY }),
    );
    const [web] = workloads(run);
    expect(web).toMatchObject({ outcome: 'timed-out', reason: 'RolloutNotDone' });
    expect(web!.message).toContain('waiting for the rollout');
  });

  it('under auto, are left to a Kustomization that waits for them itself (not judged twice)', async () => {
    const run = await runKustomizations(cluster({ wait: true }), ['apps'], options());
    expect(run.ready).toBe(true);
    expect(workloads(run)).toEqual([]);
  });

  it('under auto, are left alone when a healthChecks entry names them; judged when it names another', async () => {
    const check = (name: string) => ({
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: NS }],
    });
    expect(workloads(await runKustomizations(cluster(check('web')), ['apps'], options()))).toEqual([]);
    const other = await runKustomizations(cluster(check('api'), rollOut), ['apps'], options());
    expect(workloads(other).map((w) => w.name)).toEqual(['web']);
  });

  it('with workloads: true, are judged even when the controller checked them', async () => {
    const run = await runKustomizations(
      cluster({ wait: true }, rollOut),
      ['apps'],
      options({ workloads: 'always' }),
    );
    expect(workloads(run).map((w) => [w.name, w.outcome])).toEqual([['web', 'ready']]);
  });

  it('with workloads: false, are not looked at (the verdict of before)', async () => {
    const c = cluster();
    const run = await runKustomizations(c, ['apps'], options({ workloads: 'never' }));
    expect(run).toMatchObject({ ready: true });
    expect(workloads(run)).toEqual([]);
  });

  it('are not judged by a command that rolls nothing out (suspend)', async () => {
    const run = await runKustomizations(cluster(), ['apps'], options({ command: 'suspend' }));
    expect(workloads(run)).toEqual([]);
  });

  it('that cannot be watched: skipped under auto (saying how to fix it), failed with workloads: true', async () => {
    const forbidden = Object.assign(new Error('deployments.apps is forbidden'), { statusCode: 403 });
    const auto = cluster();
    auto.failResourceWatches.set('deployments', forbidden);
    const skipped = await runKustomizations(auto, ['apps'], options());
    expect(skipped.ready).toBe(true);
    expect(workloads(skipped)[0]).toMatchObject({ outcome: 'skipped', ok: true, reason: 'WatchFailed' });
    expect(workloads(skipped)[0]!.message).toContain('set workloads: false');
    const always = cluster();
    always.failResourceWatches.set('deployments', forbidden);
    const failed = await runKustomizations(always, ['apps'], options({ workloads: 'always' }));
    expect(failed.ready).toBe(false);
    expect(workloads(failed)[0]).toMatchObject({ outcome: 'failed', reason: 'WatchFailed' });
  });
});

describe('a HelmRelease’s workloads, found by helm-controller’s labels', () => {
  function helmCluster(spec: Record<string, unknown>): FakeCluster {
    const c = new FakeCluster();
    c.add('HelmRelease', {
      metadata: { name: 'shop', namespace: NS },
      spec,
      status: { observedGeneration: 1 },
    });
    const labelled = kube(pending);
    labelled.metadata.labels = {
      'helm.toolkit.fluxcd.io/name': 'shop',
      'helm.toolkit.fluxcd.io/namespace': NS,
    };
    c.addResource(DEPLOYMENTS, labelled);
    const other = kube(pending);
    other.metadata.name = 'not-ours';
    c.addResource(DEPLOYMENTS, other);
    c.addResource(REPLICASETS, kube(replicaSet));
    c.addResource(PODS, kube(unschedulable));
    c.controllers.set('HelmRelease', (obj, cl) => {
      handleAndSucceed(() => '1.0.0')(obj, cl);
      setTimeout(() => rollOut(cl), 20);
    });
    return c;
  }

  async function run(spec: Record<string, unknown>): Promise<RunResult> {
    const c = helmCluster(spec);
    const plan = await buildPlan(c, {
      selectors: [{ kind: HELM_RELEASE.kind, namespace: NS, name: 'shop' }],
      all: false,
      namespace: NS,
      labelSelector: '',
      withSource: false,
    });
    return runPlan(c, plan, options());
  }

  it('with disableWait, its chart’s Deployment is judged until rolled out', async () => {
    const result = await run({ install: { disableWait: true }, upgrade: { disableWait: true } });
    expect(result.ready).toBe(true);
    expect(workloads(result).map((w) => [w.name, w.outcome, w.parent.name])).toEqual([
      ['web', 'ready', 'shop'],
    ]);
  });

  it('without, Helm waited for it: under auto it is not judged again', async () => {
    expect(workloads(await run({}))).toEqual([]);
  });
});

describe('the soak (stable-for)', () => {
  it('holds when nothing changes, and says what it watched', async () => {
    const c = cluster({}, rollOut);
    const run = await runKustomizations(c, ['apps'], options({ stableForMs: 300 }));
    expect(run.ready).toBe(true);
    expect(run.soak).toMatchObject({
      held: true,
      stableForMs: 300,
      watched: { objects: 1, workloads: 1, pods: 1, urls: 0 },
    });
  });

  it('breaks when a container restarts, saying which and when', async () => {
    const c = cluster({}, rollOut);
    const run = await runKustomizations(
      c,
      ['apps'],
      options({
        stableForMs: 10_000,
        timeoutMs: 30_000,
        hooks: {
          soakStarted: () =>
            setTimeout(
              () =>
                c.updateResource(PODS, NS, POD, (pod) => {
                  const status = pod.status as { containerStatuses: Array<Record<string, unknown>> };
                  status.containerStatuses[0]!.restartCount = 1;
                  status.containerStatuses[0]!.lastState = {
                    terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2030-01-01T00:00:05Z' },
                  };
                }),
              20,
            ),
        },
      }),
    );
    expect(run.ready).toBe(false);
    expect(run.soak).toMatchObject({ held: false, broke: { at: '2030-01-01T00:00:05.000Z' } });
    const [web] = workloads(run);
    expect(web).toMatchObject({ outcome: 'failed', reason: 'RestartedDuringSoak' });
    expect(web!.message).toContain(
      `Deployment ${NS}/web restarted: container web of pod ${POD} (restart count 0 → 1; last exit OOMKilled (exit code 137)) at 2030-01-01 00:00:05 UTC`,
    );
  });

  it('breaks when the object goes not Ready (a reconcile in progress does not)', async () => {
    const c = cluster({}, rollOut);
    const fail = (o: FluxObject) => {
      o.status!.conditions = [
        { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' },
      ];
    };
    const run = await runKustomizations(
      c,
      ['apps'],
      options({
        stableForMs: 10_000,
        timeoutMs: 30_000,
        hooks: {
          soakStarted: () =>
            setTimeout(() => {
              c.update('Kustomization', 'flux-system', 'apps', fail);
              c.update('Kustomization', 'flux-system', 'apps', (o) => {
                o.status!.conditions = [
                  {
                    type: 'Ready',
                    status: 'False',
                    reason: 'HealthCheckFailed',
                    message: 'health check failed',
                  },
                ];
              });
            }, 20),
        },
      }),
    );
    expect(run.results[0]).toMatchObject({ outcome: 'failed', reason: 'NotReadyDuringSoak' });
    expect(run.results[0]!.message).toContain(
      'Kustomization flux-system/apps went not Ready (HealthCheckFailed: health check failed)',
    );
  });

  it('that cannot fit in what is left of the timeout is not started, and says so', async () => {
    const run = await runKustomizations(
      cluster({}, rollOut),
      ['apps'],
      options({ stableForMs: 60_000, timeoutMs: 5_000 }),
    );
    expect(run.ready).toBe(false);
    expect(run.soak?.held).toBe(false);
    expect(run.soak?.cutShort).toMatch(
      /^not started: .* of the 5s timeout were left, and the soak needs 1m00s/,
    );
  });
});

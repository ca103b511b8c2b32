// The report's reads of unready workloads against the in-memory cluster: what it reads, what it leaves out,
// and that no failed or forbidden read stops it.
import { describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../src/flux/refs.js';
import type { FluxObject, KubeEvent } from '../../../src/flux/types.js';
import type { ResourceType } from '../../../src/kube/api.js';
import type { RunResult } from '../../../src/reconcile/types.js';
import { collectWorkloads, waitingOnWorkloads } from '../../../src/report/workloads.js';
import { resultFrom } from '../../fixtures/report/scenarios.js';
import installFailed from '../../fixtures/status/helmrelease-install-failed.json' with { type: 'json' };
import brokenYaml from '../../fixtures/status/kustomization-failed-invalid-yaml.json' with { type: 'json' };
import ready from '../../fixtures/status/kustomization-ready.json' with { type: 'json' };
import { FakeCluster } from '../../helpers/fake-cluster.js';
import {
  DEPLOYMENTS,
  event,
  failedJob,
  JOBS,
  PODS,
  readyDeployment,
  runningPod,
  STATEFULSETS,
  stuckDeployment,
  T0,
  unschedulablePod,
  waitingPod,
} from '../../helpers/workload-payloads.js';

const NS = 'shop';

/** A cluster whose reads can be forbidden per resource, or never answer. */
class Cluster extends FakeCluster {
  forbidden = new Set<string>();
  hanging = false;
  private check(what: string): Promise<void> {
    if (this.hanging) return new Promise(() => {});
    if (this.forbidden.has(what))
      return Promise.reject(new Error(`${what} is forbidden: User "ci" cannot read resource "${what}"`));
    return Promise.resolve();
  }
  override async getResource(type: ResourceType, namespace: string, name: string) {
    await this.check(type.plural);
    return super.getResource(type, namespace, name);
  }
  override async listResources(
    type: ResourceType,
    namespace: string,
    options?: { labelSelector?: string; limit?: number },
  ) {
    await this.check(type.plural);
    return super.listResources(type, namespace, options);
  }
  override async events(ref: ObjectRef): Promise<KubeEvent[]> {
    await this.check('events');
    return super.events(ref);
  }
}

function failedKustomization(message: string, patch: (obj: FluxObject) => void = () => {}): FluxObject {
  const obj = structuredClone(ready) as FluxObject;
  obj.metadata.name = 'shop';
  obj.status!.conditions = [
    { type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message, lastTransitionTime: T0 },
  ];
  patch(obj);
  return obj;
}

function runOf(...objects: Array<[FluxObject, 'failed' | 'timed-out' | 'ready']>): RunResult {
  return {
    command: 'reconcile',
    ready: false,
    durationMs: 60_000,
    results: objects.map(([obj, outcome]) => resultFrom(obj, { outcome, durationMs: 60_000 })),
  };
}

const timeoutNaming = (...names: string[]) =>
  `health check failed after 1m0s: timeout waiting for: [${names.map((n) => `${n} status: 'InProgress'`).join(', ')}]`;

function stuckShop(cluster: FakeCluster): void {
  cluster.addResource(DEPLOYMENTS, stuckDeployment('web', NS, { deadlineExceeded: true }));
  cluster.addResource(PODS, unschedulablePod('web-666db6db68-l47cf', NS, 'web'));
  cluster.addResource(PODS, runningPod('other-1', NS, 'other'));
  cluster.addEvent(
    event(
      'Deployment',
      'web',
      NS,
      'Normal',
      'ScalingReplicaSet',
      'Scaled up replica set web-666db6db68 from 0 to 1',
    ),
  );
  cluster.addEvent(
    event(
      'Pod',
      'web-666db6db68-l47cf',
      NS,
      'Warning',
      'FailedScheduling',
      'no nodes available to schedule pods',
    ),
  );
}

describe('collectWorkloads', () => {
  it('explains a failed health check: the Deployment, its conditions, its pod’s reason and the scheduler’s event', async () => {
    const cluster = new Cluster();
    stuckShop(cluster);
    const ks = failedKustomization(timeoutNaming(`Deployment/${NS}/web`, `Service/${NS}/web`));
    const reports = await collectWorkloads(cluster, runOf([ks, 'failed']));
    const report = reports.get(`Kustomization/${ks.metadata.namespace}/shop`)!;
    expect(report.notes).toEqual([]);
    expect(report.findings).toHaveLength(1);
    const [web] = report.findings;
    expect(web?.ref).toEqual({ kind: 'Deployment', namespace: NS, name: 'web' });
    expect(web?.state?.conditions[0]?.reason).toBe('ProgressDeadlineExceeded');
    // Normal events are left out: they say what went right.
    expect(web?.events).toEqual([]);
    expect(web?.pods).toEqual([
      {
        name: 'web-666db6db68-l47cf',
        phase: 'Pending',
        problems: [{ reason: 'Unschedulable', message: 'no nodes available to schedule pods', since: T0 }],
        events: [expect.objectContaining({ reason: 'FailedScheduling', type: 'Warning' })],
      },
    ]);
  });

  it('judges the inventory when the run timed out while the check ran: only the unready workloads', async () => {
    const cluster = new Cluster();
    stuckShop(cluster);
    cluster.addResource(DEPLOYMENTS, readyDeployment('api', NS));
    const ks = failedKustomization('', (obj) => {
      obj.spec = { ...obj.spec, wait: true };
      obj.status!.inventory = {
        entries: [`${NS}_api_apps_Deployment`, `${NS}_web_apps_Deployment`, `${NS}_gone_apps_Deployment`].map(
          (id) => ({ id, v: 'v1' }),
        ),
      };
      obj.status!.conditions = [
        {
          type: 'Reconciling',
          status: 'True',
          reason: 'Progressing',
          message: 'Running health checks for revision main@sha1:0123 with a timeout of 1m0s',
        },
        { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' },
      ];
    });
    const report = (await collectWorkloads(cluster, runOf([ks, 'timed-out']))).values().next().value!;
    expect(report.findings.map((f) => f.ref.name)).toEqual(['web']);
  });

  it('finds a HelmRelease’s workloads by helm-controller’s origin labels in the release namespace', async () => {
    const cluster = new Cluster();
    const hr = structuredClone(installFailed) as FluxObject;
    const labels = {
      'helm.toolkit.fluxcd.io/name': hr.metadata.name,
      'helm.toolkit.fluxcd.io/namespace': hr.metadata.namespace!,
    };
    hr.spec = { ...hr.spec, targetNamespace: NS };
    hr.status!.conditions = [
      {
        type: 'Reconciling',
        status: 'True',
        reason: 'Progressing',
        message: "Running 'install' action with timeout of 5m0s",
      },
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Progressing',
        message: "Running 'install' action with timeout of 5m0s",
      },
    ];
    cluster.addResource(DEPLOYMENTS, stuckDeployment('web', NS, { labels }));
    cluster.addResource(DEPLOYMENTS, readyDeployment('cache', NS, labels));
    cluster.addResource(DEPLOYMENTS, stuckDeployment('not-ours', NS));
    cluster.addResource(JOBS, {
      ...failedJob('migrate', NS),
      metadata: { ...failedJob('migrate', NS).metadata, labels },
    });
    const report = (await collectWorkloads(cluster, runOf([hr, 'timed-out']))).values().next().value!;
    expect(report.findings.map((f) => `${f.ref.kind}/${f.ref.name}`)).toEqual([
      'Deployment/web',
      'Job/migrate',
    ]);
  });

  it('after a fail-fast message that names one failed Deployment, adds the others still unready, named first', async () => {
    const cluster = new Cluster();
    for (const name of ['a', 'b', 'c', 'd']) cluster.addResource(DEPLOYMENTS, stuckDeployment(name, NS));
    cluster.addResource(DEPLOYMENTS, readyDeployment('e', NS));
    const ks = failedKustomization(
      `health check failed after 10s: failed early due to stalled resources: [Deployment/${NS}/c status: 'Failed']`,
      (obj) => {
        obj.spec = { ...obj.spec, wait: true };
        obj.status!.inventory = {
          entries: ['a', 'b', 'c', 'd', 'e'].map((n) => ({ id: `${NS}_${n}_apps_Deployment`, v: 'v1' })),
        };
      },
    );
    const report = (await collectWorkloads(cluster, runOf([ks, 'failed']))).values().next().value!;
    expect(report.findings.map((f) => f.ref.name)).toEqual(['c', 'a', 'b']);
    expect(report.notes).toEqual([`1 more not shown: Deployment ${NS}/d`]);
  });

  it('does not read again a workload its label list returned', async () => {
    const cluster = new Cluster();
    const hr = structuredClone(installFailed) as FluxObject;
    const labels = {
      'helm.toolkit.fluxcd.io/name': hr.metadata.name,
      'helm.toolkit.fluxcd.io/namespace': hr.metadata.namespace!,
    };
    hr.status!.conditions = [
      {
        type: 'Reconciling',
        status: 'True',
        reason: 'Progressing',
        message: "Running 'upgrade' action with timeout of 5m0s",
      },
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Progressing',
        message: "Running 'upgrade' action with timeout of 5m0s",
      },
    ];
    cluster.addResource(DEPLOYMENTS, stuckDeployment('web', hr.metadata.namespace!, { labels }));
    const before = cluster.requestCount();
    const report = (await collectWorkloads(cluster, runOf([hr, 'timed-out']))).values().next().value!;
    expect(report.findings.map((f) => f.ref.name)).toEqual(['web']);
    // Four lists (one per workload kind), then the pods and the events: no get.
    expect(cluster.requestCount() - before).toBe(4 + 2);
  });

  it('reads at most three workloads and three pods each, and says how many it left out', async () => {
    const cluster = new Cluster();
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) cluster.addResource(DEPLOYMENTS, stuckDeployment(name, NS));
    for (let i = 0; i < 7; i++) {
      const created = `2026-11-29T16:1${i}:00Z`;
      cluster.addResource(
        PODS,
        waitingPod(
          `a-${i}`,
          NS,
          'a',
          { reason: 'ImagePullBackOff', message: 'Back-off' },
          undefined,
          created,
        ),
      );
    }
    const ks = failedKustomization(timeoutNaming(...names.map((n) => `Deployment/${NS}/${n}`)));
    const before = cluster.requestCount();
    const report = (await collectWorkloads(cluster, runOf([ks, 'failed']))).values().next().value!;
    expect(report.findings.map((f) => f.ref.name)).toEqual(['a', 'b', 'c']);
    expect(report.notes).toEqual([`2 more not shown: Deployment ${NS}/d, Deployment ${NS}/e`]);
    const a = report.findings[0]!;
    // Newest first.
    expect(a.pods.map((p) => p.name)).toEqual(['a-6', 'a-5', 'a-4']);
    expect(a.morePods).toBe(4);
    // Per workload: get, pod list, its events, and the events of each pod shown.
    expect(cluster.requestCount() - before).toBe(3 * 3 + 3);
  });

  it('reads a workload two failed objects share once', async () => {
    const cluster = new Cluster();
    stuckShop(cluster);
    const message = timeoutNaming(`Deployment/${NS}/web`);
    const first = failedKustomization(message);
    const second = failedKustomization(message, (obj) => {
      obj.metadata.name = 'shop-too';
    });
    const before = cluster.requestCount();
    const reports = await collectWorkloads(cluster, runOf([first, 'failed'], [second, 'failed']));
    expect([...reports.values()].map((r) => r.findings[0]?.pods[0]?.problems[0]?.reason)).toEqual([
      'Unschedulable',
      'Unschedulable',
    ]);
    expect(cluster.requestCount() - before).toBe(4);
  });

  it('turns forbidden reads into notes, never a failure', async () => {
    const cluster = new Cluster();
    stuckShop(cluster);
    cluster.forbidden = new Set(['pods', 'events']);
    const ks = failedKustomization(timeoutNaming(`Deployment/${NS}/web`, `StatefulSet/${NS}/db`));
    const report = (await collectWorkloads(cluster, runOf([ks, 'failed']))).values().next().value!;
    const [web, db] = report.findings;
    expect(web?.state?.ready).toBe(false);
    expect(web?.notes).toEqual([
      'pods: pods is forbidden: User "ci" cannot read resource "pods"',
      'events: events is forbidden: User "ci" cannot read resource "events"',
    ]);
    expect(db).toMatchObject({ ref: { kind: 'StatefulSet', name: 'db' }, error: 'not found' });

    cluster.forbidden = new Set([STATEFULSETS.plural, DEPLOYMENTS.plural]);
    const denied = (await collectWorkloads(cluster, runOf([ks, 'failed']))).values().next().value!;
    expect(denied.findings.map((f) => f.error)).toEqual([
      'deployments is forbidden: User "ci" cannot read resource "deployments"',
      'statefulsets is forbidden: User "ci" cannot read resource "statefulsets"',
    ]);
  });

  it('leaves out what it could not read before its time ran out', async () => {
    const cluster = new Cluster();
    stuckShop(cluster);
    cluster.hanging = true;
    const controller = new AbortController();
    const ks = failedKustomization(timeoutNaming(`Deployment/${NS}/web`));
    const reading = collectWorkloads(cluster, runOf([ks, 'failed']), { signal: controller.signal });
    controller.abort();
    const report = (await reading).values().next().value!;
    expect(report.findings[0]?.error).toBe("left out: the report's time for reading the cluster ran out");
  });

  it('is asked only for failed or timed-out objects whose kind says they waited on workloads', () => {
    const waiting = failedKustomization(timeoutNaming(`Deployment/${NS}/web`));
    const readyToo = failedKustomization(timeoutNaming(`Deployment/${NS}/web`));
    const run = runOf(
      [waiting, 'failed'],
      [readyToo, 'ready'],
      [structuredClone(brokenYaml) as FluxObject, 'failed'],
    );
    expect(waitingOnWorkloads(run).map((w) => w.result.outcome)).toEqual(['failed']);
  });

  it('says so when none of the workloads it looked at is unready', async () => {
    const cluster = new Cluster();
    cluster.addResource(DEPLOYMENTS, readyDeployment('api', NS));
    const ks = failedKustomization(timeoutNaming(`Service/${NS}/api`), (obj) => {
      obj.spec = { ...obj.spec, wait: true };
      obj.status!.inventory = { entries: [{ id: `${NS}_api_apps_Deployment`, v: 'v1' }] };
    });
    const report = (await collectWorkloads(cluster, runOf([ks, 'failed']))).values().next().value!;
    expect(report).toEqual({
      findings: [],
      notes: ['no Deployment, StatefulSet, DaemonSet or Job of it is unready now'],
    });
  });
});

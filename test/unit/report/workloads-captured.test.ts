// The workload explanation on payloads captured from the lab's real controllers (kustomize-controller,
// helm-controller, kube-controller-manager, kube-scheduler; see test/fixtures/status/README.md): what the kind
// table picks, what the collector reads, and what the summary and the log line say.
import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { HELM_RELEASE, KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import type { KubeObject } from '../../../src/kube/api.js';
import { toKubeEvent } from '../../../src/kube/events.js';
import { podProblems, workloadState } from '../../../src/kube/workload-state.js';
import type { RunResult } from '../../../src/reconcile/types.js';
import { verdictLine } from '../../../src/report/log.js';
import { renderSummary } from '../../../src/report/summary.js';
import { viewOf, withWorkloads } from '../../../src/report/view.js';
import { collectWorkloads } from '../../../src/report/workloads.js';
import deploymentEvents from '../../fixtures/events/deployment-deadline-exceeded.json' with { type: 'json' };
import podEvents from '../../fixtures/events/pod-of-deployment-deadline-exceeded.json' with { type: 'json' };
import { resultFrom } from '../../fixtures/report/scenarios.js';
import deadlineExceeded from '../../fixtures/status/deployment-deadline-exceeded.json' with { type: 'json' };
import helmDeployment from '../../fixtures/status/deployment-of-helmrelease-wait-failed.json' with {
  type: 'json',
};
import pending from '../../fixtures/status/deployment-pending.json' with { type: 'json' };
import waitFailed from '../../fixtures/status/helmrelease-wait-failed.json' with { type: 'json' };
import checkFailed from '../../fixtures/status/kustomization-health-check-failed.json' with { type: 'json' };
import checkRunning from '../../fixtures/status/kustomization-health-check-running.json' with {
  type: 'json',
};
import pod from '../../fixtures/status/pod-of-deployment-deadline-exceeded.json' with { type: 'json' };
import unschedulable from '../../fixtures/status/pod-unschedulable.json' with { type: 'json' };
import { FakeCluster } from '../../helpers/fake-cluster.js';
import { DEPLOYMENTS, PODS } from '../../helpers/workload-payloads.js';
import { tableRows, visibleText } from './html-check.js';

const flux = (json: unknown): FluxObject => structuredClone(json) as FluxObject;
const kube = (json: unknown): KubeObject => structuredClone(json) as KubeObject;
const NS = flux(checkFailed).metadata.namespace!;
const POD = kube(pod).metadata.name;

function cluster(): FakeCluster {
  const c = new FakeCluster();
  c.addResource(DEPLOYMENTS, kube(deadlineExceeded));
  c.addResource(PODS, kube(pod));
  for (const e of [
    ...(deploymentEvents as unknown as CoreV1Event[]),
    ...(podEvents as unknown as CoreV1Event[]),
  ])
    c.addEvent(toKubeEvent(e));
  return c;
}

const runOf = (obj: FluxObject, outcome: 'failed' | 'timed-out'): RunResult => ({
  command: 'reconcile',
  ready: false,
  durationMs: 30_000,
  results: [resultFrom(obj, { outcome, durationMs: 30_000 })],
});

describe('captured: a Kustomization whose health check failed on a Deployment past its deadline', () => {
  it('the kind table names the Deployment from kustomize-controller’s message', () => {
    expect(KUSTOMIZATION.workloads?.(flux(checkFailed))?.named).toEqual([
      { kind: 'Deployment', namespace: NS, name: 'web' },
    ]);
  });

  it('the summary and the log line name the Deployment, its deadline, its pod and the scheduler’s words', async () => {
    const run = runOf(flux(checkFailed), 'failed');
    const reports = await collectWorkloads(cluster(), run);
    const views = run.results.map((r) =>
      withWorkloads(viewOf(r), reports.get(`Kustomization/${NS}/deadline`)),
    );
    const rows = tableRows(
      renderSummary({ namespace: NS }, run, undefined, views),
      '<b>Workloads not ready</b>',
    );
    expect(rows.map((r) => r.slice(0, 4).map(visibleText))).toEqual([
      [`Deployment ${NS}/web`, '0/1 available · 1 updated · 0 ready', '', ''],
      [
        '\u00a0\u00a0↳ Progressing=False',
        '',
        'ProgressDeadlineExceeded',
        expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/),
      ],
      [
        '\u00a0\u00a0↳ Available=False',
        '',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
      ],
      [`\u00a0\u00a0↳ pod ${POD}`, 'Pending', 'Unschedulable', 'no nodes available to schedule pods'],
      // The scheduler's two events.k8s.io events (one a series of 2) are one row of three.
      [
        `\u00a0\u00a0↳ ⚠️ event of ${POD}`,
        'Warning',
        'FailedScheduling (×3)',
        'no nodes available to schedule pods',
      ],
    ]);
    expect(verdictLine(views[0]!)).toContain(
      `— Not ready: Deployment ${NS}/web (0/1 available; ProgressDeadlineExceeded; pod ${POD} Pending, Unschedulable: no nodes available to schedule pods)`,
    );
  });
});

describe('captured: a Kustomization still running its health check', () => {
  it('has no names yet: its inventory’s Deployment is judged instead', async () => {
    const running = flux(checkRunning);
    expect(KUSTOMIZATION.workloads?.(running)).toEqual({
      named: [],
      candidates: [{ kind: 'Deployment', namespace: NS, name: 'api' }],
    });
    const c = new FakeCluster();
    const api = kube(pending);
    api.metadata = { ...api.metadata, name: 'api', namespace: NS };
    c.addResource(DEPLOYMENTS, api);
    const report = (await collectWorkloads(c, runOf(running, 'timed-out'))).values().next().value!;
    expect(report.findings.map((f) => [f.ref.name, f.state?.conditions[0]?.reason])).toEqual([
      ['api', 'MinimumReplicasUnavailable'],
    ]);
  });
});

describe('captured: a HelmRelease whose install failed on its wait', () => {
  it('names the Deployment from helm-controller’s message and finds it by its origin labels too', async () => {
    const hr = flux(waitFailed);
    const scope = HELM_RELEASE.workloads?.(hr);
    expect(scope?.named).toEqual([{ kind: 'Deployment', namespace: NS, name: 'stuck' }]);
    const c = new FakeCluster();
    c.addResource(DEPLOYMENTS, kube(helmDeployment));
    const listed = await c.listResources(DEPLOYMENTS, scope!.labelled!.namespace, {
      labelSelector: scope!.labelled!.labelSelector,
    });
    expect(listed.map((d) => d.metadata.name)).toEqual(['stuck']);
    expect(workloadState('Deployment', listed[0]!).conditions[0]?.reason).toBe('ProgressDeadlineExceeded');
  });
});

describe('captured: the lab’s pending Deployment and Unschedulable pod', () => {
  it('reads as not ready, and the pod as the scheduler says', () => {
    expect(workloadState('Deployment', kube(pending))).toMatchObject({
      ready: false,
      counts: '0/1 available · 1 updated · 0 ready',
      podSelector: 'app=web',
    });
    expect(podProblems(kube(unschedulable))).toEqual([
      { reason: 'Unschedulable', message: 'no nodes available to schedule pods', since: expect.any(String) },
    ]);
  });
});

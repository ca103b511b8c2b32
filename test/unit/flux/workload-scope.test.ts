// Which workloads a failed health check or Helm wait is about, as the kind table answers it. The messages are
// the controllers' own wording (fluxcd/pkg/ssa v0.76.2 WaitForSetWithContext, used by kustomize-controller
// v1.9.5 and helm-controller v1.6.4); the objects around them are captured ones, changed only where said.
import { describe, expect, it } from 'vitest';
import { HELM_RELEASE, KUSTOMIZATION, kindOf } from '../../../src/flux/kinds.js';
import type { Condition, FluxObject } from '../../../src/flux/types.js';
import { inventoryWorkloads, workloadsNamedIn } from '../../../src/flux/workload-scope.js';
import installFailed from '../../fixtures/status/helmrelease-install-failed.json' with { type: 'json' };
import retriesExhausted from '../../fixtures/status/helmrelease-retries-exhausted.json' with { type: 'json' };
import helmWaitFailed from '../../fixtures/status/helmrelease-wait-failed.json' with { type: 'json' };
import brokenYaml from '../../fixtures/status/kustomization-failed-invalid-yaml.json' with { type: 'json' };
import checkRunning from '../../fixtures/status/kustomization-health-check-running.json' with {
  type: 'json',
};
import ready from '../../fixtures/status/kustomization-ready.json' with { type: 'json' };
import reconciling from '../../fixtures/status/kustomization-reconciling.json' with { type: 'json' };

const flux = (json: unknown): FluxObject => structuredClone(json) as FluxObject;

const TIMEOUT =
  "health check failed after 30.01s: timeout waiting for: [Deployment/apps/web status: 'InProgress', " +
  "Service/apps/web status: 'InProgress', StatefulSet/apps/db status: 'InProgress', Deployment/apps/web status: 'InProgress']";
const STALLED =
  "failed early due to stalled resources: [Deployment/apps/web status: 'Failed': Progress deadline exceeded, " +
  "Job/apps/migrate status: 'Failed': job failed]";

function condition(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message, lastTransitionTime: '2026-11-29T16:20:00Z' };
}

function withConditions(json: unknown, conditions: Condition[]): FluxObject {
  const obj = flux(json);
  obj.status = { ...obj.status, conditions };
  return obj;
}

function withInventory(obj: FluxObject, ids: string[]): FluxObject {
  obj.status = { ...obj.status, inventory: { entries: ids.map((id) => ({ id, v: 'v1' })) } };
  return obj;
}

describe('the wait error of fluxcd/pkg/ssa', () => {
  it('names the workloads that did not become ready, once each, and no other kinds', () => {
    expect(workloadsNamedIn(TIMEOUT, 'ignored')).toEqual([
      { kind: 'Deployment', namespace: 'apps', name: 'web' },
      { kind: 'StatefulSet', namespace: 'apps', name: 'db' },
    ]);
    expect(workloadsNamedIn(STALLED, 'ignored')).toEqual([
      { kind: 'Deployment', namespace: 'apps', name: 'web' },
      { kind: 'Job', namespace: 'apps', name: 'migrate' },
    ]);
  });

  it('finds names only in a wait error: a build error quoting `Kind/ns/name status:` is not one', () => {
    expect(workloadsNamedIn("Deployment/apps/web status: 'InProgress'", 'apps')).toEqual([]);
    expect(workloadsNamedIn(undefined, 'apps')).toEqual([]);
  });
});

describe('Kustomization: what its health check waits on', () => {
  const failed = () =>
    withConditions(ready, [
      condition('Ready', 'False', 'HealthCheckFailed', TIMEOUT),
      condition(
        'Healthy',
        'False',
        'HealthCheckFailed',
        TIMEOUT.replace(/^health check failed after \S+: /, ''),
      ),
    ]);

  it('after HealthCheckFailed: the workloads its message names, and with wait: true its inventory', () => {
    const obj = withInventory(failed(), [
      'apps_web_apps_Deployment',
      'apps_web__Service',
      'apps_nightly_batch_CronJob',
      'apps_migrate_batch_Job',
      'apps_odd_example.com_Deployment',
    ]);
    obj.spec = { ...obj.spec, wait: true };
    expect(KUSTOMIZATION.workloads?.(obj)).toEqual({
      named: [
        { kind: 'Deployment', namespace: 'apps', name: 'web' },
        { kind: 'StatefulSet', namespace: 'apps', name: 'db' },
      ],
      candidates: [
        { kind: 'Deployment', namespace: 'apps', name: 'web' },
        { kind: 'Job', namespace: 'apps', name: 'migrate' },
      ],
    });
  });

  it('after HealthCheckFailed while the next attempt already runs (Ready Progressing, Healthy still False)', () => {
    // As the lab's kustomize-controller left it when a run took the failure of the attempt before its request.
    const obj = withInventory(
      withConditions(ready, [
        condition('Reconciling', 'True', 'Progressing', 'Fetching manifests for revision main@sha1:f01905d5'),
        condition('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress'),
        condition(
          'Healthy',
          'False',
          'HealthCheckFailed',
          TIMEOUT.replace(/^health check failed after \S+: /, ''),
        ),
      ]),
      ['apps_web_apps_Deployment'],
    );
    obj.spec = { ...obj.spec, wait: true };
    expect(KUSTOMIZATION.workloads?.(obj)).toEqual({
      named: [
        { kind: 'Deployment', namespace: 'apps', name: 'web' },
        { kind: 'StatefulSet', namespace: 'apps', name: 'db' },
      ],
      candidates: [{ kind: 'Deployment', namespace: 'apps', name: 'web' }],
    });
    // A run in progress after a check that passed waits on nothing.
    obj.status!.conditions = obj.status!.conditions!.map((c) =>
      c.type === 'Healthy' ? { ...c, status: 'True', reason: 'Succeeded' } : c,
    );
    expect(KUSTOMIZATION.workloads?.(obj)).toBeUndefined();
  });

  it('without wait: the workloads among spec.healthChecks, in its own namespace when none is given', () => {
    const obj = failed();
    obj.spec = {
      ...obj.spec,
      healthChecks: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', namespace: 'monitoring' },
        { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'redis' },
      ],
    };
    expect(KUSTOMIZATION.workloads?.(obj)?.candidates).toEqual([
      { kind: 'Deployment', namespace: obj.metadata.namespace, name: 'web' },
      { kind: 'DaemonSet', namespace: 'monitoring', name: 'agent' },
    ]);
  });

  it('while the check still runs (the run timed out): no names yet, so its inventory', () => {
    const obj = withInventory(flux(reconciling), ['apps_web_apps_Deployment']);
    obj.spec = { ...obj.spec, wait: true };
    obj.status!.conditions = obj.status!.conditions!.map((c) =>
      c.type === 'Reconciling'
        ? { ...c, message: 'Running health checks for revision main@sha1:86aa1858 with a timeout of 30s' }
        : c,
    );
    expect(KUSTOMIZATION.workloads?.(obj)).toEqual({
      named: [],
      candidates: [{ kind: 'Deployment', namespace: 'apps', name: 'web' }],
    });
  });

  it('not for other failures or progress (captured: a build failure, a drift detection in progress)', () => {
    expect(KUSTOMIZATION.workloads?.(flux(brokenYaml))).toBeUndefined();
    expect(KUSTOMIZATION.workloads?.(flux(reconciling))).toBeUndefined();
    expect(KUSTOMIZATION.workloads?.(flux(ready))).toBeUndefined();
  });
});

describe('HelmRelease: what its Helm wait waits on', () => {
  const installTimedOut = (json: unknown) => {
    const obj = flux(json);
    const message = `Helm install failed for release ${obj.metadata.namespace}/web with chart web@1.0.0: timeout waiting for: [Deployment/shop/web status: 'InProgress']`;
    obj.status!.conditions = [
      condition('Ready', 'False', 'InstallFailed', message),
      condition('Released', 'False', 'InstallFailed', message),
    ];
    return obj;
  };

  it('names the workloads in the wait error, and finds the rest by origin labels in the target namespace', () => {
    const obj = installTimedOut(installFailed);
    obj.spec = { ...obj.spec, targetNamespace: 'shop' };
    expect(HELM_RELEASE.workloads?.(obj)).toEqual({
      named: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }],
      candidates: [],
      labelled: {
        namespace: 'shop',
        labelSelector: `helm.toolkit.fluxcd.io/name=${obj.metadata.name},helm.toolkit.fluxcd.io/namespace=${obj.metadata.namespace}`,
      },
    });
  });

  it('reads the release namespace from the history when there is one', () => {
    const obj = installTimedOut(retriesExhausted);
    obj.status!.history = [{ name: 'app', namespace: 'released-here', version: 3 }];
    expect(HELM_RELEASE.workloads?.(obj)?.labelled?.namespace).toBe('released-here');
  });

  it('after a rollback: the wait error is only in Released (captured retries-exhausted, its cause changed)', () => {
    const obj = flux(retriesExhausted);
    obj.status!.conditions = obj.status!.conditions!.map((c) =>
      c.type === 'Released'
        ? {
            ...c,
            message:
              "Helm upgrade failed: failed early due to stalled resources: [Deployment/x/web status: 'Failed']",
          }
        : c,
    );
    expect(HELM_RELEASE.workloads?.(obj)?.named).toEqual([
      { kind: 'Deployment', namespace: 'x', name: 'web' },
    ]);
  });

  it('while an install or upgrade runs at the timeout: no names, only the labels', () => {
    const obj = flux(installFailed);
    obj.status!.conditions = [
      condition('Reconciling', 'True', 'Progressing', "Running 'upgrade' action with timeout of 5m0s"),
      condition('Ready', 'Unknown', 'Progressing', "Running 'upgrade' action with timeout of 5m0s"),
    ];
    const scope = HELM_RELEASE.workloads?.(obj);
    expect(scope?.named).toEqual([]);
    expect(scope?.labelled?.namespace).toBe(obj.metadata.namespace);
  });

  it('not for failures of another kind (captured: a template error, a rejected resource)', () => {
    expect(HELM_RELEASE.workloads?.(flux(installFailed))).toBeUndefined();
    expect(HELM_RELEASE.workloads?.(flux(retriesExhausted))).toBeUndefined();
  });
});

describe('inventory ids', () => {
  it('keeps apps and batch workloads only, with their group checked', () => {
    const obj = withInventory(flux(ready), [
      'apps_web_apps_Deployment',
      'apps_db_apps_StatefulSet',
      'kube-system_agent_apps_DaemonSet',
      'apps_migrate_batch_Job',
      '_cluster-wide_rbac.authorization.k8s.io_ClusterRole',
      'apps_web_extensions_Deployment',
      'broken',
    ]);
    expect(
      inventoryWorkloads(KUSTOMIZATION.inventory!(obj)).map((r) => `${r.kind}/${r.namespace}/${r.name}`),
    ).toEqual([
      'Deployment/apps/web',
      'StatefulSet/apps/db',
      'DaemonSet/kube-system/agent',
      'Job/apps/migrate',
    ]);
  });
});

describe('the workloads an object applied, and whether its controller checked them (for workloads: auto)', () => {
  const checking = flux(checkRunning);
  const NS = checking.spec!.targetNamespace as string;
  const api = { kind: 'Deployment' as const, namespace: NS, name: 'api' };

  it('a Kustomization: its inventory’s workloads; with wait: true it checked them all', () => {
    expect(KUSTOMIZATION.appliedWorkloads?.(checking)).toEqual({ refs: [api] });
    expect(KUSTOMIZATION.checksWorkload?.(checking, api)).toBe(true);
  });

  it('a Kustomization without wait checks only what a healthChecks entry names', () => {
    const noWait = flux(checkRunning);
    noWait.spec = { ...noWait.spec, wait: false };
    expect(KUSTOMIZATION.checksWorkload?.(noWait, api)).toBe(false);
    noWait.spec.healthChecks = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: NS }];
    expect(KUSTOMIZATION.checksWorkload?.(noWait, api)).toBe(true);
    expect(KUSTOMIZATION.checksWorkload?.(noWait, { ...api, name: 'web' })).toBe(false);
  });

  it('a Kustomization that applies to another cluster (spec.kubeConfig): none here', () => {
    const remote = flux(checkRunning);
    remote.spec = { ...remote.spec, kubeConfig: { secretRef: { name: 'remote' } } };
    expect(KUSTOMIZATION.appliedWorkloads?.(remote)).toBeUndefined();
  });

  it('a HelmRelease: its inventory’s workloads; Helm waited for them unless the action it ran disabled the wait', () => {
    const release = flux(helmWaitFailed);
    const stuck = { kind: 'Deployment' as const, namespace: release.metadata.namespace!, name: 'stuck' };
    expect(HELM_RELEASE.appliedWorkloads?.(release)).toEqual({ refs: [stuck] });
    expect(HELM_RELEASE.checksWorkload?.(release, stuck)).toBe(true);
    release.spec = { ...release.spec, install: { disableWait: true } };
    expect(HELM_RELEASE.checksWorkload?.(release, stuck)).toBe(false);
    // The last action was an install: the upgrade's settings say nothing about it.
    release.spec = { upgrade: { disableWait: true } };
    expect(HELM_RELEASE.checksWorkload?.(release, stuck)).toBe(true);
  });

  it('a HelmRelease’s Jobs: waited for unless disableWaitForJobs', () => {
    const release = flux(helmWaitFailed);
    const job = { kind: 'Job' as const, namespace: release.metadata.namespace!, name: 'migrate' };
    expect(HELM_RELEASE.checksWorkload?.(release, job)).toBe(true);
    release.spec = { ...release.spec, install: { disableWaitForJobs: true } };
    expect(HELM_RELEASE.checksWorkload?.(release, job)).toBe(false);
  });

  it('a HelmRelease without an inventory: the release’s objects by helm-controller’s labels', () => {
    const release = flux(helmWaitFailed);
    delete release.status!.inventory;
    const ns = release.metadata.namespace!;
    expect(HELM_RELEASE.appliedWorkloads?.(release)).toEqual({
      refs: [],
      labelled: {
        namespace: ns,
        labels: { 'helm.toolkit.fluxcd.io/name': 'stuck', 'helm.toolkit.fluxcd.io/namespace': ns },
      },
    });
  });

  it('a source applies nothing', () => {
    expect(kindOf('GitRepository').appliedWorkloads).toBeUndefined();
  });
});

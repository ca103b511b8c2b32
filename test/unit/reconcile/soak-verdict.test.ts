// The soak's judgement as a pure function: what breaks it and what does not, against what it saw first.
// Objects start as the lab's controllers left them (test/fixtures/status).
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import type { KubeObject } from '../../../src/kube/api.js';
import { type SoakSubjects, soakBaseline, soakChange } from '../../../src/reconcile/soak-verdict.js';
import pending from '../../fixtures/status/deployment-pending.json' with { type: 'json' };
import hrStalled from '../../fixtures/status/helmrelease-retries-exhausted.json' with { type: 'json' };
import ksFailed from '../../fixtures/status/kustomization-failed-retrying.json' with { type: 'json' };
import ksReady from '../../fixtures/status/kustomization-ready.json' with { type: 'json' };
import ksReconciling from '../../fixtures/status/kustomization-reconciling.json' with { type: 'json' };
import podJson from '../../fixtures/status/pod-unschedulable.json' with { type: 'json' };
import deployRestarted from '../../fixtures/status/workload-deployment-restarted-once.json' with {
  type: 'json',
};
import podRestarted from '../../fixtures/status/workload-pod-restarted-once.json' with { type: 'json' };

const flux = (json: unknown): FluxObject => structuredClone(json) as FluxObject;
const kube = (json: unknown): KubeObject => structuredClone(json) as KubeObject;

/** The captured Deployment, available with `available` of 2 pods. */
function deployment(available: number): KubeObject {
  const d = kube(pending);
  d.spec = { ...d.spec, replicas: 2 };
  d.status = {
    observedGeneration: 1,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: available,
    availableReplicas: available,
    conditions: [
      available < 2
        ? {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
            lastTransitionTime: '2026-11-29T16:20:00Z',
          }
        : { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: '' },
    ],
  };
  return d;
}

/** The captured pod, running, its container restarted `restarts` times. */
function pod(
  restarts: number,
  lastExit?: { reason: string; exitCode: number; finishedAt: string },
): KubeObject {
  const p = kube(podJson);
  p.status = {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'web',
        ready: true,
        restartCount: restarts,
        state: { running: {} },
        ...(lastExit ? { lastState: { terminated: lastExit } } : {}),
      },
    ],
  };
  return p;
}

/** The captured pod, its container stopped. */
function exitedPod(exit: { reason: string; exitCode: number; finishedAt: string }): KubeObject {
  const p = pod(0);
  const status = p.status as { containerStatuses: Array<Record<string, unknown>> };
  status.containerStatuses[0]!.state = { terminated: exit };
  status.containerStatuses[0]!.ready = false;
  return p;
}

function subjects(obj: FluxObject, workload: KubeObject | undefined, pods: KubeObject[]): SoakSubjects {
  return {
    objects: [{ key: 'Kustomization/flux-system/apps', title: 'Kustomization flux-system/apps', obj }],
    workloads: [
      { key: 'Deployment/shop/web', title: 'Deployment shop/web', kind: 'Deployment', obj: workload, pods },
    ],
  };
}

const start = subjects(flux(ksReady), deployment(2), [pod(0)]);
const OOM = { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-29T16:21:07Z' };

describe('soakChange', () => {
  const cases: Array<{ name: string; now: SoakSubjects; change: unknown }> = [
    { name: 'nothing changed: holds', now: start, change: undefined },
    {
      name: 'a reconcile in progress (Ready=Unknown) is not a break',
      now: subjects(flux(ksReconciling), deployment(2), [pod(0)]),
      change: undefined,
    },
    {
      name: 'the object went Ready=False: its own words and when',
      now: subjects(flux(ksFailed), deployment(2), [pod(0)]),
      change: {
        subject: 'Kustomization/flux-system/apps',
        reason: 'NotReadyDuringSoak',
        what: expect.stringMatching(/^Kustomization flux-system\/apps went not Ready \(BuildFailed: .+\)$/),
        at: expect.any(String),
      },
    },
    {
      name: 'a HelmRelease stalled (Stalled=True is not Ready, whatever Ready says)',
      now: subjects(flux(hrStalled), deployment(2), [pod(0)]),
      change: expect.objectContaining({
        reason: 'NotReadyDuringSoak',
        what: expect.stringContaining(
          'went not Ready (RetriesExceeded: Failed to upgrade after 2 attempt(s))',
        ),
      }),
    },
    {
      name: 'a workload lost availability',
      now: subjects(flux(ksReady), deployment(1), [pod(0)]),
      change: {
        subject: 'Deployment/shop/web',
        reason: 'UnavailableDuringSoak',
        what: 'Deployment shop/web lost availability: 1/2 available, 2 when the soak began (MinimumReplicasUnavailable: Deployment does not have minimum availability.)',
        at: '2026-11-29T16:20:00Z',
      },
    },
    {
      name: 'a container restarted: which, how often, its last exit and when',
      now: subjects(flux(ksReady), deployment(2), [pod(1, OOM)]),
      change: {
        subject: 'Deployment/shop/web',
        reason: 'RestartedDuringSoak',
        what: `Deployment shop/web restarted: container web of pod ${kube(podJson).metadata.name} (restart count 0 → 1; last exit OOMKilled (exit code 137))`,
        at: OOM.finishedAt,
      },
    },
    {
      name: 'a container stopped (the kubelet restarts it next): said before the availability it costs',
      now: subjects(flux(ksReady), deployment(1), [exitedPod(OOM)]),
      change: {
        subject: 'Deployment/shop/web',
        reason: 'RestartedDuringSoak',
        what: `Deployment shop/web restarted: container web of pod ${kube(podJson).metadata.name} exited: OOMKilled (exit code 137)`,
        at: OOM.finishedAt,
      },
    },
    {
      name: 'the workload was deleted',
      now: subjects(flux(ksReady), undefined, []),
      change: {
        subject: 'Deployment/shop/web',
        reason: 'DeletedDuringSoak',
        what: 'Deployment shop/web was deleted',
      },
    },
  ];

  it.each(cases)('$name', ({ now, change }) => {
    expect(soakChange(soakBaseline(start), now)).toEqual(change);
  });

  it('captured on kwok’s node: a container OOMKilled and restarted once, as it was just before', () => {
    const before = kube(podRestarted);
    const status = before.status as { containerStatuses: Array<Record<string, unknown>> };
    status.containerStatuses[0]!.restartCount = 0;
    status.containerStatuses[0]!.lastState = {};
    const flaky = (pod: KubeObject): SoakSubjects => ({
      objects: [],
      workloads: [
        {
          key: 'Deployment/ns/flaky',
          title: 'Deployment ns/flaky',
          kind: 'Deployment',
          obj: kube(deployRestarted),
          pods: [pod],
        },
      ],
    });
    expect(soakChange(soakBaseline(flaky(before)), flaky(kube(podRestarted)))).toEqual({
      subject: 'Deployment/ns/flaky',
      reason: 'RestartedDuringSoak',
      what: `Deployment ns/flaky restarted: container app of pod ${kube(podRestarted).metadata.name} (restart count 0 → 1; last exit OOMKilled (exit code 137))`,
      at: '2026-12-05T16:44:31Z',
    });
  });

  it('a pod first seen during the soak starts from its own restart count', () => {
    const baseline = soakBaseline(start);
    const replacement = pod(2, OOM);
    replacement.metadata.name = 'web-666db6db68-new';
    const seen = subjects(flux(ksReady), deployment(2), [replacement]);
    const extended = soakBaseline(seen, baseline);
    expect(soakChange(extended, seen)).toBeUndefined();
    const again = pod(3, OOM);
    again.metadata.name = 'web-666db6db68-new';
    expect(soakChange(extended, subjects(flux(ksReady), deployment(2), [again]))).toMatchObject({
      reason: 'RestartedDuringSoak',
      what: expect.stringContaining('(restart count 2 → 3;'),
    });
  });
});

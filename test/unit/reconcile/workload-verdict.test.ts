// The workload verdict on payloads captured from the lab's real controllers (kube-controller-manager's
// Deployment, ReplicaSet, StatefulSet, DaemonSet and Job controllers, kube-scheduler, and kwok's node for the
// pods; see test/fixtures/status/README.md): what a person would conclude from `kubectl rollout status` and
// `kubectl describe pod`, as a typed verdict.
import { describe, expect, it } from 'vitest';
import type { WorkloadRef } from '../../../src/flux/workload-scope.js';
import type { KubeObject } from '../../../src/kube/api.js';
import {
  judgeWorkload,
  SHORT_GRACE_MS,
  type WorkloadSight,
  type WorkloadVerdict,
  workloadNext,
} from '../../../src/reconcile/workload-verdict.js';
import deadlineExceeded from '../../fixtures/status/deployment-deadline-exceeded.json' with { type: 'json' };
import helmDeployment from '../../fixtures/status/deployment-of-helmrelease-wait-failed.json' with {
  type: 'json',
};
import pending from '../../fixtures/status/deployment-pending.json' with { type: 'json' };
import deadlinePod from '../../fixtures/status/pod-of-deployment-deadline-exceeded.json' with {
  type: 'json',
};
import unschedulable from '../../fixtures/status/pod-unschedulable.json' with { type: 'json' };
import replicaSet from '../../fixtures/status/replicaset-pending.json' with { type: 'json' };
import dsReady from '../../fixtures/status/workload-daemonset-ready.json' with { type: 'json' };
import deployAvailable from '../../fixtures/status/workload-deployment-available.json' with { type: 'json' };
import deployCrash from '../../fixtures/status/workload-deployment-crash-loop.json' with { type: 'json' };
import deployPull from '../../fixtures/status/workload-deployment-image-pull-backoff.json' with {
  type: 'json',
};
import deployDeadline from '../../fixtures/status/workload-deployment-progress-deadline-exceeded.json' with {
  type: 'json',
};
import deployRestarted from '../../fixtures/status/workload-deployment-restarted-once.json' with {
  type: 'json',
};
import jobComplete from '../../fixtures/status/workload-job-complete.json' with { type: 'json' };
import jobFailed from '../../fixtures/status/workload-job-failed.json' with { type: 'json' };
import podCrash from '../../fixtures/status/workload-pod-crash-loop.json' with { type: 'json' };
import podPull from '../../fixtures/status/workload-pod-image-pull-backoff.json' with { type: 'json' };
import podDeadline from '../../fixtures/status/workload-pod-of-deployment-progress-deadline-exceeded.json' with {
  type: 'json',
};
import podJobComplete from '../../fixtures/status/workload-pod-of-job-complete.json' with { type: 'json' };
import podJobFailed from '../../fixtures/status/workload-pod-of-job-failed.json' with { type: 'json' };
import podRestarted from '../../fixtures/status/workload-pod-restarted-once.json' with { type: 'json' };
import podRunning from '../../fixtures/status/workload-pod-running.json' with { type: 'json' };
import stsReady from '../../fixtures/status/workload-statefulset-ready.json' with { type: 'json' };

const kube = (json: unknown): KubeObject => structuredClone(json) as KubeObject;
const refOf = (obj: KubeObject): WorkloadRef => ({
  kind: obj.kind as WorkloadRef['kind'],
  namespace: obj.metadata.namespace!,
  name: obj.metadata.name,
});

function sight(
  workload: KubeObject,
  extra: { replicaSets?: KubeObject[]; pods?: KubeObject[] } = {},
): WorkloadSight {
  return {
    ref: refOf(workload),
    object: workload,
    listed: true,
    replicaSets: extra.replicaSets ?? [],
    pods: extra.pods ?? [],
  };
}

/** What a person reads of a verdict, in one comparable shape. */
function said(verdict: WorkloadVerdict): Record<string, unknown> {
  const facts = { ready: `${verdict.facts.ready}/${verdict.facts.desired}`, images: verdict.facts.images };
  switch (verdict.state) {
    case 'ready':
      return { state: 'ready', ...facts };
    case 'progressing':
      return { state: 'progressing', why: verdict.why, ...facts };
    case 'failed':
      return {
        state: 'failed',
        reason: verdict.reason,
        message: verdict.message,
        grace: verdict.grace,
        ...facts,
      };
  }
}

/** The captured Deployment with a newer spec its controller has not observed yet. */
function withNewGeneration(json: unknown): KubeObject {
  const obj = kube(json);
  obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
  return obj;
}

/** The captured Deployment at its next revision, before the controller made that revision's ReplicaSet. */
function atNextRevision(json: unknown): KubeObject {
  const obj = kube(json);
  obj.metadata.annotations = { ...obj.metadata.annotations, 'deployment.kubernetes.io/revision': '2' };
  return obj;
}

const POD = kube(unschedulable).metadata.name;

describe('judgeWorkload on captured payloads', () => {
  const cases: Array<{ name: string; sight: WorkloadSight; expected: Record<string, unknown> }> = [
    {
      name: 'a pod the scheduler cannot place: Unschedulable in the scheduler’s words, with the short grace',
      sight: sight(kube(pending), { replicaSets: [kube(replicaSet)], pods: [kube(unschedulable)] }),
      expected: {
        state: 'failed',
        reason: 'Unschedulable',
        message: `pod ${POD}: no nodes available to schedule pods`,
        grace: 'short',
        ready: '0/1',
        images: ['registry.invalid/web:1'],
      },
    },
    {
      name: 'past its progress deadline: ProgressDeadlineExceeded in the controller’s words, failed at once',
      sight: sight(kube(deadlineExceeded), { pods: [kube(deadlinePod)] }),
      expected: {
        state: 'failed',
        reason: 'ProgressDeadlineExceeded',
        message: 'ReplicaSet "web-565f87b698" has timed out progressing.',
        grace: 'fail-fast',
        ready: '0/1',
        images: ['registry.invalid/app:1'],
      },
    },
    {
      name: 'a chart’s Deployment past its deadline (helm-controller’s labels on it): the same verdict',
      sight: sight(kube(helmDeployment)),
      expected: {
        state: 'failed',
        reason: 'ProgressDeadlineExceeded',
        message: expect.stringMatching(/^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/),
        grace: 'fail-fast',
        ready: '0/1',
        images: expect.any(Array),
      },
    },
    {
      name: 'a new spec not observed yet: the old deadline says nothing about it',
      sight: sight(withNewGeneration(deadlineExceeded), { pods: [kube(deadlinePod)] }),
      expected: {
        state: 'progressing',
        why: expect.stringContaining('generation 2 not observed yet'),
        ready: '0/1',
        images: ['registry.invalid/app:1'],
      },
    },
    {
      name: 'a rollout whose new ReplicaSet is not made yet: the old revision’s unschedulable pod does not count',
      sight: sight(atNextRevision(pending), { replicaSets: [kube(replicaSet)], pods: [kube(unschedulable)] }),
      expected: {
        state: 'progressing',
        why: '0/1 available · 1 updated · 0 ready',
        ready: '0/1',
        images: ['registry.invalid/web:1'],
      },
    },
    {
      name: 'without its ReplicaSet in sight: the counts only, no pod is blamed',
      sight: sight(kube(pending), { pods: [kube(unschedulable)] }),
      expected: {
        state: 'progressing',
        why: '0/1 available · 1 updated · 0 ready',
        ready: '0/1',
        images: ['registry.invalid/web:1'],
      },
    },
  ];

  it.each(cases)('$name', ({ sight: seen, expected }) => {
    expect(said(judgeWorkload(seen))).toEqual(expected);
  });

  it('a workload not seen yet waits; one missing once its kind is listed is not found', () => {
    const ref = refOf(kube(pending));
    const none = { ref, replicaSets: [], pods: [] };
    expect(judgeWorkload({ ...none, listed: false })).toMatchObject({
      state: 'progressing',
      why: 'not seen yet',
    });
    expect(judgeWorkload({ ...none, listed: true })).toMatchObject({
      state: 'progressing',
      why: 'not found',
    });
  });

  it('the failing pod is named with its container and kept in the facts for the report', () => {
    const verdict = judgeWorkload(
      sight(kube(pending), { replicaSets: [kube(replicaSet)], pods: [kube(unschedulable)] }),
    );
    expect(verdict.facts.pod).toEqual({
      pod: POD,
      reason: 'Unschedulable',
      message: 'no nodes available to schedule pods',
      since: '2026-11-29T16:13:31Z',
    });
  });
});

describe('workloadNext: the fail-fast grace', () => {
  const failed = (grace: 'short' | 'fail-fast'): WorkloadVerdict => ({
    state: 'failed',
    reason: grace === 'short' ? 'ImagePullBackOff' : 'CrashLoopBackOff',
    message: '',
    grace,
    facts: { workloadKind: 'Deployment', ready: 0, desired: 1, counts: '', images: [] },
  });
  const cases = [
    {
      name: 'ready finishes',
      verdict: 'ready',
      since: undefined,
      grace: 0,
      now: 0,
      next: { do: 'finish-ready' },
    },
    {
      name: 'a crash loop fails at once with fail-fast: true',
      verdict: 'fatal',
      since: undefined,
      grace: 0,
      now: 1_000,
      next: { do: 'finish-failed' },
    },
    {
      name: 'an image pull gets the short grace even with fail-fast: true',
      verdict: 'slow',
      since: undefined,
      grace: 0,
      now: 1_000,
      next: { do: 'wait-for-grace', graceEndsIn: SHORT_GRACE_MS },
    },
    {
      name: 'and fails once it has passed',
      verdict: 'slow',
      since: 1_000,
      grace: 0,
      now: 1_000 + SHORT_GRACE_MS,
      next: { do: 'finish-failed' },
    },
    {
      name: 'a longer fail-fast grace wins over the short one',
      verdict: 'slow',
      since: 1_000,
      grace: 60_000,
      now: 1_000 + SHORT_GRACE_MS,
      next: { do: 'wait-for-grace', graceEndsIn: 60_000 - SHORT_GRACE_MS },
    },
    {
      name: 'fail-fast: false never fails before the timeout',
      verdict: 'fatal',
      since: 1_000,
      grace: Number.POSITIVE_INFINITY,
      now: 1_000_000,
      next: { do: 'keep-watching' },
    },
  ] as const;

  it.each(cases)('$name', ({ verdict, since, grace, now, next }) => {
    const v: WorkloadVerdict =
      verdict === 'ready'
        ? { state: 'ready', facts: failed('short').facts }
        : failed(verdict === 'slow' ? 'short' : 'fail-fast');
    expect(workloadNext(v, since, grace, now)).toEqual(next);
  });
});

// Payloads captured on kwok's node (test/fixtures/status/README.md, `workload-*`): each Deployment with one of
// its pods, each StatefulSet, DaemonSet and Job as kube-controller-manager left it.

/**
 * The ReplicaSet kube-controller-manager made for the Deployment at its revision, shaped as the captured
 * replicaset-pending.json: its name and uid are those the captured pod's ownerReference names.
 */
function replicaSetOf(deploymentJson: unknown, podJson: unknown): KubeObject {
  const d = kube(deploymentJson);
  const owner = kube(podJson).metadata.ownerReferences![0]!;
  const rs = kube(replicaSet);
  rs.metadata = {
    ...rs.metadata,
    name: owner.name!,
    namespace: d.metadata.namespace,
    uid: owner.uid!,
    annotations: {
      'deployment.kubernetes.io/revision': d.metadata.annotations!['deployment.kubernetes.io/revision']!,
    },
    ownerReferences: [{ kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid! }],
  };
  return rs;
}

const deploymentSight = (d: unknown, pod: unknown) =>
  sight(kube(d), { replicaSets: [replicaSetOf(d, pod)], pods: [kube(pod)] });

describe('judgeWorkload on kwok’s node', () => {
  const podName = (json: unknown) => kube(json).metadata.name;
  const cases: Array<{ name: string; sight: WorkloadSight; expected: Record<string, unknown> }> = [
    {
      name: 'a Deployment rolled out: ready 2/2 at its image',
      sight: deploymentSight(deployAvailable, podRunning),
      expected: { state: 'ready', ready: '2/2', images: ['nginx:1.27'] },
    },
    {
      name: 'one whose pod restarted once and runs again: rolled out (the soak is what notices restarts)',
      sight: deploymentSight(deployRestarted, podRestarted),
      expected: { state: 'ready', ready: '1/1', images: ['nginx:1.27'] },
    },
    {
      name: 'an image that cannot be pulled: ImagePullBackOff in the kubelet’s words, with the short grace',
      sight: deploymentSight(deployPull, podPull),
      expected: {
        state: 'failed',
        reason: 'ImagePullBackOff',
        message: expect.stringMatching(
          new RegExp(
            `^pod ${podName(podPull)} \\(container app\\): Back-off pulling image "registry\\.invalid/app:1": ErrImagePull: .*no such host$`,
          ),
        ),
        grace: 'short',
        ready: '0/1',
        images: ['registry.invalid/app:1'],
      },
    },
    {
      name: 'a crash loop: CrashLoopBackOff, the last exit and the restart count, failed at once',
      sight: deploymentSight(deployCrash, podCrash),
      expected: {
        state: 'failed',
        reason: 'CrashLoopBackOff',
        message: `pod ${podName(podCrash)} (container app): back-off 20s restarting failed container=app pod=${podName(podCrash)}_${kube(podCrash).metadata.namespace}(${kube(podCrash).metadata.uid}); last exit: Error (exit code 1); 2 restarts`,
        grace: 'fail-fast',
        ready: '0/1',
        images: ['nginx:1.27'],
      },
    },
    {
      name: 'past its progress deadline: the controller’s words, then the pod’s',
      sight: deploymentSight(deployDeadline, podDeadline),
      expected: {
        state: 'failed',
        reason: 'ProgressDeadlineExceeded',
        message: expect.stringMatching(
          /^ReplicaSet "deadline-686f9596d" has timed out progressing\.; pod deadline-\S+ \(container app\) (ImagePullBackOff|ErrImagePull): /,
        ),
        grace: 'fail-fast',
        ready: '0/1',
        images: ['registry.invalid/app:1'],
      },
    },
    {
      name: 'a StatefulSet with every pod at the update revision: ready 2/2',
      sight: sight(kube(stsReady)),
      expected: { state: 'ready', ready: '2/2', images: ['nginx:1.27'] },
    },
    {
      name: 'a DaemonSet on the one node: ready 1/1',
      sight: sight(kube(dsReady)),
      expected: { state: 'ready', ready: '1/1', images: ['nginx:1.27'] },
    },
    {
      name: 'a Job Complete: done, its pod’s exit 0 no problem',
      sight: sight(kube(jobComplete), { pods: [kube(podJobComplete)] }),
      expected: { state: 'ready', ready: '1/1', images: ['nginx:1.27'] },
    },
    {
      name: 'a Job out of retries: BackoffLimitExceeded, and its pod’s exit',
      sight: sight(kube(jobFailed), { pods: [kube(podJobFailed)] }),
      expected: {
        state: 'failed',
        reason: 'BackoffLimitExceeded',
        message: `Job has reached the specified backoff limit; pod ${podName(podJobFailed)} (container app) Error: exit code 1`,
        grace: 'fail-fast',
        ready: '0/1',
        images: ['nginx:1.27'],
      },
    },
  ];

  it.each(cases)('$name', ({ sight: seen, expected }) => {
    expect(said(judgeWorkload(seen))).toEqual(expected);
  });

  it('a crash loop’s pod is kept with its restart count, for the report and the kubectl logs it suggests', () => {
    expect(judgeWorkload(deploymentSight(deployCrash, podCrash)).facts.pod).toMatchObject({
      pod: podName(podCrash),
      container: 'app',
      reason: 'CrashLoopBackOff',
      restarts: 2,
    });
  });
});

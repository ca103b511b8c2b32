import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/api.js';
import { podPhase, podProblems, selectorString, workloadState } from '../../../src/kube/workload-state.js';
import {
  failedJob,
  readyDeployment,
  runningPod,
  stuckDeployment,
  T0,
  T1,
  unschedulablePod,
  waitingPod,
} from '../../helpers/workload-payloads.js';

describe('workloadState', () => {
  it('a Deployment past its progress deadline: the deadline first, the missing availability after', () => {
    const state = workloadState('Deployment', stuckDeployment('web', 'apps', { deadlineExceeded: true }));
    expect(state.ready).toBe(false);
    expect(state.counts).toBe('0/1 available · 1 updated · 0 ready');
    expect(state.conditions.map((c) => `${c.type}=${c.status} ${c.reason}`)).toEqual([
      'Progressing=False ProgressDeadlineExceeded',
      'Available=False MinimumReplicasUnavailable',
    ]);
    expect(state.conditions[0]).toMatchObject({
      message: 'ReplicaSet "web-666db6db68" has timed out progressing.',
      lastTransitionTime: T1,
    });
    expect(state.podSelector).toBe('app=web');
  });

  it('a Deployment still progressing: only the False condition explains it', () => {
    const state = workloadState('Deployment', stuckDeployment('web', 'apps'));
    expect(state.conditions.map((c) => c.reason)).toEqual(['MinimumReplicasUnavailable']);
  });

  it('a ready Deployment is ready; one whose new generation is not observed is not', () => {
    const deployment = readyDeployment('web', 'apps');
    expect(workloadState('Deployment', deployment)).toMatchObject({ ready: true, conditions: [] });
    deployment.metadata.generation = 2;
    const state = workloadState('Deployment', deployment);
    expect(state.ready).toBe(false);
    expect(state.counts).toBe('2/2 available · 2 updated · 2 ready · generation 2 not observed yet');
  });

  it('a Deployment whose ReplicaSet cannot create pods (quota): ReplicaFailure=True is the cause', () => {
    const deployment = stuckDeployment('web', 'apps');
    (deployment.status!.conditions as unknown[]).push({
      type: 'ReplicaFailure',
      status: 'True',
      lastTransitionTime: T1,
      reason: 'FailedCreate',
      message:
        'pods "web-666db6db68-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4',
    });
    expect(workloadState('Deployment', deployment).conditions.map((c) => c.reason)).toEqual([
      'FailedCreate',
      'MinimumReplicasUnavailable',
    ]);
  });

  it('a StatefulSet and a DaemonSet by their own counts', () => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'apps', generation: 3 },
      spec: { replicas: 3, selector: { matchLabels: { app: 'db' } } },
      status: {
        observedGeneration: 3,
        replicas: 3,
        readyReplicas: 1,
        currentReplicas: 3,
        updatedReplicas: 3,
      },
    };
    expect(workloadState('StatefulSet', sts)).toMatchObject({
      ready: false,
      counts: '1/3 ready · 3 updated',
    });
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'kube-system', generation: 1 },
      spec: { selector: { matchLabels: { app: 'agent' } } },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 4,
        updatedNumberScheduled: 4,
        numberAvailable: 4,
        numberMisscheduled: 0,
      },
    };
    expect(workloadState('DaemonSet', ds)).toMatchObject({
      ready: true,
      counts: '4/4 available · 4 updated · 4 ready',
    });
  });

  it('a Job that ran out of retries: Failed and FailureTarget with BackoffLimitExceeded; pods by controller uid', () => {
    const state = workloadState('Job', failedJob('migrate', 'apps'));
    expect(state.ready).toBe(false);
    expect(state.counts).toBe('3 failed');
    expect(state.conditions.map((c) => `${c.type} ${c.reason}`)).toEqual([
      'FailureTarget BackoffLimitExceeded',
      'Failed BackoffLimitExceeded',
    ]);
    expect(state.podSelector).toBe('batch.kubernetes.io/controller-uid=uid-migrate');
  });

  it('survives fields of the wrong type (text from the cluster is untrusted)', () => {
    const odd = {
      metadata: { name: 'x' },
      spec: { replicas: 'many', selector: 7 },
      status: { conditions: 'none' },
    };
    expect(workloadState('Deployment', odd as unknown as KubeObject)).toMatchObject({
      ready: false,
      counts: '0/1 available · 0 updated · 0 ready',
      conditions: [],
    });
  });
});

describe('selectorString', () => {
  it('writes matchLabels and matchExpressions in the API server’s selector syntax', () => {
    expect(
      selectorString({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['front', 'edge'] },
          { key: 'track', operator: 'NotIn', values: ['canary'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'odd', operator: 'constructor' },
        ],
      }),
    ).toBe('app=web,tier in (front,edge),track notin (canary),owner,!legacy');
  });

  it('has none for an empty selector, which would select every pod in the namespace', () => {
    expect(selectorString({})).toBeUndefined();
    expect(selectorString(undefined)).toBeUndefined();
  });
});

describe('podProblems', () => {
  it('an unschedulable pod: the scheduler’s reason and message, since when', () => {
    const pod = unschedulablePod(
      'web-666db6db68-l47cf',
      'apps',
      'web',
      '0/3 nodes are available: 3 Insufficient cpu.',
    );
    expect(podProblems(pod)).toEqual([
      { reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.', since: T0 },
    ]);
    expect(podPhase(pod)).toBe('Pending');
  });

  it('an image that cannot be pulled: the container and the kubelet’s message', () => {
    const pod = waitingPod('web-1', 'apps', 'web', {
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "registry.invalid/web:1"',
    });
    expect(podProblems(pod)).toEqual([
      {
        container: 'web',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "registry.invalid/web:1"',
      },
    ]);
  });

  it('a crash loop: the back-off, then the last exit and the restarts', () => {
    const pod = waitingPod(
      'web-1',
      'apps',
      'web',
      {
        reason: 'CrashLoopBackOff',
        message: 'back-off 2m40s restarting failed container=web pod=web-1_apps(uid)',
      },
      { reason: 'Error', exitCode: 1 },
    );
    expect(podProblems(pod)).toEqual([
      {
        container: 'web',
        reason: 'CrashLoopBackOff',
        message:
          'back-off 2m40s restarting failed container=web pod=web-1_apps(uid); last exit: Error (exit code 1); 5 restarts',
      },
    ]);
  });

  it('an evicted pod, an init container that failed, a pod nobody scheduled yet', () => {
    const evicted: KubeObject = {
      metadata: { name: 'web-2', namespace: 'apps' },
      status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
    };
    expect(podProblems(evicted)[0]).toEqual({
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
    const init: KubeObject = {
      metadata: { name: 'web-3', namespace: 'apps' },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'migrate',
            state: { terminated: { reason: 'Error', exitCode: 2, finishedAt: T1 } },
            restartCount: 0,
          },
        ],
      },
    };
    expect(podProblems(init)).toEqual([
      { container: 'migrate (init)', reason: 'Error', message: 'exit code 2', since: T1 },
    ]);
    const fresh: KubeObject = {
      metadata: { name: 'web-4', namespace: 'apps' },
      status: { phase: 'Pending' },
    };
    expect(podProblems(fresh)).toEqual([{ reason: 'Pending', message: 'not scheduled yet' }]);
  });

  it('a running pod that is not ready says which containers; ready and completed pods have no problem', () => {
    const notReady = waitingPod('web-5', 'apps', 'web', { reason: '', message: '' });
    (notReady.status as { containerStatuses: unknown[] }).containerStatuses = [
      { name: 'web', state: { running: { startedAt: T0 } }, ready: false, restartCount: 0 },
    ];
    (notReady.status as { phase: string }).phase = 'Running';
    expect(podProblems(notReady)).toEqual([
      { reason: 'ContainersNotReady', message: 'containers with unready status: [web]', since: T0 },
    ]);
    expect(podProblems(runningPod('web-6', 'apps', 'web'))).toEqual([]);
    expect(podProblems({ metadata: { name: 'done' }, status: { phase: 'Succeeded' } })).toEqual([]);
  });
});

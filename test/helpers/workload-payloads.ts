// Workloads, pods and events shaped field for field like the Kubernetes API's answers (apps/v1 Deployment,
// StatefulSet and DaemonSet status, batch/v1 Job conditions, v1 Pod status, core/v1 Events as the
// controllers, the scheduler and the kubelet write them), for states the lab cannot reach without a kubelet:
// image pulls, crash loops, failed jobs. Captured payloads from the lab are in test/fixtures/status.
import type { KubeEvent } from '../../src/flux/types.js';
import type { KubeObject } from '../../src/kube/api.js';

export const T0 = '2026-11-29T16:13:31Z';
export const T1 = '2026-11-29T16:23:32Z';

export const DEPLOYMENTS = { apiVersion: 'apps/v1', plural: 'deployments' };
export const STATEFULSETS = { apiVersion: 'apps/v1', plural: 'statefulsets' };
export const DAEMONSETS = { apiVersion: 'apps/v1', plural: 'daemonsets' };
export const JOBS = { apiVersion: 'batch/v1', plural: 'jobs' };
export const PODS = { apiVersion: 'v1', plural: 'pods' };

const meta = (name: string, namespace: string, labels?: Record<string, string>) => ({
  name,
  namespace,
  uid: `uid-${name}`,
  resourceVersion: '350',
  generation: 1,
  creationTimestamp: T0,
  ...(labels ? { labels } : {}),
});

/** A Deployment whose one pod never became available, before or after its progress deadline. */
export function stuckDeployment(
  name: string,
  namespace: string,
  opts: { deadlineExceeded?: boolean; labels?: Record<string, string> } = {},
): KubeObject {
  const replicaSet = `${name}-666db6db68`;
  const progressing = opts.deadlineExceeded
    ? {
        type: 'Progressing',
        status: 'False',
        lastUpdateTime: T1,
        lastTransitionTime: T1,
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${replicaSet}" has timed out progressing.`,
      }
    : {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: T0,
        lastTransitionTime: T0,
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${replicaSet}" is progressing.`,
      };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(name, namespace, opts.labels) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'registry.invalid/web:1' }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      progressDeadlineSeconds: opts.deadlineExceeded ? 10 : 600,
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      unavailableReplicas: 1,
      terminatingReplicas: 0,
      conditions: [
        {
          type: 'Available',
          status: 'False',
          lastUpdateTime: T0,
          lastTransitionTime: T0,
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
        progressing,
      ],
    },
  };
}

export function readyDeployment(
  name: string,
  namespace: string,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace, labels),
    spec: { replicas: 2, selector: { matchLabels: { app: name } } },
    status: {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastTransitionTime: T0,
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastTransitionTime: T0,
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-5d4f" has successfully progressed.`,
        },
      ],
    },
  };
}

/** A pod the scheduler could not place (the lab's: no nodes at all). */
export function unschedulablePod(
  name: string,
  namespace: string,
  app: string,
  message = 'no nodes available to schedule pods',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...meta(name, namespace, { app, 'pod-template-hash': '666db6db68' }) },
    spec: { containers: [{ name: app, image: 'registry.invalid/web:1' }] },
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          observedGeneration: 1,
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: T0,
          reason: 'Unschedulable',
          message,
        },
      ],
      qosClass: 'BestEffort',
    },
  };
}

const scheduledConditions = [
  { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
  { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
  {
    type: 'Ready',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: T0,
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [web]',
  },
  {
    type: 'ContainersReady',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: T0,
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [web]',
  },
  { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
];

/** A scheduled pod whose container waits: ImagePullBackOff, CrashLoopBackOff (with its last exit)… */
export function waitingPod(
  name: string,
  namespace: string,
  app: string,
  waiting: { reason: string; message: string },
  lastExit?: { reason: string; exitCode: number },
  created = T0,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...meta(name, namespace, { app }), creationTimestamp: created },
    status: {
      phase: lastExit ? 'Running' : 'Pending',
      conditions: scheduledConditions,
      hostIP: '10.0.0.4',
      podIP: '10.244.1.7',
      startTime: T0,
      containerStatuses: [
        {
          name: app,
          state: { waiting },
          lastState: lastExit
            ? {
                terminated: {
                  exitCode: lastExit.exitCode,
                  reason: lastExit.reason,
                  startedAt: T0,
                  finishedAt: T1,
                  containerID: 'containerd://0a1b',
                },
              }
            : {},
          ready: false,
          restartCount: lastExit ? 5 : 0,
          image: 'registry.invalid/web:1',
          imageID: '',
          started: false,
        },
      ],
      qosClass: 'BestEffort',
    },
  };
}

export function runningPod(name: string, namespace: string, app: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, namespace, { app }),
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
      ],
      containerStatuses: [{ name: app, state: { running: { startedAt: T0 } }, ready: true, restartCount: 0 }],
    },
  };
}

/** A Job that ran out of retries (batch/v1, Kubernetes 1.31+ condition set). */
export function failedJob(name: string, namespace: string): KubeObject {
  const uid = `uid-${name}`;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(name, namespace),
    spec: {
      backoffLimit: 2,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    },
    status: {
      conditions: [
        {
          type: 'FailureTarget',
          status: 'True',
          lastProbeTime: T1,
          lastTransitionTime: T1,
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
        {
          type: 'Failed',
          status: 'True',
          lastProbeTime: T1,
          lastTransitionTime: T1,
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
      startTime: T0,
      failed: 3,
      terminating: 0,
      ready: 0,
    },
  };
}

/** A core/v1 Event as KubeEvent (what ClusterApi.events returns). */
export function event(
  kind: string,
  name: string,
  namespace: string,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  lastTimestamp = T1,
  count?: number,
): KubeEvent {
  return {
    type,
    reason,
    message,
    lastTimestamp,
    ...(count ? { count } : {}),
    involvedObject: { kind, name, namespace },
  };
}

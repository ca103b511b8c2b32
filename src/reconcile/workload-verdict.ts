// The verdict on one workload a Ready object applied: a pure function of what the watches saw (the workload,
// the ReplicaSets and the pods of its namespace), judged as kstatus judges it (fluxcd/cli-utils
// pkg/kstatus/status/core.go, kube/workload-state.ts), and failed in the pod's own words as soon as the state
// cannot mend without a new commit. No I/O and no clock read here; rollout.ts watches and keeps time.
import type { WorkloadRef } from '../flux/workload-scope.js';
import type { KubeObject } from '../kube/api.js';
import {
  annotationOf,
  type ContainerRestarts,
  containerRestarts,
  ownerUids,
  type PodProblem,
  podProblems,
  type StatusCondition,
  selectorMatches,
  templateImages,
  type WorkloadState,
  workloadState,
} from '../kube/workload-state.js';
import type { PodFault, RolloutFacts } from './types.js';

/** What the watches saw of one workload and its namespace. */
export interface WorkloadSight {
  ref: WorkloadRef;
  /** The workload as last seen; undefined when the watch has not seen it (or saw it deleted). */
  object?: KubeObject;
  /** The namespace's workloads were listed: one not seen is missing, not just not seen yet. */
  listed: boolean;
  replicaSets: readonly KubeObject[];
  pods: readonly KubeObject[];
}

/**
 * How long a failure may be mended: `fail-fast` (the input's grace), or `short`: a wait the cluster can end by
 * itself (an image pull the registry answers late, a pod the cluster autoscaler finds a node for).
 */
export type Grace = 'fail-fast' | 'short';

export type WorkloadVerdict =
  | { state: 'ready'; facts: RolloutFacts }
  | { state: 'progressing'; why: string; facts: RolloutFacts }
  | { state: 'failed'; reason: string; message: string; grace: Grace; facts: RolloutFacts };

/** The short grace: a registry slow to answer or an autoscaler adding a node mends these within it. */
export const SHORT_GRACE_MS = 30_000;

// Container waiting reasons the kubelet keeps until the pod spec changes: a new commit must mend them.
const FATAL_WAITING = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
]);
// Reasons that may still mend by themselves within the short grace.
const SLOW_WAITING = new Set(['ImagePullBackOff', 'ErrImagePull', 'Unschedulable']);

const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';

export function judgeWorkload(sight: WorkloadSight): WorkloadVerdict {
  const { object, ref } = sight;
  if (!object) {
    const facts = emptyFacts(sight);
    return { state: 'progressing', why: sight.listed ? 'not found' : 'not seen yet', facts };
  }
  const state = workloadState(ref.kind, object);
  const pods = podsOfNewVersion(sight, object);
  const fault = mostTellingFault(pods);
  const facts = factsOf(sight, state, object, fault);
  if (state.ready) return { state: 'ready', facts: { ...facts, pod: undefined } };
  const final = state.observed ? finalCondition(state.conditions) : undefined;
  if (final) {
    const message = [final.message, fault ? podWords(fault) : ''].filter(Boolean).join('; ');
    return { state: 'failed', reason: final.reason || final.type, message, grace: 'fail-fast', facts };
  }
  if (fault && (FATAL_WAITING.has(fault.reason) || SLOW_WAITING.has(fault.reason))) {
    const grace: Grace = SLOW_WAITING.has(fault.reason) ? 'short' : 'fail-fast';
    return { state: 'failed', reason: fault.reason, message: podWords(fault, false), grace, facts };
  }
  const why = [state.counts, fault ? podWords(fault) : ''].filter(Boolean).join('; ');
  return { state: 'progressing', why, facts };
}

/**
 * A condition that says the workload gave up: a Deployment past its progress deadline (kstatus: Failed), a Job
 * Failed (BackoffLimitExceeded, DeadlineExceeded...). Only when the controller has observed the current spec.
 */
function finalCondition(conditions: readonly StatusCondition[]): StatusCondition | undefined {
  return conditions.find(
    (c) =>
      (c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded') ||
      (c.type === 'Failed' && c.status === 'True'),
  );
}

/**
 * `pod web-7d4b9-x2x (container app) ImagePullBackOff: Back-off pulling image "…"`; without the reason when
 * the verdict already says it.
 */
export function podWords(fault: PodFault, withReason = true): string {
  const container = fault.container ? ` (container ${fault.container})` : '';
  const said = [withReason ? fault.reason : '', fault.message].filter(Boolean).join(': ');
  return `pod ${fault.pod}${container}${said ? `${withReason ? ' ' : ': '}${said}` : ''}`;
}

function emptyFacts(sight: WorkloadSight): RolloutFacts {
  return { workloadKind: sight.ref.kind, ready: 0, desired: 0, counts: '', images: [] };
}

function factsOf(
  sight: WorkloadSight,
  state: WorkloadState,
  object: KubeObject,
  fault: PodFault | undefined,
): RolloutFacts {
  return {
    workloadKind: sight.ref.kind,
    ready: state.readyCount,
    desired: state.desired,
    counts: state.counts,
    images: templateImages(object),
    ...(fault ? { pod: fault } : {}),
  };
}

/**
 * The pods running (or failing to run) the version being rolled out: a Deployment's are those of its newest
 * ReplicaSet (same revision annotation), so an old pod that crash-loops while the fix rolls out does not
 * count; a StatefulSet's carry its update revision; a DaemonSet's and a Job's are theirs by owner.
 */
export function podsOfNewVersion(sight: WorkloadSight, object: KubeObject): KubeObject[] {
  const selector = object.spec?.selector;
  const uid = object.metadata.uid;
  const selected = sight.pods.filter(
    (pod) => !pod.metadata.deletionTimestamp && selectorMatches(selector, pod.metadata.labels),
  );
  switch (sight.ref.kind) {
    case 'Deployment': {
      const newest = newReplicaSet(sight.replicaSets, object);
      if (!newest?.metadata.uid) return [];
      return selected.filter((pod) => ownerUids(pod).includes(newest.metadata.uid!));
    }
    case 'StatefulSet': {
      const revision = object.status?.updateRevision;
      const owned = selected.filter((pod) => !uid || ownerUids(pod).includes(uid));
      if (typeof revision !== 'string' || !revision) return owned;
      return owned.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === revision);
    }
    default:
      return selected.filter((pod) => !uid || ownerUids(pod).includes(uid));
  }
}

/** The Deployment's ReplicaSet of its current revision (the deployment controller copies the annotation). */
function newReplicaSet(replicaSets: readonly KubeObject[], deployment: KubeObject): KubeObject | undefined {
  const revision = annotationOf(deployment, DEPLOYMENT_REVISION);
  const uid = deployment.metadata.uid;
  if (!revision) return undefined;
  return replicaSets.find(
    (rs) =>
      !rs.metadata.deletionTimestamp &&
      (!uid || ownerUids(rs).includes(uid)) &&
      annotationOf(rs, DEPLOYMENT_REVISION) === revision,
  );
}

// Most telling first: what no retry mends, then what may mend, then anything else; a container's own state
// before the pod's (a failed Job pod: `Error, exit code 1` says more than the phase `Failed`).
const rank = (fault: PodFault): number =>
  (FATAL_WAITING.has(fault.reason) ? 0 : SLOW_WAITING.has(fault.reason) ? 2 : 4) + (fault.container ? 0 : 1);

/** The pod problem that best explains the rollout, in the pod's own words; newest pods first on a tie. */
export function mostTellingFault(pods: readonly KubeObject[]): PodFault | undefined {
  const newestFirst = [...pods].sort((a, b) =>
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  );
  let best: PodFault | undefined;
  for (const pod of newestFirst) {
    const restarts = containerRestarts(pod);
    for (const problem of podProblems(pod)) {
      const fault = faultOf(pod, problem, restarts);
      if (!best || rank(fault) < rank(best)) best = fault;
    }
  }
  return best;
}

function faultOf(pod: KubeObject, problem: PodProblem, restarts: ContainerRestarts[]): PodFault {
  const counted = restarts.find(
    (r) => problem.container === r.container || problem.container === `${r.container} (init)`,
  );
  return {
    pod: pod.metadata.name,
    ...(problem.container ? { container: problem.container } : {}),
    reason: problem.reason,
    message: problem.message,
    ...(counted?.restarts ? { restarts: counted.restarts } : {}),
    ...(problem.since ? { since: problem.since } : {}),
  };
}

/** What the run does with a workload after a verdict (the fail-fast grace as the Flux objects have it). */
export type WorkloadNext =
  | { do: 'finish-ready' }
  | { do: 'finish-failed' }
  | { do: 'wait-for-grace'; graceEndsIn: number }
  | { do: 'keep-watching' };

/**
 * `failedSince`: when a failure was first seen and none but failures since. `failFastGraceMs`: the input's
 * grace (Infinity: never fail before the timeout).
 */
export function workloadNext(
  verdict: WorkloadVerdict,
  failedSince: number | undefined,
  failFastGraceMs: number,
  now: number,
): WorkloadNext {
  if (verdict.state === 'ready') return { do: 'finish-ready' };
  if (verdict.state === 'progressing') return { do: 'keep-watching' };
  const grace = verdict.grace === 'short' ? Math.max(SHORT_GRACE_MS, failFastGraceMs) : failFastGraceMs;
  const graceEndsIn = (failedSince ?? now) + grace - now;
  if (!Number.isFinite(graceEndsIn)) return { do: 'keep-watching' };
  return graceEndsIn > 0 ? { do: 'wait-for-grace', graceEndsIn } : { do: 'finish-failed' };
}

// Why a workload or a pod is not ready, from its status alone (pure, like the verdict): the readiness rules
// kstatus applies (fluxcd/cli-utils pkg/kstatus/status/core.go), and the words a person would look for with
// `kubectl describe`. Objects come from the cluster as plain JSON: every field is checked before use.
import type { WorkloadKind } from '../flux/workload-scope.js';
import type { KubeObject } from './api.js';

/** A condition of a workload or pod, as the API holds it. */
export interface StatusCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export interface WorkloadState {
  ready: boolean;
  /** The controller has seen the workload's current spec: its conditions are about this version. */
  observed: boolean;
  /** What `kubectl get` shows as READY: ready (or, for a Job, succeeded) pods out of the desired number. */
  readyCount: number;
  desired: number;
  /** Counts as a person reads them: `0/1 available · 1 updated`, `active 1 · failed 2`. */
  counts: string;
  /** The conditions that explain it not being ready (False ones, ReplicaFailure, a Job's Failed), cause first. */
  conditions: StatusCondition[];
  /** Its pods' label selector in the API's syntax; undefined when it has none. */
  podSelector?: string;
}

export interface PodProblem {
  /** The container it is about, when it is one container's state. */
  container?: string;
  reason: string;
  message: string;
  /** When it started, for a condition or a terminated container. */
  since?: string;
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

function conditionsOf(status: Json): StatusCondition[] {
  return asArray(status.conditions).map((raw) => {
    const c = asObject(raw);
    const time = asString(c.lastTransitionTime) || asString(c.lastProbeTime);
    return {
      type: asString(c.type),
      status: asString(c.status),
      reason: asString(c.reason),
      message: asString(c.message),
      ...(time ? { lastTransitionTime: time } : {}),
    };
  });
}

/** `app=web,tier in (a,b),!legacy`: a LabelSelector (matchLabels, matchExpressions) in the API's syntax. */
export function selectorString(selector: unknown): string | undefined {
  const { matchLabels, matchExpressions } = asObject(selector);
  const terms = Object.entries(asObject(matchLabels)).map(([k, v]) => `${k}=${asString(v)}`);
  for (const raw of asArray(matchExpressions)) {
    const e = asObject(raw);
    const key = asString(e.key);
    const values = asArray(e.values).map(asString).join(',');
    const term = new Map([
      ['In', `${key} in (${values})`],
      ['NotIn', `${key} notin (${values})`],
      ['Exists', key],
      ['DoesNotExist', `!${key}`],
    ]).get(asString(e.operator));
    if (key && term) terms.push(term);
  }
  // An empty selector would select every pod in the namespace: not this workload's.
  return terms.length ? terms.join(',') : undefined;
}

/** Whether a LabelSelector (matchLabels, matchExpressions) selects these labels; an empty one selects nothing. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>> = {}): boolean {
  const { matchLabels, matchExpressions } = asObject(selector);
  const pairs = Object.entries(asObject(matchLabels));
  const expressions = asArray(matchExpressions).map(asObject);
  if (!pairs.length && !expressions.length) return false;
  const has = (key: string) => Object.hasOwn(labels, key);
  return (
    pairs.every(([key, value]) => has(key) && labels[key] === asString(value)) &&
    expressions.every((e) => {
      const key = asString(e.key);
      const values = asArray(e.values).map(asString);
      switch (asString(e.operator)) {
        case 'In':
          return has(key) && values.includes(labels[key]!);
        case 'NotIn':
          return !has(key) || !values.includes(labels[key]!);
        case 'Exists':
          return has(key);
        case 'DoesNotExist':
          return !has(key);
        default:
          return false;
      }
    })
  );
}

/** The images of a workload's pod template, in container order: the version it rolls out. */
export function templateImages(obj: KubeObject): string[] {
  const template = asObject(asObject(obj.spec).template);
  return asArray(asObject(template.spec).containers)
    .map((c) => asString(asObject(c).image))
    .filter(Boolean);
}

function observedCurrent(obj: KubeObject, status: Json): boolean {
  const observed = asNumber(status.observedGeneration);
  const generation = obj.metadata.generation;
  return generation === undefined || (observed !== undefined && observed >= generation);
}

/** False conditions, and True ones that report a failure, most telling first. */
function explaining(conditions: StatusCondition[], failureTypes: readonly string[]): StatusCondition[] {
  const telling = conditions.filter((c) =>
    failureTypes.includes(c.type) ? c.status === 'True' : c.status === 'False',
  );
  // A deadline or a failure is the cause; "minimum availability" is only its symptom.
  const rank = (c: StatusCondition) => (/Exceeded|Failed|Failure/.test(`${c.reason} ${c.type}`) ? 0 : 1);
  return telling.sort((a, b) => rank(a) - rank(b));
}

/** How a kind that keeps replicas counts them: the first count is the one that must reach the desired number. */
interface ReplicaRules {
  desired: (spec: Json, status: Json) => number;
  /** [status field, word], each of which must reach the desired number. */
  counts: ReadonlyArray<readonly [string, string]>;
  /** Condition types that report a failure when True. */
  failureTypes: readonly string[];
  /** What else kstatus waits for once the counts are reached (old pods still there, a revision not rolled out). */
  pending?: (spec: Json, status: Json, desired: number) => string | undefined;
}

/** kstatus: more pods than desired are old ones not terminated yet. */
function extraReplicas(_spec: Json, status: Json, desired: number): string | undefined {
  const replicas = asNumber(status.replicas) ?? 0;
  return replicas > desired ? `${replicas - desired} old pods pending termination` : undefined;
}

/**
 * kstatus on a StatefulSet: an OnDelete one is the user's to roll; a partitioned one is done when the pods
 * above the partition are updated; otherwise every pod must run the update revision.
 */
function statefulSetPending(spec: Json, status: Json, desired: number): string | undefined {
  const strategy = asObject(spec.updateStrategy);
  if (asString(strategy.type) === 'OnDelete') return undefined;
  const extra = extraReplicas(spec, status, desired);
  if (extra) return extra;
  const partition = asNumber(asObject(strategy.rollingUpdate).partition);
  const updated = asNumber(status.updatedReplicas) ?? 0;
  if (partition !== undefined && partition > 0) {
    return updated < desired - partition
      ? `${updated}/${desired - partition} updated above the partition`
      : undefined;
  }
  const current = asString(status.currentRevision);
  const update = asString(status.updateRevision);
  return current !== update ? `revision ${update} not on every pod yet` : undefined;
}

function daemonSetPending(_spec: Json, status: Json, desired: number): string | undefined {
  const scheduled = asNumber(status.currentNumberScheduled) ?? 0;
  return scheduled < desired ? `${scheduled}/${desired} scheduled` : undefined;
}

const specReplicas = (spec: Json): number => asNumber(spec.replicas) ?? 1;

const REPLICA_RULES: Record<Exclude<WorkloadKind, 'Job'>, ReplicaRules> = {
  Deployment: {
    desired: specReplicas,
    counts: [
      ['availableReplicas', 'available'],
      ['updatedReplicas', 'updated'],
      ['readyReplicas', 'ready'],
    ],
    failureTypes: ['ReplicaFailure'],
    pending: extraReplicas,
  },
  StatefulSet: {
    desired: specReplicas,
    counts: [
      ['readyReplicas', 'ready'],
      ['updatedReplicas', 'updated'],
    ],
    failureTypes: [],
    pending: statefulSetPending,
  },
  DaemonSet: {
    desired: (_spec, status) => asNumber(status.desiredNumberScheduled) ?? 0,
    counts: [
      ['numberAvailable', 'available'],
      ['updatedNumberScheduled', 'updated'],
      ['numberReady', 'ready'],
    ],
    failureTypes: [],
    pending: daemonSetPending,
  },
};

function replicatedState(obj: KubeObject, rules: ReplicaRules): WorkloadState {
  const spec = asObject(obj.spec);
  const status = asObject(obj.status);
  const desired = rules.desired(spec, status);
  const count = (field: string) => asNumber(status[field]) ?? 0;
  const conditions = explaining(conditionsOf(status), rules.failureTypes);
  const current = observedCurrent(obj, status);
  const words = rules.counts.map(([field, word], index) =>
    index === 0 ? `${count(field)}/${desired} ${word}` : `${count(field)} ${word}`,
  );
  if (!current) words.push(`generation ${obj.metadata.generation} not observed yet`);
  const counted = rules.counts.every(([field]) => count(field) >= desired);
  const pending = counted ? rules.pending?.(spec, status, desired) : undefined;
  if (pending) words.push(pending);
  const readyField = rules.counts.find(([, word]) => word === 'ready')?.[0] ?? '';
  return {
    ready: current && counted && !pending && !conditions.length,
    observed: current,
    readyCount: count(readyField),
    desired,
    counts: words.join(' · '),
    conditions,
    podSelector: selectorString(spec.selector),
  };
}

function jobState(obj: KubeObject): WorkloadState {
  const status = asObject(obj.status);
  const conditions = conditionsOf(status);
  const counts = (['active', 'succeeded', 'failed'] as const)
    .filter((field) => asNumber(status[field]) !== undefined)
    .map((field) => `${asNumber(status[field])} ${field}`);
  const spec = asObject(obj.spec);
  return {
    ready: conditions.some((c) => c.type === 'Complete' && c.status === 'True'),
    observed: true,
    readyCount: asNumber(status.succeeded) ?? 0,
    desired: asNumber(spec.completions) ?? asNumber(spec.parallelism) ?? 1,
    counts: counts.join(' · ') || 'not started',
    conditions: explaining(conditions, ['Failed', 'FailureTarget']),
    podSelector: selectorString(spec.selector),
  };
}

/** Whether the workload is ready, in counts and conditions. */
export function workloadState(kind: WorkloadKind, obj: KubeObject): WorkloadState {
  return kind === 'Job' ? jobState(obj) : replicatedState(obj, REPLICA_RULES[kind]);
}

// ---- Pods ----

function containerProblems(statuses: unknown, init: boolean): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const raw of asArray(statuses)) {
    const status = asObject(raw);
    const name = asString(status.name);
    const container = init ? `${name} (init)` : name;
    const state = asObject(status.state);
    const waiting = asObject(state.waiting);
    const terminated = asObject(state.terminated);
    const last = asObject(asObject(status.lastState).terminated);
    const restarts = asNumber(status.restartCount) ?? 0;
    if (asString(waiting.reason)) {
      // CrashLoopBackOff says only that it waits: the last exit says why it crashed.
      const lastExit = asString(last.reason)
        ? `last exit: ${asString(last.reason)} (exit code ${asNumber(last.exitCode) ?? '?'})`
        : '';
      const restarted = restarts ? `${restarts} restarts` : '';
      const message = [asString(waiting.message), lastExit, restarted].filter(Boolean).join('; ');
      problems.push({ container, reason: asString(waiting.reason), message });
    } else if (asString(terminated.reason) && asNumber(terminated.exitCode) !== 0) {
      const exit = `exit code ${asNumber(terminated.exitCode) ?? '?'}`;
      const since = asString(terminated.finishedAt);
      problems.push({
        container,
        reason: asString(terminated.reason),
        message: [asString(terminated.message), exit].filter(Boolean).join('; '),
        ...(since ? { since } : {}),
      });
    }
  }
  return problems;
}

const conditionProblem = (c: StatusCondition): PodProblem => ({
  reason: c.reason || `${c.type}=${c.status}`,
  message: c.message,
  ...(c.lastTransitionTime ? { since: c.lastTransitionTime } : {}),
});

/** Why the pod is not ready, most telling first; empty for a ready (or completed) pod. */
export function podProblems(pod: KubeObject): PodProblem[] {
  const status = asObject(pod.status);
  const phase = asString(status.phase);
  if (phase === 'Succeeded') return [];
  const conditions = conditionsOf(status);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (phase === 'Running' && ready?.status === 'True') return [];
  const problems: PodProblem[] = [];
  if (phase === 'Failed') {
    problems.push({ reason: asString(status.reason) || 'Failed', message: asString(status.message) });
  }
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  // The scheduler's verdict: `0/3 nodes are available: 3 Insufficient cpu.`
  if (scheduled?.status === 'False') problems.push(conditionProblem(scheduled));
  problems.push(
    ...containerProblems(status.initContainerStatuses, true),
    ...containerProblems(status.containerStatuses, false),
  );
  if (!problems.length && ready?.status === 'False') problems.push(conditionProblem(ready));
  if (!problems.length) {
    // Nothing has looked at it yet: no scheduler has placed it, no kubelet reported on it.
    problems.push({ reason: phase || 'Pending', message: scheduled ? '' : 'not scheduled yet' });
  }
  return problems;
}

/** `Pending`, `Running`, `Terminating`…: the pod's phase as `kubectl get pods` shows it. */
export function podPhase(pod: KubeObject): string {
  if ((pod.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) return 'Terminating';
  return asString(asObject(pod.status).phase) || 'Unknown';
}

/** One container's restarts, for a soak that watches them rise. */
export interface ContainerRestarts {
  container: string;
  restarts: number;
  /** The last exit, when the container restarted: `OOMKilled (exit code 137)`. */
  lastExit?: string;
  /** When that exit happened. */
  finishedAt?: string;
  /** The container is stopped now (the kubelet restarts it next): `OOMKilled (exit code 137)`. */
  exited?: string;
  exitedAt?: string;
}

/** Every container of the pod (init containers too) with its restart count. */
export function containerRestarts(pod: KubeObject): ContainerRestarts[] {
  const status = asObject(pod.status);
  return [...asArray(status.initContainerStatuses), ...asArray(status.containerStatuses)].map((raw) => {
    const c = asObject(raw);
    const last = asObject(asObject(c.lastState).terminated);
    const now = asObject(asObject(c.state).terminated);
    const exit = (t: Json) => `${asString(t.reason) || 'Exited'} (exit code ${asNumber(t.exitCode) ?? '?'})`;
    const finishedAt = asString(last.finishedAt);
    const exitedAt = asString(now.finishedAt);
    return {
      container: asString(c.name),
      restarts: asNumber(c.restartCount) ?? 0,
      ...(asString(last.reason) ? { lastExit: exit(last) } : {}),
      ...(finishedAt ? { finishedAt } : {}),
      ...(Object.keys(now).length ? { exited: exit(now) } : {}),
      ...(exitedAt ? { exitedAt } : {}),
    };
  });
}

/** The pod's owners by uid (a Deployment's pods belong to a ReplicaSet, a Job's to the Job). */
export function ownerUids(obj: KubeObject): string[] {
  const refs = asArray((obj.metadata as { ownerReferences?: unknown }).ownerReferences);
  return refs.map((r) => asString(asObject(r).uid)).filter(Boolean);
}

/** An annotation's value, when it is a string. */
export function annotationOf(obj: KubeObject, name: string): string | undefined {
  const value = asObject((obj.metadata as { annotations?: unknown }).annotations)[name];
  return typeof value === 'string' ? value : undefined;
}

// The soak's judgement (`stable-for`): a pure function of what the watches see now against what they saw when
// the soak began. An object going not Ready (Ready=False or Stalled; a reconcile in progress, Ready=Unknown, is
// normal), a workload losing availability, or a container's restart count rising breaks it. No clock read
// here: the time of a change is the one the object records, else the caller's.
import { findCondition } from '../flux/conditions.js';
import type { FluxObject } from '../flux/types.js';
import type { WorkloadKind } from '../flux/workload-scope.js';
import type { KubeObject } from '../kube/api.js';
import { containerRestarts, type StatusCondition, workloadState } from '../kube/workload-state.js';

export interface SoakSubjects {
  /** The Flux objects that ended Ready, as last seen. */
  objects: Array<{ key: string; title: string; obj: FluxObject }>;
  /** Their workloads as last seen (undefined: gone), with the pods of their version. */
  workloads: Array<{ key: string; title: string; kind: WorkloadKind; obj?: KubeObject; pods: KubeObject[] }>;
}

/** What the soak compares against: each workload's availability and each container's restarts at its start. */
export interface SoakBaseline {
  available: ReadonlyMap<string, number>;
  restarts: ReadonlyMap<string, number>;
  /** Containers already stopped when first seen. */
  exited: ReadonlySet<string>;
}

/** What broke the soak: the result it is about, in words, and when the cluster says it happened. */
export interface SoakChange {
  subject: string;
  /** `NotReadyDuringSoak`, `UnavailableDuringSoak`, `RestartedDuringSoak`, `DeletedDuringSoak`. */
  reason: string;
  what: string;
  at?: string;
}

const AVAILABLE_FIELD: Record<WorkloadKind, string | undefined> = {
  Deployment: 'availableReplicas',
  StatefulSet: 'availableReplicas',
  DaemonSet: 'numberAvailable',
  // A Job that completed has nothing left to run.
  Job: undefined,
};

function available(kind: WorkloadKind, obj: KubeObject): number | undefined {
  const field = AVAILABLE_FIELD[kind];
  if (!field) return undefined;
  const value = obj.status?.[field];
  return typeof value === 'number' ? value : 0;
}

const restartKey = (workload: string, pod: string, container: string) => `${workload}\n${pod}\n${container}`;

/**
 * What the soak compares against: the counts at its start, and those of a workload, pod or container first
 * seen since (a pod that replaced another starts from its own count), each kept from when first seen.
 */
export function soakBaseline(subjects: SoakSubjects, previous?: SoakBaseline): SoakBaseline {
  const availableSeen = new Map(previous?.available);
  const restarts = new Map(previous?.restarts);
  const exited = new Set(previous?.exited);
  for (const w of subjects.workloads) {
    const count = w.obj ? available(w.kind, w.obj) : undefined;
    if (count !== undefined && !availableSeen.has(w.key)) availableSeen.set(w.key, count);
    for (const pod of w.pods) {
      for (const c of containerRestarts(pod)) {
        const key = restartKey(w.key, pod.metadata.name, c.container);
        if (restarts.has(key)) continue;
        restarts.set(key, c.restarts);
        if (c.exited) exited.add(key);
      }
    }
  }
  return { available: availableSeen, restarts, exited };
}

/** The first change that breaks the soak, or undefined while everything holds. */
export function soakChange(baseline: SoakBaseline, subjects: SoakSubjects): SoakChange | undefined {
  for (const { key, title, obj } of subjects.objects) {
    const change = objectChange(obj);
    if (change) return { subject: key, ...change, what: `${title} ${change.what}` };
  }
  for (const w of subjects.workloads) {
    const change = workloadChange(baseline, w);
    if (change) return { subject: w.key, ...change, what: `${w.title} ${change.what}` };
  }
  return undefined;
}

type Change = Omit<SoakChange, 'subject'>;

function objectChange(obj: FluxObject): Change | undefined {
  if (obj.metadata.deletionTimestamp)
    return { reason: 'DeletedDuringSoak', what: 'is being deleted', at: obj.metadata.deletionTimestamp };
  const stalled = findCondition(obj, 'Stalled');
  const ready = findCondition(obj, 'Ready');
  const speaking = stalled?.status === 'True' ? stalled : ready?.status === 'False' ? ready : undefined;
  if (!speaking) return undefined;
  const said = [speaking.reason, speaking.message].filter(Boolean).join(': ');
  return {
    reason: 'NotReadyDuringSoak',
    what: `went not Ready${said ? ` (${said})` : ''}`,
    ...(speaking.lastTransitionTime ? { at: speaking.lastTransitionTime } : {}),
  };
}

function workloadChange(baseline: SoakBaseline, w: SoakSubjects['workloads'][number]): Change | undefined {
  if (!w.obj) return { reason: 'DeletedDuringSoak', what: 'was deleted' };
  // A pod's own change first: its container stopping is the cause, the workload's availability the symptom.
  return podChange(baseline, w) ?? availabilityChange(baseline, w, w.obj);
}

/** A container restarted (its count rose) or stopped (the kubelet restarts it next). A Job's pods end by design. */
function podChange(baseline: SoakBaseline, w: SoakSubjects['workloads'][number]): Change | undefined {
  if (w.kind === 'Job') return undefined;
  for (const pod of w.pods) {
    for (const c of containerRestarts(pod)) {
      const key = restartKey(w.key, pod.metadata.name, c.container);
      const was = baseline.restarts.get(key) ?? 0;
      const where = `container ${c.container} of pod ${pod.metadata.name}`;
      if (c.restarts > was) {
        const exit = c.lastExit ? `; last exit ${c.lastExit}` : '';
        return {
          reason: 'RestartedDuringSoak',
          what: `restarted: ${where} (restart count ${was} → ${c.restarts}${exit})`,
          ...(c.finishedAt ? { at: c.finishedAt } : {}),
        };
      }
      if (c.exited && !baseline.exited.has(key)) {
        return {
          reason: 'RestartedDuringSoak',
          what: `restarted: ${where} exited: ${c.exited}`,
          ...(c.exitedAt ? { at: c.exitedAt } : {}),
        };
      }
    }
  }
  return undefined;
}

function availabilityChange(
  baseline: SoakBaseline,
  w: SoakSubjects['workloads'][number],
  obj: KubeObject,
): Change | undefined {
  const before = baseline.available.get(w.key);
  const now = available(w.kind, obj);
  const state = workloadState(w.kind, obj);
  if (before === undefined || now === undefined || now >= Math.min(before, state.desired)) return undefined;
  const condition = availableCondition(state.conditions);
  const said = condition ? ` (${[condition.reason, condition.message].filter(Boolean).join(': ')})` : '';
  return {
    reason: 'UnavailableDuringSoak',
    what: `lost availability: ${now}/${state.desired} available, ${before} when the soak began${said}`,
    ...(condition?.lastTransitionTime ? { at: condition.lastTransitionTime } : {}),
  };
}

function availableCondition(conditions: readonly StatusCondition[]): StatusCondition | undefined {
  return conditions.find((c) => c.type === 'Available' && c.status === 'False') ?? conditions[0];
}

// The report's reads for objects whose health check or Helm wait did not end well: which workloads are not
// ready, their conditions, their pods' reasons and their recent Warning events — what a person would gather
// with `kubectl describe` by hand. Bounded (a few objects, workloads and pods), within a time budget, and
// best effort: a read that fails or is forbidden becomes a note, never the step's failure.
import { refKey } from '../flux/refs.js';
import type { KubeEvent } from '../flux/types.js';
import {
  WORKLOAD_KIND_NAMES,
  WORKLOAD_KINDS,
  type WorkloadRef,
  type WorkloadScope,
} from '../flux/workload-scope.js';
import type { ClusterApi, ResourceType } from '../kube/api.js';
import {
  type PodProblem,
  podPhase,
  podProblems,
  type WorkloadState,
  workloadState,
} from '../kube/workload-state.js';
import type { ObjectResult, RunResult } from '../reconcile/types.js';
import { errorText } from './collect.js';
import { Reads } from './reads.js';

export interface PodFinding {
  name: string;
  phase: string;
  problems: PodProblem[];
  /** Its Warning events, newest first. */
  events: KubeEvent[];
}

export interface WorkloadFinding {
  ref: WorkloadRef;
  /** Absent when the workload could not be read (then `error` says why). */
  state?: WorkloadState;
  /** Pods that are not ready, newest first, at most MAX_PODS. */
  pods: PodFinding[];
  /** Pods not ready beyond those shown. */
  morePods: number;
  /** The workload's own Warning events, newest first. */
  events: KubeEvent[];
  /** What could not be read about it, one line each. */
  notes: string[];
  error?: string;
}

/** What the report found about one object's workloads. */
export interface WorkloadReport {
  findings: WorkloadFinding[];
  /** What was left out, and why, one line each. */
  notes: string[];
}

/** By the refKey of the Flux object whose check waited on them. */
export type WorkloadReports = Map<string, WorkloadReport>;

export interface WorkloadReadOptions {
  /** Ends the reads: what is not read by then is left out with a note. */
  signal?: AbortSignal;
}

const MAX_OBJECTS = 5;
const MAX_WORKLOADS = 3;
// Workloads read to find the unready ones besides those the controller's message names.
const MAX_CANDIDATES = 12;
const MAX_LISTED = 50;
const MAX_POD_LIST = 100;
const MAX_PODS = 3;

const POD: ResourceType = { apiVersion: 'v1', plural: 'pods' };

const describeWorkload = (ref: WorkloadRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;

async function podFindings(
  reads: Reads,
  ref: WorkloadRef,
  selector: string,
): Promise<{ pods: PodFinding[]; more: number }> {
  const listed = await reads.list(POD, ref.namespace, selector, MAX_POD_LIST);
  const unready = listed
    .map((pod) => ({ pod, problems: podProblems(pod) }))
    .filter((p) => p.problems.length)
    .sort((a, b) =>
      (b.pod.metadata.creationTimestamp ?? '').localeCompare(a.pod.metadata.creationTimestamp ?? ''),
    );
  const shown = unready.slice(0, MAX_PODS);
  const pods = await Promise.all(
    shown.map(async ({ pod, problems }) => {
      const podRef = { kind: 'Pod', namespace: ref.namespace, name: pod.metadata.name };
      // A pod's events add the image or probe it failed on; without them its status still speaks.
      const events = await reads.warnings(podRef).catch(() => []);
      return { name: pod.metadata.name, phase: podPhase(pod), problems, events };
    }),
  );
  return { pods, more: unready.length - shown.length };
}

/** One workload: its state, its unready pods and the Warning events of both. */
async function explainWorkload(reads: Reads, ref: WorkloadRef): Promise<WorkloadFinding> {
  const finding: WorkloadFinding = { ref, pods: [], morePods: 0, events: [], notes: [] };
  try {
    const obj = await reads.resource(WORKLOAD_KINDS[ref.kind], ref.namespace, ref.name);
    if (!obj) return { ...finding, error: 'not found' };
    finding.state = workloadState(ref.kind, obj);
  } catch (error) {
    return { ...finding, error: errorText(error) };
  }
  const selector = finding.state.podSelector;
  const [pods, events] = await Promise.allSettled([
    selector ? podFindings(reads, ref, selector) : Promise.resolve({ pods: [], more: 0 }),
    reads.warnings({ kind: ref.kind, namespace: ref.namespace, name: ref.name }),
  ]);
  if (pods.status === 'fulfilled') {
    finding.pods = pods.value.pods;
    finding.morePods = pods.value.more;
  } else finding.notes.push(`pods: ${errorText(pods.reason)}`);
  if (events.status === 'fulfilled') finding.events = events.value;
  else finding.notes.push(`events: ${errorText(events.reason)}`);
  return finding;
}

/**
 * The workloads of the scope that are not ready, besides those the controller's message named: the ones it
 * applied or health-checks by name, then those carrying its labels.
 */
async function unreadyAmong(reads: Reads, scope: WorkloadScope, notes: string[]): Promise<WorkloadRef[]> {
  const found: WorkloadRef[] = [];
  const candidates = scope.candidates.slice(0, MAX_CANDIDATES);
  if (scope.candidates.length > candidates.length) {
    notes.push(`${scope.candidates.length - candidates.length} more of its workloads were not checked`);
  }
  const judged = await Promise.allSettled(
    candidates.map(async (ref) => ({
      ref,
      obj: await reads.resource(WORKLOAD_KINDS[ref.kind], ref.namespace, ref.name),
    })),
  );
  for (const j of judged) {
    if (j.status === 'rejected') notes.push(errorText(j.reason));
    else if (j.value.obj && !workloadState(j.value.ref.kind, j.value.obj).ready) found.push(j.value.ref);
  }
  const labelled = scope.labelled;
  if (labelled) {
    const lists = await Promise.allSettled(
      WORKLOAD_KIND_NAMES.map(async (kind) => ({
        kind,
        items: await reads.list(WORKLOAD_KINDS[kind], labelled.namespace, labelled.labelSelector, MAX_LISTED),
      })),
    );
    for (const l of lists) {
      if (l.status === 'rejected') notes.push(errorText(l.reason));
      else
        for (const obj of l.value.items) {
          const ref = { kind: l.value.kind, namespace: labelled.namespace, name: obj.metadata.name };
          reads.remember(WORKLOAD_KINDS[ref.kind], ref.namespace, obj);
          if (!workloadState(ref.kind, obj).ready) found.push(ref);
        }
    }
  }
  return found;
}

async function explainObject(reads: Reads, scope: WorkloadScope): Promise<WorkloadReport> {
  const notes: string[] = [];
  // A fail-fast message names only the workloads that failed; others may still be unready beside them.
  const others = scope.named.length < MAX_WORKLOADS ? await unreadyAmong(reads, scope, notes) : [];
  const wanted = [...scope.named, ...others];
  if (!wanted.length && !notes.length) {
    notes.push('no Deployment, StatefulSet, DaemonSet or Job of it is unready now');
  }
  const unique = [...new Map(wanted.map((ref) => [refKey(ref), ref])).values()];
  const shown = unique.slice(0, MAX_WORKLOADS);
  if (unique.length > shown.length) {
    notes.push(
      `${unique.length - shown.length} more not shown: ${unique.slice(MAX_WORKLOADS).map(describeWorkload).join(', ')}`,
    );
  }
  const findings = await Promise.all(shown.map((ref) => explainWorkload(reads, ref)));
  // Several failed reads say the same thing (one missing permission): say it once.
  return { findings, notes: [...new Set(notes)] };
}

/**
 * The results whose health check or wait the report explains, with what their kind says to look at; and the
 * workloads that did not roll out, each explaining itself.
 */
export function waitingOnWorkloads(run: RunResult): Array<{ result: ObjectResult; scope: WorkloadScope }> {
  const found: Array<{ result: ObjectResult; scope: WorkloadScope }> = [];
  for (const result of run.results) {
    if (result.ok || (result.outcome !== 'failed' && result.outcome !== 'timed-out')) continue;
    if (result.rollout) {
      const ref = { kind: result.rollout.workloadKind, namespace: result.namespace, name: result.name };
      // A kind that could not be listed names no workload (`*`): nothing more to read.
      if (result.name !== '*') found.push({ result, scope: { named: [ref], candidates: [] } });
      continue;
    }
    if (!result.last) continue;
    const scope = result.fluxKind.workloads?.(result.last);
    if (scope) found.push({ result, scope });
  }
  return found.slice(0, MAX_OBJECTS);
}

export async function collectWorkloads(
  api: ClusterApi,
  run: RunResult,
  options: WorkloadReadOptions = {},
): Promise<WorkloadReports> {
  const reads = new Reads(api, options.signal);
  const reports: WorkloadReports = new Map();
  await Promise.all(
    waitingOnWorkloads(run).map(async ({ result, scope }) => {
      reports.set(refKey(result), await explainObject(reads, scope));
    }),
  );
  return reports;
}

// The rollout check, a stage the run loop drives: once a Flux object is Ready, the workloads it applied are
// found (its inventory, or helm-controller's labels) and judged on every change the watches bring, until each
// runs its new version, fails in its pods' own words, or the deadline comes. What to do at each point is
// decided by the pure functions of workload-verdict.ts; this file finds, watches and keeps time.
import { formatDuration } from '../base/duration.js';
import { type ObjectRef, refKey } from '../flux/refs.js';
import {
  type AppliedWorkloads,
  WORKLOAD_KIND_NAMES,
  type WorkloadKind,
  type WorkloadRef,
} from '../flux/workload-scope.js';
import type { WorkloadsMode } from '../inputs/types.js';
import type { KubeObject } from '../kube/api.js';
import type { FluxResult, Outcome, WorkloadResult } from './types.js';
import { judgeWorkload, type WorkloadSight, type WorkloadVerdict, workloadNext } from './workload-verdict.js';
import type { WorkloadWatches } from './workload-watches.js';

export interface RolloutHooks {
  /** The workloads found for a Ready object, each judged or (checked by its controller) only watched. */
  found?(parent: ObjectRef, judged: WorkloadRef[], watchedOnly: WorkloadRef[]): void;
  finished?(result: WorkloadResult): void;
}

export interface RolloutOptions {
  mode: Exclude<WorkloadsMode, 'never'>;
  /**
   * A soak follows: keep workloads the controller checked itself, unjudged, for the soak to watch, and
   * watch every workload's pods from the start (their restart counts are what the soak compares).
   */
  soak: boolean;
  failFastGraceMs: number;
  watches: WorkloadWatches;
  /** Runs `work` after `delayMs`, unless the run ended first. */
  later(work: () => void, delayMs: number): void;
  /** A workload ended, or the last discovery did: the run may be done. */
  settled(): void;
  hooks?: RolloutHooks;
}

/** One workload the run follows. */
export interface TrackedWorkload {
  ref: WorkloadRef;
  key: string;
  parent: ObjectRef;
  /** False: its controller checked it before Ready; it is only watched (for the soak), never judged. */
  judged: boolean;
  done: boolean;
  startedAt: number;
  verdict?: WorkloadVerdict;
  /** When failures started being seen, none but failures since (a recovery resets it). */
  failedSince?: number;
  result?: WorkloadResult;
}

/** A HelmRelease's workloads, found once its namespace's workload kinds are listed. */
interface LabelledDiscovery {
  parent: FluxResult;
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

const workloadKey = (ref: WorkloadRef): string => refKey(ref);

export class Rollout {
  private readonly tracked = new Map<string, TrackedWorkload>();
  private readonly discoveries = new Set<LabelledDiscovery>();
  private stopped = false;

  constructor(private readonly options: RolloutOptions) {}

  /** Nothing left to judge: every judged workload ended and every discovery finished. */
  get settled(): boolean {
    return this.discoveries.size === 0 && [...this.tracked.values()].every((w) => w.done || !w.judged);
  }

  /** Every workload followed, judged or only watched, in the order they were found. */
  workloads(): TrackedWorkload[] {
    return [...this.tracked.values()];
  }

  /** The results of the workloads a parent applied, in the order they were found. */
  resultsOf(parent: ObjectRef): WorkloadResult[] {
    const key = refKey(parent);
    return this.workloads()
      .filter((w) => w.result && refKey(w.parent) === key)
      .map((w) => w.result!);
  }

  /** The object is Ready: its workloads are judged from now on. */
  begin(parent: FluxResult): void {
    if (this.stopped || !parent.last) return;
    const applied: AppliedWorkloads | undefined = parent.fluxKind.appliedWorkloads?.(parent.last);
    if (!applied) return;
    this.follow(parent, applied.refs);
    if (applied.labelled) {
      const discovery = { parent, ...applied.labelled };
      for (const kind of WORKLOAD_KIND_NAMES) this.options.watches.ensure(kind, discovery.namespace);
      this.discoveries.add(discovery);
      this.discover(discovery);
    }
  }

  /** Something in the namespace changed: finish discoveries and judge its workloads again. */
  changed(namespace: string): void {
    if (this.stopped) return;
    for (const discovery of this.discoveries) if (discovery.namespace === namespace) this.discover(discovery);
    for (const workload of this.tracked.values()) {
      if (workload.ref.namespace === namespace && workload.judged && !workload.done) this.judge(workload);
    }
  }

  /** What the watches see of a workload now. */
  sight(ref: WorkloadRef): WorkloadSight {
    const { watches } = this.options;
    return {
      ref,
      object: watches.get(ref.kind, ref.namespace, ref.name),
      listed: watches.listed(ref.kind, ref.namespace),
      replicaSets: ref.kind === 'Deployment' ? watches.all('ReplicaSet', ref.namespace) : [],
      pods: watches.all('Pod', ref.namespace),
    };
  }

  /** The deadline came: what is not rolled out ends timed out, with what it waited for. */
  timeOut(timeoutMs: number): void {
    for (const workload of this.tracked.values()) {
      if (workload.done || !workload.judged) continue;
      const why = workload.verdict ? waitingWords(workload.verdict) : 'nothing seen of it yet';
      const message = `Timed out after ${formatDuration(timeoutMs)} waiting for the rollout: ${why}`;
      this.finish(workload, 'timed-out', 'RolloutNotDone', message);
    }
    this.discoveries.clear();
  }

  /** The job was cancelled: nothing is judged any more. */
  cancel(): void {
    for (const workload of this.tracked.values()) {
      if (!workload.done && workload.judged)
        this.finish(workload, 'cancelled', 'Cancelled', 'the run was cancelled');
    }
    this.discoveries.clear();
    this.stopped = true;
  }

  private follow(parent: FluxResult, refs: readonly WorkloadRef[]): void {
    const judged: WorkloadRef[] = [];
    const watchedOnly: WorkloadRef[] = [];
    for (const ref of refs) {
      const key = workloadKey(ref);
      if (this.tracked.has(key)) continue;
      const checked = this.options.mode === 'auto' && !!parent.fluxKind.checksWorkload?.(parent.last!, ref);
      if (checked && !this.options.soak) continue;
      (checked ? watchedOnly : judged).push(ref);
      this.tracked.set(key, {
        ref,
        key,
        parent: toRef(parent),
        judged: !checked,
        done: false,
        startedAt: Date.now(),
      });
      this.watchFor(ref);
    }
    if (judged.length || watchedOnly.length) this.options.hooks?.found?.(toRef(parent), judged, watchedOnly);
    for (const ref of judged) this.judge(this.tracked.get(workloadKey(ref))!);
  }

  private watchFor(ref: WorkloadRef): void {
    this.options.watches.ensure(ref.kind, ref.namespace);
    if (this.options.soak) this.watchPodsFor(ref);
  }

  /**
   * The pods (and a Deployment's ReplicaSets) are read only for a workload that is not rolled out when first
   * seen: its status alone says when it is (kstatus), the pods say why not. An unchanged workload, the most
   * of a fleet-wide run, costs its namespace one list and one watch instead of three of each.
   */
  private watchPodsFor(ref: WorkloadRef): void {
    const { watches } = this.options;
    watches.ensure('Pod', ref.namespace);
    if (ref.kind === 'Deployment') watches.ensure('ReplicaSet', ref.namespace);
  }

  /** A release's workloads are known once every workload kind of its namespace is listed (or unreadable). */
  private discover(discovery: LabelledDiscovery): void {
    const { watches } = this.options;
    const { namespace, labels } = discovery;
    const known = (kind: WorkloadKind) =>
      watches.listed(kind, namespace) || !!watches.failure(kind, namespace);
    if (!WORKLOAD_KIND_NAMES.every(known)) return;
    this.discoveries.delete(discovery);
    const refs: WorkloadRef[] = [];
    for (const kind of WORKLOAD_KIND_NAMES) {
      for (const obj of watches.all(kind, namespace)) {
        if (carries(obj, labels)) refs.push({ kind, namespace, name: obj.metadata.name });
      }
    }
    this.follow(discovery.parent, refs);
    this.unreadableKinds(discovery);
    this.options.settled();
  }

  /** A workload kind that could not be listed in a release's namespace: said, as a result of its own. */
  private unreadableKinds(discovery: LabelledDiscovery): void {
    for (const kind of WORKLOAD_KIND_NAMES) {
      const failure = this.options.watches.failure(kind, discovery.namespace);
      if (!failure) continue;
      const ref = { kind, namespace: discovery.namespace, name: '*' };
      const workload: TrackedWorkload = {
        ref,
        key: workloadKey(ref),
        parent: toRef(discovery.parent),
        judged: true,
        done: false,
        startedAt: Date.now(),
      };
      this.tracked.set(workload.key, workload);
      this.finishUnreadable(workload, failure);
    }
  }

  private judge(workload: TrackedWorkload): void {
    if (workload.done) return;
    const failure = this.options.watches.failure(workload.ref.kind, workload.ref.namespace);
    if (failure) {
      this.finishUnreadable(workload, failure);
      return;
    }
    const sight = this.sight(workload.ref);
    const verdict = judgeWorkload(sight);
    // Seen and not rolled out: its pods say why (and fail it fast); a rolled-out one needs none.
    if (sight.object && verdict.state !== 'ready') this.watchPodsFor(workload.ref);
    workload.verdict = verdict;
    if (verdict.state !== 'failed') workload.failedSince = undefined;
    const now = Date.now();
    const next = workloadNext(verdict, workload.failedSince, this.options.failFastGraceMs, now);
    switch (next.do) {
      case 'finish-ready':
        this.finish(workload, 'ready', 'RolledOut', verdict.facts.counts);
        return;
      case 'finish-failed':
        if (verdict.state === 'failed') this.finish(workload, 'failed', verdict.reason, verdict.message);
        return;
      case 'wait-for-grace':
        if (workload.failedSince === undefined) {
          workload.failedSince = now;
          this.options.later(() => this.judge(workload), next.graceEndsIn);
        }
        return;
      case 'keep-watching':
        return;
    }
  }

  /**
   * Workloads that cannot be read: with `workloads: true` a failure (green must mean running); with `auto`
   * a skipped row that says so, and the run goes on as it did before workloads were judged.
   */
  private finishUnreadable(workload: TrackedWorkload, failure: string): void {
    const fix = 'grant get, list and watch on them, or set workloads: false';
    if (this.options.mode === 'always') this.finish(workload, 'failed', 'WatchFailed', `${failure} (${fix})`);
    else this.finish(workload, 'skipped', 'WatchFailed', `not judged: ${failure} (${fix})`);
  }

  private finish(workload: TrackedWorkload, outcome: Outcome, reason: string, message: string): void {
    if (workload.done) return;
    workload.done = true;
    const facts = workload.verdict?.facts ?? {
      workloadKind: workload.ref.kind,
      ready: 0,
      desired: 0,
      counts: '',
      images: [],
    };
    workload.result = {
      ...workload.ref,
      role: 'workload',
      parent: workload.parent,
      outcome,
      ok: outcome === 'ready' || outcome === 'skipped',
      durationMs: Date.now() - workload.startedAt,
      reason,
      message,
      rollout: facts,
    };
    this.options.hooks?.finished?.(workload.result);
    this.options.settled();
  }
}

function waitingWords(verdict: WorkloadVerdict): string {
  switch (verdict.state) {
    case 'progressing':
      return verdict.why;
    case 'failed':
      return `${verdict.reason}: ${verdict.message}`;
    case 'ready':
      return verdict.facts.counts;
  }
}

const toRef = (result: FluxResult): ObjectRef => ({
  kind: result.kind,
  namespace: result.namespace,
  name: result.name,
});

/** The object carries every one of these labels. */
function carries(obj: KubeObject, labels: Readonly<Record<string, string>>): boolean {
  const own = obj.metadata.labels ?? {};
  return Object.entries(labels).every(([k, v]) => own[k] === v);
}

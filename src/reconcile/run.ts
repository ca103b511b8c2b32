// Run: the effects half of the run loop. It requests each planned object when what it waits for is done,
// judges it on every change the watches bring, and ends each one with a result, under one deadline. What
// to do at each point is decided by the pure functions of steps.ts; this file patches, watches and keeps time.
import { Backoff } from '../base/backoff.js';
import { timerDelay } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import { findCondition } from '../flux/conditions.js';
import { describeRef, type ObjectRef, refKey } from '../flux/refs.js';
import { revisionMatches } from '../flux/revision.js';
import type { FluxObject, GitOrigin } from '../flux/types.js';
import type { WorkloadRef } from '../flux/workload-scope.js';
import { type CommitRelation, describeRelation } from '../git/relate.js';
import { type Command, commandSpec } from '../inputs/commands.js';
import type { VerifyUrl, WorkloadsMode } from '../inputs/types.js';
import type { ClusterApi } from '../kube/api.js';
import { AfterReady, type AfterReadyHooks } from './after-ready.js';
import { evaluate, readyBeforeRequest, type VerdictInput } from './evaluate.js';
import { childRefs, notFollowedElsewhere, readChildren, type UnreadableChild } from './follow.js';
import { currentArtifact } from './learn.js';
import { type Child, type Plan, type PlannedObject, planChildren, treeTooLargeMessage } from './plan.js';
import { newRequestToken, type RequestKind, reconcilePatch } from './request.js';
import {
  dependencyFailedEnding,
  type Ending,
  expectedRevisions,
  failedEnding,
  heldFailureAfter,
  type Learned,
  learnedSourceRevision,
  newest,
  nextAfter,
  resultOf,
  type Step,
  startOf,
  supersededEnding,
  timeoutEnding,
  unblocked,
  waitedOnAfter,
} from './steps.js';
import type { ObjectResult, RunResult, Verdict } from './types.js';
import { WatchScopes } from './watch-scopes.js';
import type { WorkloadVerdict } from './workload-verdict.js';

export interface RunOptions {
  command: Command;
  /** The revision the user expects (empty: none). */
  revision: string;
  /** The `timeout` input, for messages; the run ends at `deadlineAt` (epoch ms), else this long after it starts. */
  timeoutMs: number;
  deadlineAt?: number;
  /** How long a failure may be mended by a retry: 0 fails at once, Infinity never fails (keeps waiting). */
  failFastGraceMs: number;
  force: boolean;
  reset: boolean;
  /** Add the Flux objects a Ready object applied (its inventory) to the run, recursively. */
  follow: boolean;
  /** The most objects the run may hold, children included (`max-objects`); default: no bound. */
  maxObjects?: number;
  /**
   * How a commit a source fetched relates to the expected one (git checkout, GitHub API); absent: never
   * asked. `signal` aborts when the run ends: a lookup (a slow git fetch) never outlives the run.
   */
  relate?: (origin: GitOrigin, expected: string, signal: AbortSignal) => Promise<CommitRelation>;
  heartbeatMs?: number;
  hooks?: RunHooks;
  /** Aborts when the job is cancelled: what is not done yet ends `cancelled`, and the run returns. */
  signal?: AbortSignal;
  /** Judge the workloads each Ready object applied (only for a command that judges workloads); default never. */
  workloads?: WorkloadsMode;
  /** Once all is Ready and rolled out, hold it this long (0: no soak). */
  stableForMs?: number;
  /** Asked once all is Ready and rolled out, and during the soak. */
  verifyUrls?: readonly VerifyUrl[];
}

/** What the run tells the live log; the run itself prints nothing. */
export interface RunHooks extends AfterReadyHooks {
  requested?(planned: PlannedObject, request: RequestKind): void;
  /** An object, or a workload one applied, ended. */
  finished?(result: ObjectResult): void;
  heartbeat?(waiting: Array<{ planned: PlannedObject; verdict?: Verdict; elapsedMs: number }>): void;
  /** Workloads still rolling out, as often as the heartbeat. */
  rollingOut?(waiting: Array<{ ref: WorkloadRef; verdict?: WorkloadVerdict; elapsedMs: number }>): void;
  /** A failure seen while `fail-fast` grants a grace period: a retry may still mend it. */
  failing?(planned: PlannedObject, verdict: Verdict, graceMs: number): void;
  /** Children found in a Ready object's inventory and added to the run. */
  followed?(parent: PlannedObject, children: PlannedObject[]): void;
  /** Something a person should know while waiting (why a newer commit cannot be checked, say). */
  note?(message: string): void;
  debug?(message: string): void;
}

const MAX_SOURCE_RETRY_DELAY_MS = 30_000;

const CANCELLED: Ending = {
  outcome: 'cancelled',
  ok: false,
  reason: 'Cancelled',
  message: 'the job was cancelled before this object was done',
};

export function runPlan(api: ClusterApi, plan: Plan, options: RunOptions): Promise<RunResult> {
  return new RunLoop(api, plan, options).run();
}

class RunLoop {
  private readonly startedAt = Date.now();
  private readonly deadline: number;
  private readonly hooks: RunHooks;
  private readonly steps: Map<string, Step>;
  private readonly watching = new AbortController();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** The Flux kinds' watches: cluster-wide where the credentials allow, else per namespace. */
  private readonly scopes: WatchScopes;
  /** The workloads' watches (Deployments, Pods...), one per kind and namespace, ended with the run. */
  private readonly workloadWatches = new Map<string, Promise<void>>();
  /** Inventories being read: the run is not done while children may still join it. */
  private discovering = 0;
  /** Expected revisions → newer revisions known to contain them. */
  private readonly containing = new Map<string, string[]>();
  /** Relations asked, by `url expected fetched`: each pair is asked once. */
  private readonly relationsAsked = new Set<string>();
  private allDone: () => void = () => {};
  private cancelled = false;
  /** The checks after Ready: workloads, then the URLs and the soak. */
  private readonly after: AfterReady;
  private verifying = false;

  constructor(
    private readonly api: ClusterApi,
    private readonly plan: Plan,
    private readonly options: RunOptions,
  ) {
    this.deadline = options.deadlineAt ?? this.startedAt + options.timeoutMs;
    this.hooks = options.hooks ?? {};
    this.steps = new Map(
      plan.objects.map((planned) => [planned.key, { planned, phase: 'blocked', latest: planned.initial }]),
    );
    this.scopes = new WatchScopes(api, this.watching.signal, {
      onObject: (obj, kind) => this.onObject(obj, kind.kind),
      onFailed: (kind, namespace, message) => this.watchFailed(kind.kind, namespace, message),
      debug: (message) => this.hooks.debug?.(message),
    });
    const checks = commandSpec(options.command).judgesWorkloads;
    this.after = new AfterReady({
      api,
      registry: this.workloadWatches,
      signal: this.watching.signal,
      workloads: checks ? (options.workloads ?? 'never') : 'never',
      stableForMs: checks ? (options.stableForMs ?? 0) : 0,
      urls: checks ? (options.verifyUrls ?? []) : [],
      failFastGraceMs: options.failFastGraceMs,
      deadline: this.deadline,
      timeoutMs: options.timeoutMs,
      readyObjects: () =>
        [...this.steps.values()]
          .filter((s) => s.result?.outcome === 'ready')
          .map((s) => ({ ref: s.planned.ref, obj: s.latest })),
      later: (work, delayMs) => this.later(work, delayMs),
      settled: () => this.checkDone(),
      hooks: this.hooks,
    });
  }

  async run(): Promise<RunResult> {
    const finished = new Promise<void>((resolve) => {
      this.allDone = resolve;
    });
    const cancel = () => this.cancelAll();
    this.options.signal?.addEventListener('abort', cancel, { once: true });
    this.prepareWatches(this.plan.objects);
    this.later(() => this.timeOutAll(), Math.max(0, this.deadline - Date.now()));
    const heartbeat = setInterval(() => this.heartbeat(), this.options.heartbeatMs ?? 15_000);
    if (this.steps.size === 0) this.allDone();
    else if (this.options.signal?.aborted) this.cancelAll();
    else this.startUnblocked();
    await finished;
    this.options.signal?.removeEventListener('abort', cancel);
    clearInterval(heartbeat);
    for (const timer of this.timers) clearTimeout(timer);
    this.watching.abort();
    await this.scopes.closed();
    await Promise.allSettled(this.workloadWatches.values());
    // In run order: the plan's objects, then each child after the object that applied it was done; each
    // object's workloads right after it.
    const results = [...this.steps.values()].flatMap((s): ObjectResult[] => [
      s.result!,
      ...this.after.resultsOf(s.planned.ref),
    ]);
    const { probes, ending } = this.after;
    return {
      command: this.options.command,
      ready: results.every((r) => r.ok) && this.after.ok,
      results,
      durationMs: Date.now() - this.startedAt,
      expectedRevision: this.options.revision || undefined,
      ...(probes.length ? { probes } : {}),
      ...(ending ? { soak: ending.record } : {}),
    };
  }

  private later(work: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, timerDelay(delayMs));
    this.timers.add(timer);
  }

  private finish(step: Step, given: Ending): void {
    if (step.phase === 'done') return;
    const following = given.outcome === 'ready' && this.options.follow;
    const ending = (following && this.treeTooLarge(step)) || given;
    step.phase = 'done';
    if (following) step.note = remoteChildrenNote(step);
    step.result = resultOf(step, ending, this.options.revision, Date.now());
    this.hooks.finished?.(step.result);
    this.releaseScope(step.planned);
    if (ending.outcome === 'ready') this.after.begin(step.result);
    if (following && ending.ok) this.discover(step);
    this.startUnblocked();
    this.checkDone();
  }

  /** A Ready parent whose children would take the run past `max-objects` fails, and none of them joins. */
  private treeTooLarge(step: Step): Ending | undefined {
    const max = this.options.maxObjects;
    if (max === undefined) return undefined;
    const children = childRefs(step.planned.kind, step.latest, (key) => this.steps.has(key)).length;
    if (this.steps.size + children <= max) return undefined;
    const message = treeTooLargeMessage(
      this.steps.size + children,
      max,
      `${this.steps.size} in the run, ${children} more in its inventory`,
    );
    return { outcome: 'failed', ok: false, reason: 'TreeTooLarge', message };
  }

  /**
   * No object of its scope is requested or judged anymore: a per-namespace stream may close — unless a
   * soak will watch the Ready objects for a change.
   */
  private releaseScope(planned: PlannedObject): void {
    if (this.after.soaks) return;
    const busy = [...this.steps.values()].some(
      (s) =>
        (s.phase === 'active' || s.phase === 'requesting') &&
        s.planned.kind === planned.kind &&
        s.planned.ref.namespace === planned.ref.namespace,
    );
    if (!busy) this.scopes.release(planned.kind, planned.ref.namespace);
  }

  /** Every object done and every workload rolled out: then the URLs and the soak, once, and the run ends. */
  private checkDone(): void {
    const objectsDone = this.discovering === 0 && [...this.steps.values()].every((s) => s.phase === 'done');
    if (!objectsDone || !this.after.rolledOut || this.verifying) return;
    this.verifying = true;
    const allOk = [...this.steps.values()].every(
      (s) => s.result?.ok && this.after.resultsOf(s.planned.ref).every((w) => w.ok),
    );
    if (this.cancelled || !allOk) {
      this.allDone();
      return;
    }
    void this.after
      .verify()
      .then(() => this.after.applyBreak((key) => this.steps.get(key)?.result))
      .catch((error: unknown) => this.hooks.debug?.(`checks after Ready: ${errorMessage(error)}`))
      .finally(() => this.allDone());
  }

  /** Reads the Flux objects in a Ready object's inventory and adds the new ones to the run. */
  private discover(parent: Step): void {
    const refs = childRefs(parent.planned.kind, parent.latest, (key) => this.steps.has(key));
    if (refs.length === 0 || Date.now() >= this.deadline) return;
    this.discovering += 1;
    void readChildren(this.api, refs)
      .then(({ children, unreadable }) => this.addChildren(parent, children, unreadable))
      .catch((error: unknown) =>
        this.hooks.debug?.(`following ${describeRef(parent.planned.ref)}: ${errorMessage(error)}`),
      )
      .finally(() => {
        this.discovering -= 1;
        this.checkDone();
      });
  }

  private addChildren(parent: Step, children: Child[], unreadable: UnreadableChild[]): void {
    if (this.cancelled || this.steps.get(parent.planned.key)?.phase !== 'done') return;
    const known = new Map([...this.steps.values()].map((s) => [s.planned.key, s.planned]));
    let planned: PlannedObject[] = [];
    let cycle: string | undefined;
    try {
      planned = planChildren(known, parent.planned, children);
    } catch (error) {
      cycle = errorMessage(error);
      planned = planChildren(
        known,
        parent.planned,
        children.map((c) => ({ ...c, obj: withoutDependencies(c.obj) })),
      );
    }
    for (const p of planned) this.steps.set(p.key, { planned: p, phase: 'blocked', latest: p.initial });
    const failures = unreadable.map((u) => this.unreadableStep(parent, u));
    if (planned.length) this.hooks.followed?.(parent.planned, planned);
    this.prepareWatches(planned);
    for (const { step, message } of failures)
      this.finish(step, { outcome: 'failed', ok: false, reason: 'AccessDenied', message });
    if (cycle)
      for (const p of planned)
        this.finish(this.steps.get(p.key)!, {
          outcome: 'failed',
          ok: false,
          reason: 'DependencyCycle',
          message: cycle,
        });
    this.startUnblocked();
  }

  private unreadableStep(parent: Step, child: UnreadableChild): { step: Step; message: string } {
    const initial: FluxObject = { metadata: { name: child.ref.name, namespace: child.ref.namespace } };
    const planned: PlannedObject = {
      ref: child.ref,
      key: refKey(child.ref),
      kind: child.kind,
      initial,
      role: 'child',
      parent: parent.planned.ref,
      expectsRevision: false,
      after: [],
    };
    const step: Step = { planned, phase: 'blocked', latest: initial };
    this.steps.set(planned.key, step);
    return { step, message: child.message };
  }

  /** What the verdict on a step is judged from: its latest state, our request, the expected revisions. */
  private verdictInput(step: Step): VerdictInput {
    const { planned } = step;
    return {
      obj: step.latest,
      kind: planned.kind,
      token: step.token,
      expectedRevisions: expectedRevisions(step, this.steps, this.options.revision),
      failFast: this.options.failFastGraceMs !== Number.POSITIVE_INFINITY,
      containing: this.containing,
      mustHandleRequest: planned.kind.forceAndReset && (this.options.force || this.options.reset),
      readyAtRequest: step.readyAtRequest,
      sourceRevision: learnedSourceRevision(step),
      heldFailure: step.heldFailure,
    };
  }

  /** Ready at the expected revision before anything is asked, unless the request itself is the point. */
  private readyAlready(step: Step): boolean {
    const input = this.verdictInput(step);
    return !input.mustHandleRequest && readyBeforeRequest(input);
  }

  private judge(step: Step): void {
    if (step.phase !== 'active') return;
    const verdict = evaluate(this.verdictInput(step));
    step.verdict = verdict;
    step.heldFailure = heldFailureAfter(step, verdict);
    step.waitedOn = waitedOnAfter(step, verdict);
    const now = Date.now();
    const next = nextAfter(
      step,
      verdict,
      { command: this.options.command, failFastGraceMs: this.options.failFastGraceMs },
      now,
    );
    switch (next.do) {
      case 'finish':
        this.finish(step, next.ending);
        return;
      case 'wait-for-grace':
        step.lastFailure = verdict;
        if (step.failedSince === undefined) {
          step.failedSince = now;
          this.hooks.failing?.(step.planned, verdict, next.graceEndsIn);
          this.later(() => this.graceEnded(step), next.graceEndsIn);
        }
        return;
      case 'ask-source-again':
        if (verdict.state === 'waiting' && verdict.waiting.for === 'revision') {
          this.relateFetched(step, verdict.waiting.revision);
        }
        this.askSourceAgain(step);
        return;
      case 'learn':
        this.learn(step, next.key, next.ref);
        return;
      case 'keep-watching':
        return;
    }
  }

  /** Reads another object's current artifact for a wait that needs it, then judges the step again. */
  private learn(step: Step, key: string, ref: ObjectRef): void {
    step.learning = true;
    void currentArtifact(this.api, ref, this.steps.get(refKey(ref))?.latest)
      .then((artifact) => {
        step.learned = { key, ref, ...artifact };
        if (key.startsWith('superseded')) this.superseded(step, step.learned);
      })
      .catch((error: unknown) => {
        step.learned = { key, ref };
        this.hooks.debug?.(`reading ${describeRef(ref)}: ${errorMessage(error)}`);
      })
      .finally(() => {
        step.learning = false;
        this.judge(step);
      });
  }

  /**
   * A canceled health check (Flux 2.7+), judged like a newer commit: the revision that superseded it must
   * contain the expected one, or the expected one is never applied.
   */
  private superseded(step: Step, learned: Learned): void {
    const by = learned.revision
      ? `superseded by ${learned.revision}`
      : `superseded by a change to ${describeRef(learned.ref)}`;
    step.waitedOn = by;
    this.hooks.note?.(`${describeRef(step.planned.ref)}: health check canceled, ${by}`);
    const expected = this.options.revision;
    const candidates = learned.candidates ?? [];
    if (!expected || !step.planned.expectsRevision || !learned.origin) return;
    if (revisionMatches(candidates, expected)) return;
    this.relateFetched(step, expected, learned.origin, by);
  }

  /** No retry mended the failure within the grace period: the first failure's words are the verdict. */
  private graceEnded(step: Step): void {
    if (step.phase !== 'active' || !step.lastFailure) return;
    this.finish(step, failedEnding(step.lastFailure));
  }

  // A source that handled our request but fetched another commit than `revision` may have been asked a
  // moment before the commit reached its remote: ask again, less and less often, until the deadline.
  private askSourceAgain(step: Step): void {
    step.askAgain ??= new Backoff({ initialMs: 2_000, maxMs: MAX_SOURCE_RETRY_DELAY_MS });
    step.askingAgain = true;
    const delay = step.askAgain.next();
    this.later(() => {
      if (step.phase !== 'active') return;
      this.requestReconcile(step, 'ask-again')
        .catch((error: unknown) =>
          this.hooks.debug?.(`asking ${describeRef(step.planned.ref)} again: ${errorMessage(error)}`),
        )
        .finally(() => {
          step.askingAgain = false;
          this.judge(step);
        });
    }, delay);
  }

  /**
   * A source at another commit than the expected one: if that commit contains the expected one, the
   * source (and what applies from it) has reached it; if history was rewritten, it never will.
   */
  private relateFetched(
    step: Step,
    expected: string,
    origin = step.planned.kind.gitOrigin?.(step.latest),
    supersededBy?: string,
  ): void {
    const relate = this.options.relate;
    if (!origin || !relate || expected !== this.options.revision) return;
    const asked = `${origin.url} ${expected} ${origin.revision}`;
    if (this.relationsAsked.has(asked)) return;
    this.relationsAsked.add(asked);
    void relate(origin, expected, this.watching.signal).then((relation) => {
      // The run is over: what the lookup found (if anything) comes too late to say.
      if (this.watching.signal.aborted) return;
      const words = describeRelation(relation, expected, origin.revision);
      const title = describeRef(step.planned.ref);
      switch (relation.relation) {
        case 'same':
        case 'contains':
          this.containing.set(expected, [...(this.containing.get(expected) ?? []), origin.revision]);
          step.revisionNote = words;
          for (const other of this.steps.values()) this.judge(other);
          return;
        case 'diverged':
          this.finish(
            step,
            supersededBy
              ? supersededEnding(step, supersededBy, words)
              : { outcome: 'failed', ok: false, reason: 'HistoryRewritten', message: words },
          );
          return;
        case 'behind':
          this.hooks.debug?.(`${title}: ${words}`);
          return;
        case 'unknown':
          step.waitedOn = `revision ${expected}: ${words}`;
          this.hooks.note?.(`${title}: ${words}`);
          return;
      }
    });
  }

  /** Merge-patches the object (the client retries transient errors until the deadline) and keeps the result. */
  private async patchObject(step: Step, patch: object, request: RequestKind): Promise<void> {
    const { kind, ref } = step.planned;
    const patched = await this.api.mergePatch(kind, ref.namespace, ref.name, patch);
    this.hooks.requested?.(step.planned, request);
    step.latest = newest(step.latest, patched);
  }

  /** Writes a new request token (resuming too, when asked). */
  private async requestReconcile(step: Step, request: RequestKind): Promise<void> {
    const token = newRequestToken();
    const command = request === 'resume' ? 'resume' : this.options.command;
    const patch = reconcilePatch(step.planned.kind, token, { ...this.options, command });
    await this.patchObject(step, patch, request);
    step.token = token;
    step.readyAtRequest = findCondition(step.latest, 'Ready');
  }

  private async activate(step: Step): Promise<void> {
    const { planned } = step;
    const watchFailure = this.scopes.failure(planned.kind, planned.ref.namespace);
    if (watchFailure) {
      this.finish(step, { outcome: 'failed', ok: false, reason: 'WatchFailed', message: watchFailure });
      return;
    }
    // Past the deadline nothing more is asked of the cluster: the step ends with the others, timed out.
    if (Date.now() >= this.deadline) {
      this.timeOutAll();
      return;
    }
    step.phase = 'requesting';
    step.startedAt = Date.now();
    try {
      await this.watchStep(step);
      if (step.phase !== 'requesting') return;
      const start = startOf(step, this.options.command, this.readyAlready(step));
      if (start.do === 'judge' && planned.role === 'child')
        this.hooks.debug?.(`${describeRef(planned.ref)}: nothing requested, its state is the verdict`);
      if (start.do === 'suspend') {
        await this.patchObject(step, planned.kind.suspendPatch(true), 'suspend');
        const message = 'suspended: Flux no longer reconciles it until it is resumed';
        this.finish(step, { outcome: 'suspended', ok: true, reason: 'Suspended', message });
        return;
      }
      if (start.do === 'watch') this.hooks.requested?.(planned, 'watch');
      if (start.do === 'request') {
        await this.requestReconcile(step, start.resuming ? 'resume' : 'reconcile');
      }
    } catch (error) {
      const message = errorMessage(error);
      this.finish(step, { outcome: 'failed', ok: false, reason: 'RequestFailed', message });
      return;
    }
    // The run may have ended this object while the request was in flight (its watch failed, the deadline).
    if (step.phase !== 'requesting') return;
    step.phase = 'active';
    this.judge(step);
  }

  private startUnblocked(): void {
    if (this.cancelled) return;
    for (const { step, failedDependency } of unblocked(this.steps)) {
      // Starting one step can end it at once (a gate on an object already Ready) and start others, which
      // this list still holds: each is started once.
      if (step.phase !== 'blocked') continue;
      if (failedDependency) {
        step.waitedOn = describeRef(failedDependency.planned.ref);
        this.finish(step, dependencyFailedEnding(failedDependency));
      } else void this.activate(step);
    }
  }

  private onObject(obj: FluxObject, kind: string): void {
    const step = this.steps.get(
      refKey({ kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name }),
    );
    if (!step) return;
    step.latest = newest(step.latest, obj);
    this.judge(step);
    this.after.check();
  }

  /** Each kind of these objects is watched in every namespace when the credentials allow it. */
  private prepareWatches(objects: readonly PlannedObject[]): void {
    for (const kind of new Set(objects.map((o) => o.kind))) void this.scopes.prepare(kind);
  }

  /**
   * The step's scope is watched (now or once a stream is free). A step whose stream was closed while it
   * waited is read again, so that it is not judged on what it was when planned.
   */
  private async watchStep(step: Step): Promise<void> {
    const { kind, ref } = step.planned;
    await this.scopes.need(kind, ref.namespace);
    if (this.scopes.isOpen(kind, ref.namespace)) return;
    const now = await this.api.get(kind, ref.namespace, ref.name);
    if (now) step.latest = newest(step.latest, now);
  }

  /** A watch failed for good (a 403): its objects that started fail with its words; the others when they start. */
  private watchFailed(kind: string, namespace: string | undefined, message: string): void {
    for (const step of this.steps.values()) {
      const inScope =
        step.planned.kind.kind === kind &&
        (namespace === undefined || step.planned.ref.namespace === namespace);
      if (inScope && step.phase !== 'blocked') {
        this.finish(step, { outcome: 'failed', ok: false, reason: 'WatchFailed', message });
      }
    }
  }

  private timeOutAll(): void {
    for (const step of this.steps.values()) {
      if (step.phase === 'done') continue;
      const { waitedOn, ...ending } = timeoutEnding(step, this.steps, this.options.timeoutMs);
      if (waitedOn) step.waitedOn = waitedOn;
      this.finish(step, ending);
    }
    this.after.timeOut(`the ${formatDuration(this.options.timeoutMs)} timeout ran out`);
  }

  /** The job was cancelled: nothing more is started, and what is not done ends `cancelled`. */
  private cancelAll(): void {
    this.cancelled = true;
    for (const step of this.steps.values()) {
      if (step.phase !== 'done') this.finish(step, CANCELLED);
    }
    this.after.cancel();
  }

  private heartbeat(): void {
    const waiting = [...this.steps.values()]
      .filter((s) => s.phase === 'active' || s.phase === 'requesting')
      .map((s) => ({
        planned: s.planned,
        verdict: s.verdict,
        elapsedMs: Date.now() - (s.startedAt ?? this.startedAt),
      }));
    if (waiting.length > 0) this.hooks.heartbeat?.(waiting);
    const rolling = this.after.rollingOut();
    if (rolling.length > 0) this.hooks.rollingOut?.(rolling);
  }
}

/** For an object that applies to another cluster: its children there, which follow leaves alone. */
function remoteChildrenNote(step: Step): string | undefined {
  const notFollowed = notFollowedElsewhere(step.planned.kind, step.latest);
  return notFollowed && `applies to another cluster (spec.kubeConfig): ${notFollowed}`;
}

/** The object with its dependsOn dropped: children in a cycle still join the run, to fail with the cycle. */
function withoutDependencies(obj: FluxObject): FluxObject {
  return { ...obj, spec: { ...obj.spec, dependsOn: [] } };
}

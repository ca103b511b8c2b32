// Run: the effects half of the run loop. It requests each planned object when what it waits for is done,
// judges it on every change the watches bring, and ends each one with a result, under one deadline. What
// to do at each point is decided by the pure functions of steps.ts; this file patches, watches and keeps time.
import { Backoff } from '../base/backoff.js';
import { errorMessage } from '../base/error-message.js';
import { describeRef, refKey } from '../flux/refs.js';
import type { FluxObject, GitOrigin } from '../flux/types.js';
import { type CommitRelation, describeRelation } from '../git/relate.js';
import type { Command } from '../inputs/commands.js';
import type { ClusterApi } from '../kube/api.js';
import { evaluate, readyAtExpectedRevision, type VerdictInput } from './evaluate.js';
import { childRefs, readChildren, type UnreadableChild } from './follow.js';
import { type Child, type Plan, type PlannedObject, planChildren } from './plan.js';
import { newRequestToken, type RequestKind, reconcilePatch } from './request.js';
import {
  dependencyFailedEnding,
  type Ending,
  expectedRevisions,
  newest,
  nextAfter,
  resultOf,
  type Step,
  startOf,
  timeoutEnding,
  unblocked,
  waitedOnAfter,
} from './steps.js';
import type { ObjectResult, RunResult, Verdict } from './types.js';

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
  /** How a commit a source fetched relates to the expected one (git checkout, GitHub API); absent: never asked. */
  relate?: (origin: GitOrigin, expected: string) => Promise<CommitRelation>;
  heartbeatMs?: number;
  hooks?: RunHooks;
  /** Aborts when the job is cancelled: what is not done yet ends `cancelled`, and the run returns. */
  signal?: AbortSignal;
}

/** What the run tells the live log; the run itself prints nothing. */
export interface RunHooks {
  requested?(planned: PlannedObject, request: RequestKind): void;
  finished?(result: ObjectResult): void;
  heartbeat?(waiting: Array<{ planned: PlannedObject; verdict?: Verdict; elapsedMs: number }>): void;
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
  /** Watches that could not be opened, by `Kind/namespace`: their objects fail with the error. */
  private readonly failedScopes = new Map<string, string>();
  private readonly watches = new Map<string, Promise<void>>();
  /** Inventories being read: the run is not done while children may still join it. */
  private discovering = 0;
  /** Expected revisions → newer revisions known to contain them. */
  private readonly containing = new Map<string, string[]>();
  /** Relations asked, by `url expected fetched`: each pair is asked once. */
  private readonly relationsAsked = new Set<string>();
  private allDone: () => void = () => {};
  private cancelled = false;

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
  }

  async run(): Promise<RunResult> {
    const finished = new Promise<void>((resolve) => {
      this.allDone = resolve;
    });
    const cancel = () => this.cancelAll();
    this.options.signal?.addEventListener('abort', cancel, { once: true });
    this.watchScopes(this.plan.objects);
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
    await Promise.allSettled(this.watches.values());
    // In run order: the plan's objects, then each child after the object that applied it was done.
    const results = [...this.steps.values()].map((s) => s.result!);
    return {
      command: this.options.command,
      ready: results.every((r) => r.ok),
      results,
      durationMs: Date.now() - this.startedAt,
      expectedRevision: this.options.revision || undefined,
    };
  }

  private later(work: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, delayMs);
    this.timers.add(timer);
  }

  private finish(step: Step, ending: Ending): void {
    if (step.phase === 'done') return;
    step.phase = 'done';
    step.result = resultOf(step, ending, this.options.revision, Date.now());
    this.hooks.finished?.(step.result);
    if (ending.outcome === 'ready' && this.options.follow) this.discover(step);
    this.startUnblocked();
    this.checkDone();
  }

  private checkDone(): void {
    if (this.discovering === 0 && [...this.steps.values()].every((s) => s.phase === 'done')) this.allDone();
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
    this.watchScopes(planned);
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
    };
  }

  /** Ready at the expected revision before anything is asked, unless the request itself is the point. */
  private readyAlready(step: Step): boolean {
    const input = this.verdictInput(step);
    return !input.mustHandleRequest && readyAtExpectedRevision(input);
  }

  private judge(step: Step): void {
    if (step.phase !== 'active') return;
    const verdict = evaluate(this.verdictInput(step));
    step.verdict = verdict;
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
      case 'keep-watching':
        return;
    }
  }

  /** No retry mended the failure within the grace period: the first failure's words are the verdict. */
  private graceEnded(step: Step): void {
    if (step.phase !== 'active' || !step.lastFailure) return;
    const { reason, message } = step.lastFailure;
    this.finish(step, { outcome: 'failed', ok: false, reason, message });
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
  private relateFetched(step: Step, expected: string): void {
    const origin = step.planned.kind.gitOrigin?.(step.latest);
    const relate = this.options.relate;
    if (!origin || !relate || expected !== this.options.revision) return;
    const asked = `${origin.url} ${expected} ${origin.revision}`;
    if (this.relationsAsked.has(asked)) return;
    this.relationsAsked.add(asked);
    void relate(origin, expected).then((relation) => {
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
          this.finish(step, { outcome: 'failed', ok: false, reason: 'HistoryRewritten', message: words });
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
  }

  private async activate(step: Step): Promise<void> {
    const { planned } = step;
    const watchFailure = this.failedScopes.get(scopeKey(planned));
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
    const start = startOf(step, this.options.command, this.readyAlready(step));
    if (start.do === 'judge' && planned.role === 'child')
      this.hooks.debug?.(`${describeRef(planned.ref)}: nothing requested, its state is the verdict`);
    try {
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
  }

  /** One list+watch per kind and namespace, opened once. A watch ends in error only for what retrying cannot mend (a 403). */
  private watchScopes(objects: readonly PlannedObject[]): void {
    for (const { kind, ref } of objects) {
      const scope = `${kind.kind}/${ref.namespace}`;
      if (this.watches.has(scope)) continue;
      const watch = this.api
        .watch(
          kind,
          ref.namespace,
          (obj) => this.onObject(obj, kind.kind),
          this.watching.signal,
          (error) => this.hooks.debug?.(`watch ${kind.plural} in ${ref.namespace}: ${error.message}`),
        )
        .catch((error: unknown) =>
          this.watchFailed(scope, `could not watch ${kind.plural} in ${ref.namespace}`, error),
        );
      this.watches.set(scope, watch);
    }
  }

  private watchFailed(scope: string, what: string, error: unknown): void {
    const message = `${what}: ${errorMessage(error)}`;
    // Objects still waiting on their dependencies fail when they start.
    this.failedScopes.set(scope, message);
    for (const step of this.steps.values()) {
      if (scopeKey(step.planned) === scope && step.phase !== 'blocked') {
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
  }

  /** The job was cancelled: nothing more is started, and what is not done ends `cancelled`. */
  private cancelAll(): void {
    this.cancelled = true;
    for (const step of this.steps.values()) {
      if (step.phase !== 'done') this.finish(step, CANCELLED);
    }
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
  }
}

const scopeKey = (p: PlannedObject): string => `${p.kind.kind}/${p.ref.namespace}`;

/** The object with its dependsOn dropped: children in a cycle still join the run, to fail with the cycle. */
function withoutDependencies(obj: FluxObject): FluxObject {
  return { ...obj, spec: { ...obj.spec, dependsOn: [] } };
}

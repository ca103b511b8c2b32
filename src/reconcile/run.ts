// Run: the effects half of the run loop. It requests each planned object when what it waits for is done,
// judges it on every change the watches bring, and ends each one with a result, under one deadline. What
// to do at each point is decided by the pure functions of steps.ts; this file patches, watches and keeps time.
import { describeRef, refKey } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import { evaluate } from './evaluate.js';
import type { Plan, PlannedObject } from './plan.js';
import { newRequestToken, type RequestKind, reconcilePatch, SUSPEND_PATCH } from './request.js';
import { withRetry } from './retry.js';
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
import type { Command, ObjectResult, RunResult, Verdict } from './types.js';

export interface RunOptions {
  command: Command;
  /** The revision the user expects (empty: none). */
  revision: string;
  timeoutMs: number;
  /** How long a failure may be mended by a retry: 0 fails at once, Infinity never fails (keeps waiting). */
  failFastGraceMs: number;
  force: boolean;
  reset: boolean;
  heartbeatMs?: number;
  hooks?: RunHooks;
}

/** What the run tells the live log; the run itself prints nothing. */
export interface RunHooks {
  requested?(planned: PlannedObject, request: RequestKind): void;
  finished?(result: ObjectResult): void;
  heartbeat?(waiting: Array<{ planned: PlannedObject; verdict?: Verdict; elapsedMs: number }>): void;
  debug?(message: string): void;
}

const MAX_SOURCE_RETRY_DELAY_MS = 30_000;

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
  private allDone: () => void = () => {};

  constructor(
    private readonly api: ClusterApi,
    private readonly plan: Plan,
    private readonly options: RunOptions,
  ) {
    this.deadline = this.startedAt + options.timeoutMs;
    this.hooks = options.hooks ?? {};
    this.steps = new Map(
      plan.objects.map((planned) => [planned.key, { planned, phase: 'blocked', latest: planned.initial }]),
    );
  }

  async run(): Promise<RunResult> {
    const finished = new Promise<void>((resolve) => {
      this.allDone = resolve;
    });
    const watches = this.openWatches();
    this.later(() => this.timeOutAll(), Math.max(0, this.deadline - Date.now()));
    const heartbeat = setInterval(() => this.heartbeat(), this.options.heartbeatMs ?? 15_000);
    if (this.steps.size === 0) this.allDone();
    else this.startUnblocked();
    await finished;
    clearInterval(heartbeat);
    for (const timer of this.timers) clearTimeout(timer);
    this.watching.abort();
    await Promise.allSettled(watches);
    const results = this.plan.objects.map((p) => this.steps.get(p.key)!.result!);
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
    if ([...this.steps.values()].every((s) => s.phase === 'done')) this.allDone();
    else this.startUnblocked();
  }

  private judge(step: Step): void {
    if (step.phase !== 'active') return;
    const { planned } = step;
    const verdict = evaluate({
      obj: step.latest,
      kind: planned.kind,
      token: step.token,
      expectedRevisions: expectedRevisions(step, this.steps, this.options.revision),
      failFast: this.options.failFastGraceMs !== Number.POSITIVE_INFINITY,
      mustHandleRequest: planned.kind.forceAndReset && (this.options.force || this.options.reset),
    });
    step.verdict = verdict;
    step.waitedOn = waitedOnAfter(step, verdict);
    const now = Date.now();
    if (verdict.state !== 'failed') step.failedSince = undefined;
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
        if (step.failedSince === undefined) {
          step.failedSince = now;
          this.later(() => this.judge(step), next.graceEndsIn);
        }
        return;
      case 'ask-source-again':
        this.askSourceAgain(step);
        return;
      case 'keep-watching':
        return;
    }
  }

  // A source that handled our request but fetched another commit than `revision` may have been asked a
  // moment before the commit reached its remote: ask again, less and less often, until the deadline.
  private askSourceAgain(step: Step): void {
    const retries = (step.retries ?? 0) + 1;
    step.retries = retries;
    step.askingAgain = true;
    const delay = Math.min(2_000 * 2 ** (retries - 1), MAX_SOURCE_RETRY_DELAY_MS);
    this.later(() => {
      if (step.phase !== 'active') return;
      this.requestReconcile(step, 'ask-again')
        .catch((error: unknown) =>
          this.hooks.debug?.(`asking ${describeRef(step.planned.ref)} again: ${String(error)}`),
        )
        .finally(() => {
          step.askingAgain = false;
          this.judge(step);
        });
    }, delay);
  }

  /** Merge-patches the object (transient errors retried until the deadline) and keeps the result. */
  private async patchObject(step: Step, patch: object, request: RequestKind): Promise<void> {
    const { kind, ref } = step.planned;
    const patched = await withRetry(
      () => this.api.mergePatch(kind, ref.namespace, ref.name, patch),
      this.deadline,
    );
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
    step.phase = 'requesting';
    step.startedAt = Date.now();
    const start = startOf(step, this.options.command);
    try {
      if (start.do === 'suspend') {
        await this.patchObject(step, SUSPEND_PATCH, 'suspend');
        const message = 'suspended: Flux no longer reconciles it until it is resumed';
        this.finish(step, { outcome: 'suspended', ok: true, reason: 'Suspended', message });
        return;
      }
      if (start.do === 'watch') this.hooks.requested?.(planned, 'watch');
      if (start.do === 'request') {
        await this.requestReconcile(step, start.resuming ? 'resume' : 'reconcile');
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.finish(step, { outcome: 'failed', ok: false, reason: 'RequestFailed', message });
      return;
    }
    // The run may have ended this object while the request was in flight (its watch failed, the deadline).
    if (step.phase !== 'requesting') return;
    step.phase = 'active';
    this.judge(step);
  }

  private startUnblocked(): void {
    for (const { step, failedDependency } of unblocked(this.steps)) {
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

  /** One list+watch per kind and namespace. A watch ends in error only for what retrying cannot mend (a 403). */
  private openWatches(): Promise<void>[] {
    const scopes = new Map<string, PlannedObject>();
    for (const p of this.plan.objects) scopes.set(scopeKey(p), p);
    return [...scopes.entries()].map(([scope, { kind, ref }]) =>
      this.api
        .watch(
          kind,
          ref.namespace,
          (obj) => this.onObject(obj, kind.kind),
          this.watching.signal,
          (error) => this.hooks.debug?.(`watch ${kind.plural} in ${ref.namespace}: ${error.message}`),
        )
        .catch((error: unknown) => {
          const why = error instanceof Error ? error.message : String(error);
          const message = `could not watch ${kind.plural} in ${ref.namespace}: ${why}`;
          // Objects still waiting on their dependencies fail when they start.
          this.failedScopes.set(scope, message);
          for (const step of this.steps.values()) {
            if (scopeKey(step.planned) === scope && step.phase !== 'blocked') {
              this.finish(step, { outcome: 'failed', ok: false, reason: 'WatchFailed', message });
            }
          }
        }),
    );
  }

  private timeOutAll(): void {
    for (const step of this.steps.values()) {
      if (step.phase === 'done') continue;
      const { waitedOn, ...ending } = timeoutEnding(step, this.steps, this.options.timeoutMs);
      if (waitedOn) step.waitedOn = waitedOn;
      this.finish(step, ending);
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

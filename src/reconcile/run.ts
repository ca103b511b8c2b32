// Run: request each planned object when what it waits for is Ready, judge it on every change the watch
// streams bring, and end each one with a result. One deadline for the whole run.
import { formatDuration } from '../duration.js';
import { describeRef, refKey } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import { evaluate } from './evaluate.js';
import type { Plan, PlannedObject } from './plan.js';
import { newRequestToken, reconcilePatch, SUSPEND_PATCH } from './request.js';
import { withRetry } from './retry.js';
import type { Command, ObjectResult, Outcome, RunResult, Verdict } from './types.js';

const WAITS_WORTH_REPORTING = new Set(['DependencyNotReady', 'RevisionNotReached']);

export interface RunOptions {
  command: Command;
  /** The revision the user expects (empty: none). */
  revision: string;
  timeoutMs: number;
  failFast: boolean;
  force: boolean;
  reset: boolean;
  heartbeatMs?: number;
  hooks?: RunHooks;
}

/** What the run tells the live log; the run itself prints nothing. */
export interface RunHooks {
  requested?(planned: PlannedObject, what: string): void;
  finished?(result: ObjectResult): void;
  heartbeat?(waiting: Array<{ planned: PlannedObject; verdict?: Verdict; elapsedMs: number }>): void;
  debug?(message: string): void;
}

interface Step {
  planned: PlannedObject;
  /** blocked: waits for its dependencies; requesting: our patch is in flight; active: judged on every change. */
  phase: 'blocked' | 'requesting' | 'active' | 'done';
  token?: string;
  startedAt?: number;
  latest: FluxObject;
  verdict?: Verdict;
  waitedOn?: string;
  result?: ObjectResult;
  /** Requests repeated for a source that fetched another commit than the expected one. */
  retries?: number;
  retryTimer?: ReturnType<typeof setTimeout>;
}

export async function runPlan(api: ClusterApi, plan: Plan, options: RunOptions): Promise<RunResult> {
  const startedAt = Date.now();
  const deadline = startedAt + options.timeoutMs;
  const hooks = options.hooks ?? {};
  const steps = new Map<string, Step>(
    plan.objects.map((planned) => [planned.key, { planned, phase: 'blocked', latest: planned.initial }]),
  );
  const watching = new AbortController();
  let allDone!: () => void;
  const finishedAll = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const finish = (step: Step, outcome: Outcome, reason: string, message: string): void => {
    if (step.phase === 'done') return;
    step.phase = 'done';
    step.result = resultOf(step, outcome, reason, message, options);
    hooks.finished?.(step.result);
    if ([...steps.values()].every((s) => s.phase === 'done')) allDone();
    else startUnblocked();
  };

  const judge = (step: Step): void => {
    if (step.phase !== 'active') return;
    const verdict = evaluate({
      obj: step.latest,
      kind: step.planned.kind,
      token: step.token,
      expectedRevisions: expectedRevisions(step, steps, options),
      failFast: options.failFast,
      mustHandleRequest: step.planned.kind.forceAndReset && (options.force || options.reset),
    });
    step.verdict = verdict;
    // What the object waited on, for the report: a dependency or a revision, not the controller's pickup.
    if (verdict.waitingOn && WAITS_WORTH_REPORTING.has(verdict.reason)) step.waitedOn = verdict.waitingOn;
    if (verdict.state === 'ready') finish(step, 'ready', verdict.reason, verdict.message);
    else if (verdict.state === 'failed') {
      finish(step, verdict.reason === 'Suspended' ? 'suspended' : 'failed', verdict.reason, verdict.message);
    } else if (verdict.reason === 'RevisionNotReached') askSourceAgain(step);
  };

  // A source that handled our request but fetched another commit than `revision` may have been asked a
  // moment before the commit reached its remote: ask again, less and less often, until the deadline.
  const askSourceAgain = (step: Step): void => {
    const handled = step.token !== undefined && step.latest.status?.lastHandledReconcileAt === step.token;
    if (!handled || step.retryTimer || step.planned.kind.category !== 'sources') return;
    step.retries = (step.retries ?? 0) + 1;
    const delay = Math.min(2_000 * 2 ** (step.retries - 1), 30_000);
    step.retryTimer = setTimeout(() => {
      if (step.phase !== 'active') return;
      void requestReconcile(step, 'reconcile again (revision not fetched yet)')
        .catch((error: unknown) =>
          hooks.debug?.(`asking ${describeRef(step.planned.ref)} again: ${String(error)}`),
        )
        .finally(() => {
          step.retryTimer = undefined;
          judge(step);
        });
    }, delay);
  };

  const failedScopes = new Map<string, string>();

  /** Merge-patches the object (transient errors retried until the deadline) and keeps the result. */
  const patchObject = async (step: Step, patch: object, what: string): Promise<void> => {
    const { kind, ref } = step.planned;
    const patched = await withRetry(() => api.mergePatch(kind, ref.namespace, ref.name, patch), deadline);
    hooks.requested?.(step.planned, what);
    step.latest = newest(step.latest, patched);
  };

  /** Writes a new request token (resuming too, when asked). */
  const requestReconcile = async (step: Step, what: string, resuming = false): Promise<void> => {
    const token = newRequestToken();
    const command = resuming ? 'resume' : options.command;
    await patchObject(step, reconcilePatch(step.planned.kind, token, { ...options, command }), what);
    step.token = token;
  };

  const activate = async (step: Step): Promise<void> => {
    const { planned } = step;
    const watchFailure = failedScopes.get(`${planned.kind.kind}/${planned.ref.namespace}`);
    if (watchFailure) {
      finish(step, 'failed', 'WatchFailed', watchFailure);
      return;
    }
    step.phase = 'requesting';
    step.startedAt = Date.now();
    const obj = step.latest;
    if (planned.kind.isStatic(obj)) {
      finish(
        step,
        'skipped',
        'Static',
        `no controller reconciles this ${planned.kind.kind}: nothing to wait for`,
      );
      return;
    }
    const resuming = options.command === 'resume' && planned.role === 'requested';
    if (obj.spec?.suspend === true && options.command !== 'suspend' && !resuming) {
      const verdict = evaluate({ obj, kind: planned.kind, expectedRevisions: [], failFast: true });
      finish(step, 'suspended', verdict.reason, verdict.message);
      return;
    }
    try {
      if (options.command === 'suspend') {
        await patchObject(step, SUSPEND_PATCH, 'suspend');
        finish(step, 'suspended', 'Suspended', 'suspended: Flux no longer reconciles it until it is resumed');
        return;
      }
      if (options.command === 'wait') hooks.requested?.(planned, 'wait');
      else await requestReconcile(step, resuming ? 'resume and reconcile' : 'reconcile', resuming);
    } catch (error) {
      finish(step, 'failed', 'RequestFailed', error instanceof Error ? error.message : String(error));
      return;
    }
    // The run may have ended this object while the request was in flight (its watch failed, the deadline).
    if ((step.phase as Step['phase']) === 'done') return;
    step.phase = 'active';
    judge(step);
  };

  const startUnblocked = (): void => {
    for (const step of steps.values()) {
      if (step.phase !== 'blocked') continue;
      const deps = step.planned.after.map((key) => steps.get(key)!);
      if (!deps.every((d) => d.phase === 'done')) continue;
      const failedDep = deps.find((d) => !d.result?.ok);
      if (failedDep) {
        step.waitedOn = describeRef(failedDep.planned.ref);
        finish(
          step,
          'skipped',
          'DependencyFailed',
          `not requested: ${describeRef(failedDep.planned.ref)} did not become Ready (${failedDep.result?.outcome})`,
        );
        continue;
      }
      void activate(step);
    }
  };

  const onObject = (obj: FluxObject, kind: string): void => {
    const step = steps.get(
      refKey({ kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name }),
    );
    if (!step) return;
    step.latest = newest(step.latest, obj);
    judge(step);
  };

  // A watch ends in error only for what retrying cannot mend (a 403, say): its objects fail with that error.
  const watches = distinctScopes(plan).map(({ kind, namespace }) =>
    api
      .watch(
        kind,
        namespace,
        (obj) => onObject(obj, kind.kind),
        watching.signal,
        (error) => hooks.debug?.(`watch ${kind.plural} in ${namespace}: ${error.message}`),
      )
      .catch((error: unknown) => {
        const message = `could not watch ${kind.plural} in ${namespace}: ${error instanceof Error ? error.message : String(error)}`;
        // Objects still waiting on their dependencies fail when they start.
        failedScopes.set(`${kind.kind}/${namespace}`, message);
        for (const step of steps.values()) {
          if (
            step.planned.kind === kind &&
            step.planned.ref.namespace === namespace &&
            step.phase !== 'blocked'
          ) {
            finish(step, 'failed', 'WatchFailed', message);
          }
        }
      }),
  );

  const timer = setTimeout(
    () => {
      for (const step of steps.values())
        if (step.phase !== 'done') timeOut(step, options.timeoutMs, steps, finish);
    },
    Math.max(0, deadline - Date.now()),
  );
  const heartbeat = setInterval(() => {
    const waiting = [...steps.values()]
      .filter((s) => s.phase === 'active' || s.phase === 'requesting')
      .map((s) => ({
        planned: s.planned,
        verdict: s.verdict,
        elapsedMs: Date.now() - (s.startedAt ?? startedAt),
      }));
    if (waiting.length > 0) hooks.heartbeat?.(waiting);
  }, options.heartbeatMs ?? 15_000);

  if (steps.size === 0) allDone();
  else startUnblocked();
  await finishedAll;
  clearTimeout(timer);
  clearInterval(heartbeat);
  for (const step of steps.values()) clearTimeout(step.retryTimer);
  watching.abort();
  await Promise.allSettled(watches);

  const results = plan.objects.map((p) => steps.get(p.key)!.result!);
  return {
    command: options.command,
    ready: results.every((r) => r.ok),
    results,
    durationMs: Date.now() - startedAt,
    expectedRevision: options.revision || undefined,
  };
}

/** The revisions an object must reach: the user's, and for an applier its source's new artifact revision. */
function expectedRevisions(step: Step, steps: Map<string, Step>, options: RunOptions): string[] {
  const expected: string[] = [];
  if (options.revision) expected.push(options.revision);
  const source = step.planned.sourceKey ? steps.get(step.planned.sourceKey) : undefined;
  const sourceRevision = source?.result?.ok ? source.result.revisionAfter : undefined;
  if (sourceRevision && step.planned.kind.category === 'appliers') expected.push(sourceRevision);
  return expected;
}

function timeOut(
  step: Step,
  timeoutMs: number,
  steps: Map<string, Step>,
  finish: (step: Step, outcome: Outcome, reason: string, message: string) => void,
): void {
  const limit = formatDuration(timeoutMs);
  if (step.phase === 'blocked') {
    const pending = step.planned.after.filter((key) => steps.get(key)?.phase !== 'done');
    const names = pending.map((key) => describeRef(steps.get(key)!.planned.ref)).join(', ');
    step.waitedOn = names;
    finish(
      step,
      'timed-out',
      'DependencyNotReady',
      `not requested within the ${limit} timeout: still waiting for ${names}`,
    );
    return;
  }
  const verdict = step.verdict;
  const waiting = verdict?.waitingOn ?? 'Ready';
  const last = verdict
    ? `${verdict.reason}${verdict.message ? `: ${verdict.message}` : ''}`
    : 'no status seen';
  const handled = step.token === undefined || step.latest.status?.lastHandledReconcileAt === step.token;
  const hint = handled ? '' : ` The request was never handled: is ${step.planned.kind.controller} running?`;
  finish(
    step,
    'timed-out',
    verdict?.reason ?? 'Unknown',
    `Timed out after ${limit} waiting for ${waiting}. Last status: ${last}.${hint}`,
  );
}

function resultOf(
  step: Step,
  outcome: Outcome,
  reason: string,
  message: string,
  options: RunOptions,
): ObjectResult {
  const { planned, latest } = step;
  return {
    ...planned.ref,
    outcome,
    ok:
      outcome === 'ready' ||
      (outcome === 'skipped' && reason === 'Static') ||
      (outcome === 'suspended' && options.command === 'suspend'),
    role: planned.role,
    revisionBefore: planned.kind.revision(planned.initial),
    revisionAfter: planned.kind.revision(latest),
    expectedRevision: options.revision || undefined,
    durationMs: step.startedAt === undefined ? 0 : Date.now() - step.startedAt,
    reason,
    message,
    waitedOn: step.waitedOn,
    conditions: latest.status?.conditions ?? [],
    last: latest,
  };
}

/** Keeps the newer of two copies of an object (a watch event may arrive after a fresher patch response). */
function newest(current: FluxObject, candidate: FluxObject): FluxObject {
  const a = Number(current.metadata.resourceVersion);
  const b = Number(candidate.metadata.resourceVersion);
  if (Number.isFinite(a) && Number.isFinite(b) && b < a) return current;
  return candidate;
}

function distinctScopes(plan: Plan): Array<{ kind: PlannedObject['kind']; namespace: string }> {
  const scopes = new Map<string, { kind: PlannedObject['kind']; namespace: string }>();
  for (const p of plan.objects)
    scopes.set(`${p.kind.kind}/${p.ref.namespace}`, { kind: p.kind, namespace: p.ref.namespace });
  return [...scopes.values()];
}

// The pure half of the run loop, as kstatus splits `status/` from `watcher/`: given the steps and the
// verdicts so far, what is startable, what is done, what to ask again. No I/O and no clock read here;
// run.ts does the patching, watching and timekeeping.
import type { Backoff } from '../base/backoff.js';
import { formatDuration } from '../base/duration.js';
import { describeRef } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import { type Command, commandSpec } from '../inputs/commands.js';
import type { PlannedObject } from './plan.js';
import type { ObjectResult, Outcome, Verdict } from './types.js';
import { describeWaiting, waitWorthReporting } from './waiting.js';

export interface Step {
  planned: PlannedObject;
  /** blocked: waits for its dependencies; requesting: our patch is in flight; active: judged on every change. */
  phase: 'blocked' | 'requesting' | 'active' | 'done';
  token?: string;
  startedAt?: number;
  latest: FluxObject;
  verdict?: Verdict;
  /** What the object waited on, for the report: a dependency or a revision, not the controller's pickup. */
  waitedOn?: string;
  /** When a failure was first seen while `fail-fast` grants a grace period (a retry's progress does not reset it). */
  failedSince?: number;
  /** The latest failure seen during the grace period: the verdict if no retry succeeds. */
  lastFailure?: Verdict;
  result?: ObjectResult;
  /** How long until a source that fetched another commit than the expected one is asked again. */
  askAgain?: Backoff;
  /** A repeated request is scheduled or in flight. */
  askingAgain?: boolean;
  /** How the revision it reached relates to the expected one (`at B, which contains A`). */
  revisionNote?: string;
}

/** How a step ends. */
export interface Ending {
  outcome: Outcome;
  ok: boolean;
  reason: string;
  message: string;
}

export interface Policy {
  command: Command;
  /** How long a failure may be mended by the controller's own retries: 0 = fail at once; Infinity = never fail. */
  failFastGraceMs: number;
}

/** What the run does with a step after a verdict. */
export type Next =
  | { do: 'finish'; ending: Ending }
  | { do: 'ask-source-again' }
  | { do: 'wait-for-grace'; graceEndsIn: number }
  | { do: 'keep-watching' };

export function nextAfter(step: Step, verdict: Verdict, policy: Policy, now: number): Next {
  switch (verdict.state) {
    case 'ready':
      return { do: 'finish', ending: { outcome: 'ready', ok: true, ...words(verdict) } };
    case 'static':
      return { do: 'finish', ending: { outcome: 'skipped', ok: true, ...words(verdict) } };
    case 'suspended':
      return {
        do: 'finish',
        ending: {
          outcome: 'suspended',
          ok: commandSpec(policy.command).goal === 'suspended',
          ...words(verdict),
        },
      };
    case 'failed': {
      const graceEndsIn = (step.failedSince ?? now) + policy.failFastGraceMs - now;
      if (graceEndsIn > 0) return { do: 'wait-for-grace', graceEndsIn };
      return { do: 'finish', ending: { outcome: 'failed', ok: false, ...words(verdict) } };
    }
    case 'waiting': {
      const handled = step.token !== undefined && step.latest.status?.lastHandledReconcileAt === step.token;
      const isSource = step.planned.kind.category === 'sources';
      if (verdict.waiting.for === 'revision' && handled && isSource && !step.askingAgain) {
        return { do: 'ask-source-again' };
      }
      return { do: 'keep-watching' };
    }
  }
}

/** What to remember of a verdict for the report after the fact. */
export function waitedOnAfter(step: Step, verdict: Verdict): string | undefined {
  if (verdict.state !== 'waiting' || !waitWorthReporting(verdict.waiting)) return step.waitedOn;
  return describeWaiting(verdict.waiting, step.planned.kind);
}

const words = (verdict: Verdict) => ({ reason: verdict.reason, message: verdict.message });

/** What the run does first with a step whose dependencies are done. */
export type Start =
  | { do: 'judge' } // nothing to ask: its state already is the verdict (static, suspended)
  | { do: 'suspend' }
  | { do: 'watch' }
  | { do: 'request'; resuming: boolean };

/**
 * @param readyAlready the object is Ready at the expected revision already (evaluate.ts's
 *   readyAtExpectedRevision): a child then needs no request
 */
export function startOf(step: Step, command: Command, readyAlready = false): Start {
  const { planned } = step;
  const { act } = commandSpec(command);
  const resuming = act === 'resume' && planned.role === 'requested';
  if (planned.kind.isStatic(step.latest)) return { do: 'judge' };
  if (act === 'suspend') return { do: 'suspend' };
  // A suspended object is judged as it is (suspended), unless this run resumes it.
  if (planned.kind.isSuspended(step.latest) && !resuming) return { do: 'judge' };
  if (act === 'watch') return { do: 'watch' };
  // A child its controller already applied at the expected revision (a new source revision reaches every
  // object applying from it at once): a request would only make the controller do it again, and the run
  // wait for that. The objects the person named are always requested, as asked.
  if (planned.role === 'child' && readyAlready) return { do: 'judge' };
  return { do: 'request', resuming };
}

/** Steps whose dependencies are all done: each to start, or to skip because one of them failed. */
export function unblocked(steps: ReadonlyMap<string, Step>): Array<{ step: Step; failedDependency?: Step }> {
  const found: Array<{ step: Step; failedDependency?: Step }> = [];
  for (const step of steps.values()) {
    if (step.phase !== 'blocked') continue;
    const deps = step.planned.after.map((key) => steps.get(key)).filter((d): d is Step => d !== undefined);
    if (!deps.every((d) => d.phase === 'done')) continue;
    found.push({ step, failedDependency: deps.find((d) => !d.result?.ok) });
  }
  return found;
}

export function dependencyFailedEnding(failed: Step): Ending {
  const ref = describeRef(failed.planned.ref);
  return {
    outcome: 'skipped',
    ok: false,
    reason: 'DependencyFailed',
    message: `not requested: ${ref} did not become Ready (${failed.result?.outcome})`,
  };
}

/**
 * The revisions an object must reach: the user's (when it applies to the object), and for an applier its
 * source's new artifact revision.
 */
export function expectedRevisions(step: Step, steps: ReadonlyMap<string, Step>, revision: string): string[] {
  const expected: string[] = [];
  if (revision && step.planned.expectsRevision) expected.push(revision);
  const source = step.planned.sourceKey ? steps.get(step.planned.sourceKey) : undefined;
  const sourceRevision = source?.result?.ok ? source.result.revisionAfter : undefined;
  if (sourceRevision && step.planned.kind.category === 'appliers') expected.push(sourceRevision);
  return expected;
}

/** How a step that is not done ends at the deadline, and what it waited on. */
export function timeoutEnding(
  step: Step,
  steps: ReadonlyMap<string, Step>,
  timeoutMs: number,
): Ending & { waitedOn?: string } {
  const limit = formatDuration(timeoutMs);
  if (step.phase === 'blocked') {
    const pending = step.planned.after.map((key) => steps.get(key)).filter((s) => s && s.phase !== 'done');
    const names = pending.map((s) => describeRef(s!.planned.ref)).join(', ');
    const message = `not requested within the ${limit} timeout: still waiting for ${names}`;
    return { outcome: 'timed-out', ok: false, reason: 'DependencyNotReady', message, waitedOn: names };
  }
  const { verdict, planned } = step;
  const waiting = verdict?.state === 'waiting' ? describeWaiting(verdict.waiting, planned.kind) : 'Ready';
  const last = verdict
    ? `${verdict.reason}${verdict.message ? `: ${verdict.message}` : ''}`
    : 'no status seen';
  const handled = step.token === undefined || step.latest.status?.lastHandledReconcileAt === step.token;
  // A controller handles a new request only after its current reconcile ends (a health check waits up to
  // the object's spec.timeout), so an unhandled request means busy as often as stopped.
  const hint = handled
    ? ''
    : ` The request was never handled: ${planned.kind.controller} was still busy with an earlier reconcile of it (health checks wait up to its spec.timeout), or is not running.`;
  const message = `Timed out after ${limit} waiting for ${waiting}. Last status: ${last}.${hint}`;
  return { outcome: 'timed-out', ok: false, reason: verdict?.reason ?? 'Unknown', message };
}

export function resultOf(step: Step, ending: Ending, expectedRevision: string, now: number): ObjectResult {
  const { planned, latest } = step;
  const revisionAfter = planned.kind.revision(latest);
  const attempted = planned.kind.attemptedRevision?.(latest);
  const failedElsewhere = !ending.ok && attempted !== undefined && attempted !== revisionAfter;
  return {
    ...planned.ref,
    fluxKind: planned.kind,
    outcome: ending.outcome,
    ok: ending.ok,
    role: planned.role,
    parent: planned.parent,
    revisionBefore: planned.kind.revision(planned.initial),
    revisionAfter,
    revisionAttempted: failedElsewhere ? attempted : undefined,
    expectedRevision: (planned.expectsRevision && expectedRevision) || undefined,
    durationMs: step.startedAt === undefined ? 0 : now - step.startedAt,
    reason: ending.reason,
    message: ending.message,
    waitedOn: step.waitedOn,
    revisionNote: step.revisionNote,
    last: latest,
  };
}

/** Keeps the newer of two copies of an object (a watch event may arrive after a fresher patch response). */
export function newest(current: FluxObject, candidate: FluxObject): FluxObject {
  const a = Number(current.metadata.resourceVersion);
  const b = Number(candidate.metadata.resourceVersion);
  if (Number.isFinite(a) && Number.isFinite(b) && b < a) return current;
  return candidate;
}

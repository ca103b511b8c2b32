// The pure half of the run loop, as kstatus splits `status/` from `watcher/`: given the steps and the
// verdicts so far, what is startable, what is done, what to ask again. No I/O and no clock read here;
// run.ts does the patching, watching and timekeeping.
import type { Backoff } from '../base/backoff.js';
import { formatDuration } from '../base/duration.js';
import { describeRef, type ObjectRef, refKey } from '../flux/refs.js';
import type { Condition, FluxObject } from '../flux/types.js';
import { type Command, commandSpec } from '../inputs/commands.js';
import type { CurrentArtifact } from './learn.js';
import type { PlannedObject } from './plan.js';
import type { EarlierAttempt, FluxResult, Outcome, Verdict, Waiting } from './types.js';
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
  result?: FluxResult;
  /** How long until a source that fetched another commit than the expected one is asked again. */
  askAgain?: Backoff;
  /** A repeated request is scheduled or in flight. */
  askingAgain?: boolean;
  /** How the revision it reached relates to the expected one (`at B, which contains A`). */
  revisionNote?: string;
  /** The Ready condition in the answer to our request: a failure recorded then is not newer than it. */
  readyAtRequest?: Condition;
  /** What the run read of another object to judge this one: its source, or what superseded its attempt. */
  learned?: Learned;
  /** That read is in flight. */
  learning?: boolean;
  /** The object as it showed a failure before our request was handled, while the source is read. */
  heldFailure?: FluxObject;
  /** What the run left out about it (children on another cluster, not followed). */
  note?: string;
}

/** Another object's current artifact, read to judge a step (`key` says for which question). */
export interface Learned extends Partial<CurrentArtifact> {
  key: string;
  ref: ObjectRef;
}

/** How a step ends. */
export interface Ending {
  outcome: Outcome;
  ok: boolean;
  reason: string;
  message: string;
  earlierAttempt?: EarlierAttempt;
  waitingFor?: Waiting;
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
  /** Read another object's current artifact (the source, or what superseded the attempt), then judge again. */
  | { do: 'learn'; key: string; ref: ObjectRef }
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
      return { do: 'finish', ending: failedEnding(verdict) };
    }
    case 'waiting': {
      const learn = toLearn(step, verdict.waiting);
      if (learn && !step.learning && step.learned?.key !== learn.key) return { do: 'learn', ...learn };
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
  // Once read, what superseded a canceled check says more than the controller's message: `superseded by B`.
  if (verdict.waiting.for === 'superseded' && step.learned?.key.startsWith('superseded '))
    return step.waitedOn;
  return describeWaiting(verdict.waiting, step.planned.kind);
}

const words = (verdict: Verdict) => ({ reason: verdict.reason, message: verdict.message });

/** A failed verdict as the step's end, saying when it was an earlier attempt's. */
export function failedEnding(verdict: Verdict): Ending {
  const earlierAttempt = verdict.state === 'failed' ? verdict.earlierAttempt : undefined;
  return { outcome: 'failed', ok: false, ...words(verdict), ...(earlierAttempt ? { earlierAttempt } : {}) };
}

/**
 * What a wait needs read before it can be judged: the source's current artifact (a failure meanwhile may be
 * the answer), or what superseded a canceled health check (each cancellation once).
 */
function toLearn(step: Step, waiting: Waiting): { key: string; ref: ObjectRef } | undefined {
  if (waiting.for === 'request' && waiting.failedAttempt) {
    const ref = step.planned.kind.sourceOf?.(step.latest);
    return ref ? { key: `source ${refKey(ref)}`, ref } : undefined;
  }
  if (waiting.for === 'superseded' && waiting.trigger) {
    const [kind, namespace, name] = waiting.trigger.split('/');
    if (!kind || !namespace || !name) return undefined;
    return { key: `superseded ${waiting.since ?? ''} ${waiting.trigger}`, ref: { kind, namespace, name } };
  }
  return undefined;
}

/**
 * What to keep of a failure before our request is handled while the source is read: the object as it showed
 * it. kustomize-controller starts the attempt for our request a moment after it writes the failure.
 */
export function heldFailureAfter(step: Step, verdict: Verdict): FluxObject | undefined {
  if (verdict.state !== 'waiting' || verdict.waiting.for !== 'request') return undefined;
  const shown = step.latest.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False');
  return verdict.waiting.failedAttempt && shown ? step.latest : step.heldFailure;
}

/** The source's current artifact revision as the verdict takes it: unknown until read, null if unreadable. */
export function learnedSourceRevision(step: Step): string | null | undefined {
  if (!step.learned?.key.startsWith('source ')) return undefined;
  return step.learned.revision ?? null;
}

/**
 * A canceled health check superseded by a commit that does not contain the expected one: the expected
 * commit will never be applied. `by`: `superseded by <revision>`; `relation`: how the two commits relate.
 */
export function supersededEnding(step: Step, by: string, relation: string): Ending {
  const waiting = step.verdict?.state === 'waiting' ? step.verdict.waiting : undefined;
  const canceled = waiting?.for === 'superseded' && waiting.canceled ? ` of ${waiting.canceled}` : '';
  const message = `${step.planned.kind.controller} canceled the health check${canceled}: ${by} (${relation})`;
  return { outcome: 'failed', ok: false, reason: 'Superseded', message };
}

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
    waitingFor: dependencyWait(failed.planned.ref),
  };
}

/** Waiting on an object of the run (a dependency, or the source it comes after). */
function dependencyWait(ref: ObjectRef): Waiting {
  return { for: 'dependency', dependency: `${ref.namespace}/${ref.name}`, kind: ref.kind };
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
    const first = pending[0]?.planned.ref;
    const waitingFor: Waiting = first ? dependencyWait(first) : { for: 'dependency' };
    return {
      outcome: 'timed-out',
      ok: false,
      reason: 'DependencyNotReady',
      message,
      waitedOn: names,
      waitingFor,
    };
  }
  const { verdict, planned } = step;
  const waiting = verdict?.state === 'waiting' ? describeWaiting(verdict.waiting, planned.kind) : 'Ready';
  const last = verdict
    ? `${verdict.reason}${verdict.message ? `: ${verdict.message}` : ''}`
    : 'no status seen';
  const handled = step.token === undefined || step.latest.status?.lastHandledReconcileAt === step.token;
  // Whether the controller was busy or is not running, the report finds out (report/stuck.ts).
  const hint = handled ? '' : ` The request was never handled by ${planned.kind.controller}.`;
  const message = `Timed out after ${limit} waiting for ${waiting}. Last status: ${last}.${hint}`;
  const waitingFor: Waiting =
    verdict?.state === 'waiting' ? verdict.waiting : handled ? { for: 'progress' } : { for: 'request' };
  return { outcome: 'timed-out', ok: false, reason: verdict?.reason ?? 'Unknown', message, waitingFor };
}

export function resultOf(step: Step, ending: Ending, expectedRevision: string, now: number): FluxResult {
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
    ...(ending.earlierAttempt ? { earlierAttempt: ending.earlierAttempt } : {}),
    ...(ending.waitingFor ? { waitingFor: ending.waitingFor } : {}),
    ...(step.note ? { note: step.note } : {}),
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

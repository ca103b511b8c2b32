// One view per object: everything the report says about a result, computed once, then rendered for each
// medium (log line, annotation, summary row and details, output record, GitHub bodies). Renderers never go
// back to the raw result for words; they format what the view holds.

import { oneLine } from '../base/text.js';
import { describeRef } from '../flux/refs.js';
import { revisionApplies, revisionMatches, shortRevision } from '../flux/revision.js';
import type { Condition } from '../flux/types.js';
import type { EarlierAttempt, ObjectResult, RolloutFacts } from '../reconcile/types.js';
import { type OutcomeLook, outcomeLook } from './format.js';
import type { StuckReport } from './stuck.js';
import type { WorkloadReport } from './workloads.js';

export interface RevisionView {
  before?: string;
  after?: string;
  /** The revision a failed attempt was of, when it is not the one still running (`after`). */
  attempted?: string;
  expected?: string;
  /** A newer commit that contains the expected one: `at B, which contains A`. */
  note?: string;
  /** An expected revision that applies to this kind and was not reached. */
  missedExpected: boolean;
  /** Missed, and not even attempted: superseded by another commit, or never seen. */
  neverAttemptedExpected: boolean;
}

export interface ObjectView {
  result: ObjectResult;
  /** `Kustomization flux-system/apps` */
  title: string;
  /** For a child: `Kustomization flux-system/apps`, the object that applied it. */
  parentTitle?: string;
  look: OutcomeLook;
  reason: string;
  /** The controller's own words: its failing conditions' messages, the cause first, then the result's. */
  message: string;
  revision: RevisionView;
  /** The run spent time on it (a skipped object was never asked anything). */
  timed: boolean;
  /** Something a person should look at: it did not end as the command wanted. */
  needsAttention: boolean;
  /** The workloads its health check or Helm wait waited on (or, for a workload, itself), when the report read them. */
  workloads?: WorkloadReport;
  /** Why it timed out, when the report found out: its sentences lead `message`; the details show the rest. */
  stuck?: StuckReport;
  /** What the run left out about it (its children on another cluster); also the message's last line. */
  note?: string;
  /** For a workload judged after its parent was Ready: its counts, images and the pod that says why. */
  rollout?: RolloutFacts;
}

export function viewOf(result: ObjectResult): ObjectView {
  return {
    result,
    title: describeRef(result),
    parentTitle: result.parent ? describeRef(result.parent) : undefined,
    look: outcomeLook(result.outcome),
    reason: result.reason,
    message: [
      controllerMessage(result),
      result.earlierAttempt ? EARLIER_ATTEMPT_WORDS[result.earlierAttempt] : '',
      result.note,
    ]
      .filter(Boolean)
      .join('\n'),
    ...(result.note ? { note: result.note } : {}),
    revision: revisionView(result),
    timed: result.durationMs > 0,
    needsAttention: !result.ok,
    ...(result.rollout ? { rollout: result.rollout } : {}),
  };
}

/** `1/1 ready · nginx:1.27`: what a workload row says when nothing went wrong. */
export function rolloutPhrase(rollout: RolloutFacts): string {
  const images = rollout.images.length ? ` · ${rollout.images.join(', ')}` : '';
  return `${rollout.ready}/${rollout.desired} ${rollout.workloadKind === 'Job' ? 'succeeded' : 'ready'}${images}`;
}

/** The view with what the report read about the workloads the object waited on. */
export function withWorkloads(view: ObjectView, workloads: WorkloadReport | undefined): ObjectView {
  return workloads ? { ...view, workloads } : view;
}

/** The view with why it timed out: said first, before the controller's words and the run's. */
export function withStuck(view: ObjectView, stuck: StuckReport | undefined): ObjectView {
  if (!stuck) return view;
  return { ...view, stuck, message: [...stuck.why, view.message].filter(Boolean).join('\n') };
}

const EARLIER_ATTEMPT_WORDS: Record<EarlierAttempt, string> = {
  running:
    'This failure came from the attempt already running when the request was made, at the same revision and generation: the request was not waited out for a second one.',
  recorded:
    'This failure was already recorded when the request was made, at the expected revision and the same generation: the request was not waited out for a second one.',
};

/** `Failed at 8593fc0e (still running dae1d41b)`, `at main@sha1:0123abcd`, or nothing. */
export function revisionPhrase(revision: RevisionView): string {
  // Revisions come from the cluster: one line, whatever they hold.
  const short = (r: string) => oneLine(shortRevision(r));
  if (revision.note) return ` ${oneLine(revision.note)}`;
  if (revision.attempted) {
    const running = revision.after ? ` (still running ${short(revision.after)})` : ' (nothing applied yet)';
    return ` at ${short(revision.attempted)}${running}`;
  }
  return revision.after ? ` at ${short(revision.after)}` : '';
}

/** `BuildFailed: kustomize build failed…`, or the reason alone, or the message alone. */
export function reasonAndMessage(reason: string, message: string): string {
  if (!reason) return message;
  return message ? `${reason}: ${message}` : reason;
}

function revisionView(result: ObjectResult): RevisionView {
  const expected = result.expectedRevision;
  const candidates = revisionCandidates(result);
  const applies = !expected || !candidates.length || revisionApplies(candidates, expected);
  const missedExpected = !!expected && applies && !revisionMatches(candidates, expected);
  const attempted = result.last ? result.fluxKind?.attemptedRevision?.(result.last) : undefined;
  const attemptedExpected = !!attempted && !!expected && revisionMatches([attempted], expected);
  return {
    before: result.revisionBefore,
    after: result.revisionAfter,
    attempted: result.revisionAttempted,
    expected,
    note: result.revisionNote,
    missedExpected: missedExpected && !result.revisionNote,
    neverAttemptedExpected: missedExpected && !attemptedExpected,
  };
}

function revisionCandidates(result: ObjectResult): string[] {
  const fromObject = result.last ? (result.fluxKind?.revisionCandidates(result.last) ?? []) : [];
  return fromObject.length ? fromObject : result.revisionAfter ? [result.revisionAfter] : [];
}

// A stalled HelmRelease, for one, says only "Failed to upgrade after 2 attempt(s)" in Stalled, "Helm
// rollback … succeeded" in Ready, and the Helm error itself only in Released: a person needs all three,
// the cause first.

/** The object's conditions as last seen. */
export function conditionsOf(result: ObjectResult): Condition[] {
  return result.last?.status?.conditions ?? [];
}

/**
 * False conditions that explain a failure, the cause first: those whose reason names a failure
 * (UpgradeFailed, TestFailed, HealthCheckFailed...), then Ready. Conditions such as Drifted=False
 * (NoDriftDetected) are good news and left out.
 */
function explaining(result: ObjectResult): Condition[] {
  const falseOnes = conditionsOf(result).filter((c) => c.status === 'False' && c.message?.trim());
  const failures = falseOnes.filter((c) => c.type !== 'Ready' && /Failed$/.test(c.reason ?? ''));
  const ready = falseOnes.filter((c) => c.type === 'Ready');
  return [...failures, ...ready];
}

/**
 * The result's message, preceded by what the object's failing conditions say when the object failed or
 * timed out and the result does not already say it.
 */
function controllerMessage(result: ObjectResult): string {
  const message = result.message.trim();
  if (result.outcome !== 'failed' && result.outcome !== 'timed-out') return message;
  const said: string[] = [];
  for (const condition of explaining(result)) {
    const text = condition.message!.trim();
    if (message.includes(text) || said.some((s) => s.includes(text))) continue;
    said.push(condition.reason && condition.reason !== result.reason ? `${condition.reason}: ${text}` : text);
  }
  return [...said, message].filter(Boolean).join('\n');
}

// Annotations: what GitHub shows on the run page and the pull request, one per object that needs a look.
import * as core from '@actions/core';
import { oneLine, shorten } from '../base/text.js';
import { shortRevision } from '../flux/revision.js';
import type { RunResult } from '../reconcile/types.js';
import { formatDuration } from './format.js';
import { type ObjectView, reasonAndMessage, revisionPhrase, viewOf } from './view.js';
import { workloadsLine } from './workloads-view.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
}

// GitHub shows at most 10 annotations of each level per step and drops the rest silently.
export const MAX_ANNOTATIONS_PER_LEVEL = 10;
const MAX_MESSAGE_CHARS = 4000;

function failureAnnotation(view: ObjectView): Annotation {
  const { result } = view;
  const words = reasonAndMessage(view.reason, view.message);
  // The engine's timeout message already says so; other sources of a timed-out result may not.
  const head =
    result.outcome === 'timed-out' && !/timed out/i.test(result.message)
      ? `Timed out after ${formatDuration(result.durationMs)}, still not Ready. ${words}`
      : words;
  const at = view.revision.attempted ? `${view.look.label}${revisionPhrase(view.revision)}` : '';
  const waited = result.waitedOn ? `Waited on: ${result.waitedOn}` : '';
  const workloads = view.rollout ? '' : workloadsLine(view.workloads);
  const parent = view.rollout && view.parentTitle ? `Workload of ${view.parentTitle}` : '';
  return {
    level: 'error',
    title: view.title,
    message: [at, head, waited, workloads, parent].filter(Boolean).join('\n'),
  };
}

/** A `verify-url` that did not answer as expected, and a soak that ended without anything in the results failing. */
function checksAnnotations(run: RunResult): Annotation[] {
  const found: Annotation[] = [];
  for (const probe of run.probes ?? []) {
    if (probe.ok) continue;
    const why = probe.why ?? (probe.error ? `no answer: ${probe.error}` : 'no answer as expected');
    const body = probe.answer?.excerpt ? `\nBody: ${probe.answer.excerpt}` : '';
    const when =
      probe.stage === 'soak'
        ? 'during the soak'
        : `after ${probe.attempts} tries in ${formatDuration(probe.elapsedMs)}`;
    found.push({ level: 'error', title: `verify-url ${probe.url}`, message: `${why} (${when})${body}` });
  }
  if (run.soak?.cutShort) found.push({ level: 'error', title: 'Soak not held', message: run.soak.cutShort });
  return found;
}

const NOT_DONE_WORDS: Partial<Record<ObjectView['result']['outcome'], string>> = {
  suspended: 'Suspended: nothing was reconciled.',
  skipped: 'Skipped: nothing was asked of it.',
  cancelled: 'Cancelled: the run stopped before it finished.',
};

function notDoneAnnotation(view: ObjectView): Annotation {
  // A skipped workload's message says itself that it was not judged, and why.
  const skippedWorkload = view.rollout && view.result.outcome === 'skipped';
  const what = skippedWorkload ? '' : (NOT_DONE_WORDS[view.result.outcome] ?? view.result.outcome);
  const words = reasonAndMessage(view.reason, view.message);
  return { level: 'warning', title: view.title, message: [what, words].filter(Boolean).join(' ') };
}

/** The expected revision was superseded by another one, or never even attempted before the run ended. */
function revisionAnnotation(view: ObjectView): Annotation | undefined {
  const { result, revision } = view;
  if (!revision.expected || result.ok) return undefined;
  if (result.outcome !== 'failed' && result.outcome !== 'timed-out') return undefined;
  if (!revision.neverAttemptedExpected) return undefined;
  const attempted = result.last?.status?.lastAttemptedRevision;
  const lastTry = attempted && attempted !== revision.after ? ` (last attempted ${attempted})` : '';
  const where = revision.after
    ? `the object is at ${revision.after}`
    : 'the object has applied no revision yet';
  const message =
    `Revision ${revision.expected} was not reached: ${where}${lastTry}. ` +
    'A newer commit may have superseded it, or its source does not point at it (check the branch, tag or ref).';
  return { level: 'warning', title: `${view.title}: revision ${shortRevision(revision.expected)}`, message };
}

function capped(annotations: Annotation[], level: Annotation['level']): Annotation[] {
  if (annotations.length <= MAX_ANNOTATIONS_PER_LEVEL) return annotations;
  const shown = annotations.slice(0, MAX_ANNOTATIONS_PER_LEVEL - 1);
  const hidden = annotations.slice(MAX_ANNOTATIONS_PER_LEVEL - 1);
  return [
    ...shown,
    {
      level,
      title: `${hidden.length} more objects`,
      message: `${hidden.map((a) => a.title).join(', ')}. See the job summary and the log for each one.`,
    },
  ];
}

/** Every annotation for the run, errors first, at most MAX_ANNOTATIONS_PER_LEVEL of each level. */
export function annotationsFor(run: RunResult, views = run.results.map(viewOf)): Annotation[] {
  const errors: Annotation[] = [];
  const warnings: Annotation[] = [];
  for (const view of views) {
    const { outcome, ok } = view.result;
    if (outcome === 'failed' || outcome === 'timed-out') errors.push(failureAnnotation(view));
    // A workload that could not be judged (no right to watch it) is no failure under `workloads: auto`,
    // but a person should know the run did not look at it.
    else if (!ok || (view.rollout && outcome === 'skipped')) warnings.push(notDoneAnnotation(view));
    const revision = revisionAnnotation(view);
    if (revision) warnings.push(revision);
  }
  errors.push(...checksAnnotations(run));
  return [...capped(errors, 'error'), ...capped(warnings, 'warning')].map((a) => ({
    level: a.level,
    title: oneLine(a.title),
    message: shorten(a.message, MAX_MESSAGE_CHARS).text,
  }));
}

export function emitAnnotations(run: RunResult, views = run.results.map(viewOf)): void {
  for (const { level, title, message } of annotationsFor(run, views)) {
    const emit = { error: core.error, warning: core.warning, notice: core.notice }[level];
    emit(message, { title });
  }
}

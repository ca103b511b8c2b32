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
  const workloads = workloadsLine(view.workloads);
  return {
    level: 'error',
    title: view.title,
    message: [at, head, waited, workloads].filter(Boolean).join('\n'),
  };
}

const NOT_DONE_WORDS: Partial<Record<ObjectView['result']['outcome'], string>> = {
  suspended: 'Suspended: nothing was reconciled.',
  skipped: 'Skipped: nothing was asked of it.',
  cancelled: 'Cancelled: the run stopped before it finished.',
};

function notDoneAnnotation(view: ObjectView): Annotation {
  const what = NOT_DONE_WORDS[view.result.outcome] ?? view.result.outcome;
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
    else if (!ok) warnings.push(notDoneAnnotation(view));
    const revision = revisionAnnotation(view);
    if (revision) warnings.push(revision);
  }
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

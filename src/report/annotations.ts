// Annotations: what GitHub shows on the run page and the pull request, one per object that needs a look.
import * as core from '@actions/core';
import { describeRef } from '../flux/refs.js';
import { shortRevision } from '../reconcile/revision.js';
import type { ObjectResult, RunResult } from '../reconcile/types.js';
import { formatDuration } from './format.js';
import { neverAttemptedExpectedRevision } from './revision-reached.js';
import { shorten } from './text.js';
import { controllerMessage } from './words.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
}

// GitHub shows at most 10 annotations of each level per step and drops the rest silently.
export const MAX_ANNOTATIONS_PER_LEVEL = 10;
const MAX_MESSAGE_CHARS = 4000;

function controllerWords(result: ObjectResult): string {
  const message = controllerMessage(result);
  if (!result.reason) return message;
  return message ? `${result.reason}: ${message}` : result.reason;
}

function failureAnnotation(result: ObjectResult): Annotation {
  const words = controllerWords(result);
  // The engine's timeout message already says so; other sources of a timed-out result may not.
  const head =
    result.outcome === 'timed-out' && !/timed out/i.test(result.message)
      ? `Timed out after ${formatDuration(result.durationMs)}, still not Ready. ${words}`
      : words;
  const waited = result.waitedOn ? `Waited on: ${result.waitedOn}` : '';
  return {
    level: 'error',
    title: describeRef(result),
    message: [head, waited].filter(Boolean).join('\n'),
  };
}

function notDoneAnnotation(result: ObjectResult): Annotation {
  const what: Record<string, string> = {
    suspended: 'Suspended: nothing was reconciled.',
    skipped: 'Skipped: nothing was asked of it.',
    cancelled: 'Cancelled: the run stopped before it finished.',
  };
  return {
    level: 'warning',
    title: describeRef(result),
    message: [what[result.outcome] ?? result.outcome, controllerWords(result)].filter(Boolean).join(' '),
  };
}

/** The expected revision was superseded by another one, or never even attempted before the run ended. */
function revisionAnnotation(result: ObjectResult): Annotation | undefined {
  const expected = result.expectedRevision;
  if (!expected || result.ok) return undefined;
  if (result.outcome !== 'failed' && result.outcome !== 'timed-out') return undefined;
  if (!neverAttemptedExpectedRevision(result)) return undefined;
  const attempted = result.last?.status?.lastAttemptedRevision;
  const lastTry = attempted && attempted !== result.revisionAfter ? ` (last attempted ${attempted})` : '';
  const where = result.revisionAfter
    ? `the object is at ${result.revisionAfter}`
    : 'the object has applied no revision yet';
  const message =
    `Revision ${expected} was not reached: ${where}${lastTry}. ` +
    'A newer commit may have superseded it, or its source does not point at it (check the branch, tag or ref).';
  return { level: 'warning', title: `${describeRef(result)}: revision ${shortRevision(expected)}`, message };
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
export function annotationsFor(run: RunResult): Annotation[] {
  const errors: Annotation[] = [];
  const warnings: Annotation[] = [];
  for (const result of run.results) {
    if (result.outcome === 'failed' || result.outcome === 'timed-out') errors.push(failureAnnotation(result));
    else if (!result.ok) warnings.push(notDoneAnnotation(result));
    const revision = revisionAnnotation(result);
    if (revision) warnings.push(revision);
  }
  return [...capped(errors, 'error'), ...capped(warnings, 'warning')].map((a) => ({
    ...a,
    message: shorten(a.message, MAX_MESSAGE_CHARS).text,
  }));
}

export function emitAnnotations(run: RunResult): void {
  for (const { level, title, message } of annotationsFor(run)) {
    const emit = { error: core.error, warning: core.warning, notice: core.notice }[level];
    emit(message, { title });
  }
}

// What an object waits for, in words a person reads. The run loop decides by `Waiting.for`; only the log,
// the timeout message and the report use these words.
import type { FluxKind } from '../flux/kinds.js';
import type { Waiting } from './types.js';

export function describeWaiting(waiting: Waiting, kind: FluxKind): string {
  switch (waiting.for) {
    case 'request':
      return `${kind.controller} to handle the reconcile request`;
    case 'superseded': {
      const what = waiting.canceled ? `the health check of ${waiting.canceled}` : 'its health check';
      const by = waiting.trigger ? ` for newer input from ${waiting.trigger}` : '';
      return `the next attempt: ${kind.controller} canceled ${what}${by} (superseded)`;
    }
    case 'dependency':
      if (!waiting.dependency) return 'a dependency';
      return `dependency ${waiting.kind && waiting.kind !== kind.kind ? `${waiting.kind} ` : ''}${waiting.dependency}`;
    case 'revision':
      return `revision ${waiting.revision}`;
    case 'attempt':
      return `revision ${waiting.revision} (the last attempt, ${waiting.failedAttempt}, failed)`;
    case 'generation':
      return `${kind.controller} to observe generation ${waiting.generation ?? 'the latest'}`;
    case 'progress':
      return 'Ready';
    case 'retry':
      return `a retry by ${kind.controller} to succeed (fail-fast is off)`;
  }
}

/** Waits worth naming in the report after the fact: on another object, or on a revision. */
export function waitWorthReporting(waiting: Waiting): boolean {
  return (
    waiting.for === 'dependency' ||
    waiting.for === 'revision' ||
    waiting.for === 'attempt' ||
    waiting.for === 'superseded'
  );
}

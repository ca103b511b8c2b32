// Whether an object that did not end well reached the revision the run expected. The matching rules are
// the engine's (reconcile/revision.ts), so the report never disagrees with the verdict.
import { findKind } from '../flux/kinds.js';
import { revisionApplies } from '../reconcile/evaluate.js';
import { revisionMatches } from '../reconcile/revision.js';
import type { ObjectResult } from '../reconcile/types.js';

function candidatesOf(result: ObjectResult): string[] {
  const kind = findKind(result.kind);
  const fromObject = result.last && kind ? kind.revisionCandidates(result.last) : [];
  return fromObject.length ? fromObject : result.revisionAfter ? [result.revisionAfter] : [];
}

/**
 * True when the result has an expected revision that applies to its kind (a git SHA says nothing about a
 * chart version) and the object is not at it.
 */
export function missedExpectedRevision(result: ObjectResult): boolean {
  const expected = result.expectedRevision;
  if (!expected) return false;
  const candidates = candidatesOf(result);
  if (candidates.length && !revisionApplies(candidates, expected)) return false;
  return !revisionMatches(candidates, expected);
}

/**
 * True when the expected revision was neither reached nor even attempted: it was superseded or never
 * seen. An object that attempted it and failed is a failure at that revision, not a revision problem.
 */
export function neverAttemptedExpectedRevision(result: ObjectResult): boolean {
  if (!missedExpectedRevision(result)) return false;
  const attempted = result.last?.status?.lastAttemptedRevision;
  return !(attempted && revisionMatches([attempted], result.expectedRevision ?? ''));
}

// The verdict on one object at one moment: a pure function of what the controller wrote.
// Unlike kstatus (what `flux reconcile` uses), an ordinary failure is a failure: Ready=False once the
// controller has handled our request is the outcome of that attempt, not "in progress until the timeout".
import { findCondition } from '../flux/conditions.js';
import type { FluxKind } from '../flux/kinds.js';
import type { Condition, FluxObject } from '../flux/types.js';
import { revisionMatches } from './revision.js';
import type { Verdict } from './types.js';

export interface VerdictInput {
  obj: FluxObject;
  kind: FluxKind;
  /** The requestedAt token this run wrote; absent for `command: wait`, which requests nothing. */
  token?: string;
  /** Revisions the object must have reached, each as a person or a source wrote it. All must match. */
  expectedRevisions: readonly string[];
  failFast: boolean;
  /**
   * Whether an outcome at the expected revision counts before our request is handled. Not when the request
   * itself is the point (a forced or reset HelmRelease).
   */
  mustHandleRequest?: boolean;
}

/** Ready=False reasons that say "not yet", not "failed". */
const NOT_YET_REASONS = new Set([
  'DependencyNotReady',
  'HealthCheckCanceled',
  'Progressing',
  'ProgressingWithRetry',
  // helm-controller: the HelmChart is being (re)built.
  'SourceNotReady',
]);

const DEPENDENCY_IN_MESSAGE = /dependency '([^']+)'/;

/** A hash inside a revision: after `@sha1:`, `sha256:`, a chart version's `+`, or a legacy `branch/`. */
const HASH_IN_REVISION = /(?:[:+/])[0-9a-f]{7,}\b/i;
const LOOKS_LIKE_HASH = /^(?:sha(?:1|256):)?[0-9a-f]{7,}$/i;

/**
 * Whether an expected revision can be judged against an object's revisions at all: a git SHA says nothing
 * about a HelmRelease whose chart comes from a Helm repository (`6.0.3`), so it is not applied there.
 */
export function revisionApplies(candidates: readonly string[], expected: string): boolean {
  if (!LOOKS_LIKE_HASH.test(expected)) return true;
  return candidates.some((c) => HASH_IN_REVISION.test(c) || LOOKS_LIKE_HASH.test(c));
}

export function evaluate(input: VerdictInput): Verdict {
  const { obj, kind, token } = input;
  const revision = kind.revision(obj);
  const ready = findCondition(obj, 'Ready');
  const lastWords = { reason: ready?.reason ?? 'Unknown', message: ready?.message ?? '' };

  if (obj.metadata.deletionTimestamp) {
    return { state: 'failed', reason: 'Terminating', message: 'the object is being deleted', revision };
  }
  if (obj.spec?.suspend === true) {
    return {
      state: 'failed',
      reason: 'Suspended',
      message: `suspended: resume it with \`command: resume\` or \`flux resume ${kind.cliWords} ${obj.metadata.name}\``,
      revision,
    };
  }
  if (token !== undefined && obj.status?.lastHandledReconcileAt !== token) {
    // The controller may get to the expected revision before it picks up our request (a source change
    // triggers its dependents at once). An outcome at that revision is the answer: no need to wait for
    // our request to come out of a busy controller's queue.
    const settled = input.mustHandleRequest ? undefined : outcomeAtExpectedRevision(input, ready);
    if (settled) return { ...settled, revision };
    return {
      state: 'pending',
      ...lastWords,
      revision,
      waitingOn: `${kind.controller} to handle the reconcile request`,
    };
  }

  const stalled = findCondition(obj, 'Stalled');
  if (stalled?.status === 'True') {
    return { state: 'failed', reason: stalled.reason ?? 'Stalled', message: stalled.message ?? '', revision };
  }
  if (!ready) {
    return { state: 'pending', reason: 'Progressing', message: 'no Ready condition yet', revision };
  }

  if (ready.reason === 'DependencyNotReady') {
    const dependency = DEPENDENCY_IN_MESSAGE.exec(ready.message ?? '')?.[1];
    return {
      state: 'pending',
      ...lastWords,
      revision,
      waitingOn: dependency ? `dependency ${dependency}` : 'a dependency',
    };
  }

  if (ready.status === 'True') {
    if (!generationObserved(obj)) {
      return {
        state: 'pending',
        ...lastWords,
        revision,
        waitingOn: `${kind.controller} to observe generation ${obj.metadata.generation}`,
      };
    }
    const missing = unmetRevision(kind.revisionCandidates(obj), input.expectedRevisions);
    if (missing !== undefined) {
      return {
        state: 'pending',
        reason: 'RevisionNotReached',
        message: `Ready at ${revision ?? 'no revision'}, waiting for ${missing}`,
        revision,
        waitingOn: `revision ${missing}`,
      };
    }
    return { state: 'ready', ...lastWords, revision };
  }

  if (ready.status === 'Unknown' || attemptUnderWay(obj, ready) || NOT_YET_REASONS.has(ready.reason ?? '')) {
    return { state: 'pending', ...lastWords, revision };
  }

  // Ready=False: the controller's attempt failed. Without a request of ours (`wait`), a failure at an older
  // revision than the one expected is not the verdict on the expected one: keep waiting for it.
  const attempted = obj.status?.lastAttemptedRevision;
  if (token === undefined && attempted && unmetRevision([attempted], input.expectedRevisions) !== undefined) {
    return {
      state: 'pending',
      ...lastWords,
      revision,
      waitingOn: `revision ${input.expectedRevisions.join(', ')} (the last attempt, ${attempted}, failed)`,
    };
  }
  return { state: input.failFast ? 'failed' : 'pending', ...lastWords, revision };
}

/**
 * Ready, or failed, at every expected revision (at least one of which applies to this object), whatever
 * request the controller last handled; undefined when the object's state says nothing about them.
 */
function outcomeAtExpectedRevision(
  input: VerdictInput,
  ready: Condition | undefined,
): Omit<Verdict, 'revision'> | undefined {
  const { obj, kind, expectedRevisions } = input;
  if (!ready || findCondition(obj, 'Stalled')?.status === 'True') return undefined;
  const words = { reason: ready.reason ?? 'Unknown', message: ready.message ?? '' };
  if (ready.status === 'True') {
    const reached = generationObserved(obj) && reachesEvery(kind.revisionCandidates(obj), expectedRevisions);
    return reached ? { state: 'ready', ...words } : undefined;
  }
  const attempted = obj.status?.lastAttemptedRevision;
  if (ready.status !== 'False' || !attempted || !input.failFast) return undefined;
  if (NOT_YET_REASONS.has(ready.reason ?? '') || attemptUnderWay(obj, ready)) return undefined;
  return reachesEvery([attempted], expectedRevisions) ? { state: 'failed', ...words } : undefined;
}

/** The controller has seen the object's latest spec. */
function generationObserved(obj: FluxObject): boolean {
  return obj.metadata.generation === undefined || obj.status?.observedGeneration === obj.metadata.generation;
}

/** Every expected revision is met, and at least one of them says something about these revisions. */
function reachesEvery(candidates: readonly string[], expected: readonly string[]): boolean {
  const applies = expected.some((want) => revisionApplies(candidates, want));
  return applies && unmetRevision(candidates, expected) === undefined;
}

/**
 * A new attempt started after the failure was written: Reconciling=True (not the retry mark) and newer than
 * Ready. helm-controller leaves `Reconciling=True Progressing "Running 'upgrade' action"` behind a failed
 * upgrade, older than (or as old as) the failure, so an older Reconciling says nothing about progress.
 */
function attemptUnderWay(obj: FluxObject, ready: Condition): boolean {
  const reconciling = findCondition(obj, 'Reconciling');
  if (reconciling?.status !== 'True' || reconciling.reason === 'ProgressingWithRetry') return false;
  const started = Date.parse(reconciling.lastTransitionTime ?? '');
  const failed = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isFinite(started) && Number.isFinite(failed) && started > failed;
}

function unmetRevision(candidates: readonly string[], expected: readonly string[]): string | undefined {
  return expected.find((want) => revisionApplies(candidates, want) && !revisionMatches(candidates, want));
}

// The verdict on one object at one moment: a pure function of what the controller wrote.
// Unlike kstatus (what `flux reconcile` uses), an ordinary failure is a failure: Ready=False once the
// controller has handled our request is the outcome of that attempt, not "in progress until the timeout".
import { attemptUnderWay, dependencyNamedIn, findCondition } from '../flux/conditions.js';
import type { FluxKind } from '../flux/kinds.js';
import { revisionApplies, revisionMatches } from '../flux/revision.js';
import type { Condition, FluxObject } from '../flux/types.js';
import type { EarlierAttempt, Verdict, Waiting } from './types.js';

export interface VerdictInput {
  obj: FluxObject;
  kind: FluxKind;
  /** The requestedAt token this run wrote; absent for `command: wait`, which requests nothing. */
  token?: string;
  /** Revisions the object must have reached, each as a person or a source wrote it. All must match. */
  expectedRevisions: readonly string[];
  failFast: boolean;
  /**
   * Newer revisions known to contain an expected one (a push after it, checked in git): reaching one of
   * them counts as reaching the expected revision.
   */
  containing?: ReadonlyMap<string, readonly string[]>;
  /**
   * Whether an outcome at the expected revision counts before our request is handled. Not when the request
   * itself is the point (a forced or reset HelmRelease).
   */
  mustHandleRequest?: boolean;
  /**
   * The Ready condition in the answer to our request: a failure recorded then is older than the request, so
   * it is not the attempt that was running when the request was made.
   */
  readyAtRequest?: Condition;
  /**
   * The source's current artifact revision, once the run has read it (null: it could not tell). With no
   * expected revision, a failure before our request is handled is the answer when it is of this revision.
   */
  sourceRevision?: string | null;
  /**
   * The object as it showed a failure before our request was handled, kept while the run read the source:
   * the controller starts its next attempt a moment later, and that state is gone from `obj`.
   */
  heldFailure?: FluxObject;
}

/** Ready=False reasons that say "not yet", not "failed". (HealthCheckCanceled is judged on its own.) */
const NOT_YET_REASONS = new Set([
  'DependencyNotReady',
  'Progressing',
  'ProgressingWithRetry',
  // helm-controller: the HelmChart is being (re)built.
  'SourceNotReady',
]);

/** kustomize-controller (Flux 2.7+, CancelHealthCheckOnNewRevision) stopped a health check for newer input. */
const HEALTH_CHECK_CANCELED = 'HealthCheckCanceled';
// `New reconciliation triggered by GitRepository/flux-system/fleet` (kustomize-controller 1.7+).
const TRIGGER_IN_MESSAGE = /triggered by ([^\s/]+\/[^\s/]+\/[^\s/]+)/;

export function evaluate(input: VerdictInput): Verdict {
  const { obj, kind, token } = input;
  const revision = kind.revision(obj);
  const ready = findCondition(obj, 'Ready');
  const lastWords = { reason: ready?.reason ?? 'Unknown', message: ready?.message ?? '', revision };
  const waiting = (why: Waiting): Verdict => ({ state: 'waiting', waiting: why, ...lastWords });

  if (kind.isStatic(obj)) {
    const message = `no controller reconciles this ${kind.kind}: nothing to wait for`;
    return { state: 'static', reason: 'Static', message, revision };
  }
  if (obj.metadata.deletionTimestamp) {
    return { state: 'failed', reason: 'Terminating', message: 'the object is being deleted', revision };
  }
  if (kind.isSuspended(obj)) {
    const ref = { kind: kind.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
    const resume = `\`command: resume\` or \`${kind.resumeCommand(ref)}\``;
    return {
      state: 'suspended',
      reason: 'Suspended',
      message: `suspended: resume it with ${resume}`,
      revision,
    };
  }
  if (ready?.status === 'False' && ready.reason === HEALTH_CHECK_CANCELED) {
    // Whether or not it handled our request, the controller moves on to what canceled the check.
    const trigger = TRIGGER_IN_MESSAGE.exec(ready.message ?? '')?.[1];
    return waiting({
      for: 'superseded',
      canceled: kind.attemptedRevision?.(obj),
      trigger,
      since: ready.lastTransitionTime,
    });
  }
  if (token !== undefined && obj.status?.lastHandledReconcileAt !== token) {
    // The controller may get to the expected revision before it picks up our request (a source change
    // triggers its dependents at once), or end the attempt it was running when we asked. An outcome at
    // that revision is the answer: no need to wait for our request to come out of a busy controller's queue.
    if (input.mustHandleRequest) return waiting({ for: 'request' });
    return (
      readyAtExpectedRevision(input, ready) ??
      failureBeforeRequest(input, ready) ??
      heldFailure(input) ??
      waiting({ for: 'request' })
    );
  }

  const stalled = findCondition(obj, 'Stalled');
  if (stalled?.status === 'True') return failed(input, stalled);
  if (!ready) {
    return {
      state: 'waiting',
      waiting: { for: 'progress' },
      reason: 'Progressing',
      message: 'no Ready condition yet',
      revision,
    };
  }
  if (ready.reason === 'DependencyNotReady') {
    return waiting({ for: 'dependency', dependency: dependencyNamedIn(ready.message) });
  }
  if (ready.status === 'True') return readyOrBehind(input, lastWords);
  if (ready.status === 'Unknown' || attemptUnderWay(obj) || NOT_YET_REASONS.has(ready.reason ?? '')) {
    return waiting({ for: 'progress' });
  }

  // Ready=False: the controller's attempt failed. Without a request of ours (`wait`), a failure at an older
  // revision than the one expected is not the verdict on the expected one: keep waiting for it.
  const attempted = kind.attemptedRevision?.(obj);
  const notAttempted = attempted ? unmetRevision([attempted], input.expectedRevisions) : undefined;
  if (token === undefined && attempted && notAttempted !== undefined) {
    return waiting({ for: 'attempt', revision: notAttempted, failedAttempt: attempted });
  }
  return input.failFast ? failed(input, ready) : waiting({ for: 'retry' });
}

/** Ready=True: ready, unless the spec is not observed yet or a revision is not reached. */
function readyOrBehind(
  input: VerdictInput,
  words: { reason: string; message: string; revision?: string },
): Verdict {
  const { obj, kind } = input;
  if (!generationObserved(obj, kind)) {
    return {
      state: 'waiting',
      waiting: { for: 'generation', generation: obj.metadata.generation },
      ...words,
    };
  }
  const missing = unmetRevision(kind.revisionCandidates(obj), input.expectedRevisions, input.containing);
  if (missing === undefined) return { state: 'ready', ...words };
  return {
    state: 'waiting',
    waiting: { for: 'revision', revision: missing },
    reason: 'RevisionNotReached',
    message: `Ready at ${words.revision ?? 'no revision'}, waiting for ${missing}`,
    revision: words.revision,
  };
}

function failed(input: VerdictInput, speaking: Condition, earlierAttempt?: EarlierAttempt): Verdict {
  const { obj, kind } = input;
  return {
    state: 'failed',
    reason: speaking.reason ?? speaking.type,
    message: speaking.message ?? '',
    revision: kind.revision(obj),
    attempted: kind.attemptedRevision?.(obj),
    ...(earlierAttempt ? { earlierAttempt } : {}),
  };
}

/**
 * Ready at every expected revision (at least one of which applies to it), with its latest spec observed:
 * the state a request would ask for is already there. False when no expected revision applies.
 */
export function readyBeforeRequest(input: VerdictInput): boolean {
  const { obj, kind } = input;
  if (kind.isStatic(obj) || kind.isSuspended(obj) || obj.metadata.deletionTimestamp) return false;
  return readyAtExpectedRevision(input, findCondition(obj, 'Ready')) !== undefined;
}

/**
 * Ready at every expected revision (at least one of which applies to this object), whatever request the
 * controller last handled; undefined when the object's state says nothing about them.
 */
function readyAtExpectedRevision(input: VerdictInput, ready: Condition | undefined): Verdict | undefined {
  const { obj, kind, expectedRevisions } = input;
  if (ready?.status !== 'True' || findCondition(obj, 'Stalled')?.status === 'True') return undefined;
  // A spec the controller has not observed yet (a new generation) may change what it applies: not settled.
  // (Only for Ready: kustomize-controller bumps observedGeneration only on success.)
  if (
    !generationObserved(obj, kind) ||
    !reachesEvery(kind.revisionCandidates(obj), expectedRevisions, input.containing)
  )
    return undefined;
  return {
    state: 'ready',
    reason: ready.reason ?? 'Unknown',
    message: ready.message ?? '',
    revision: kind.revision(obj),
  };
}

/**
 * A failure before our request is handled that is the answer already: an attempt at the expected revision
 * (or, with none, at the source's current artifact) and at the current generation failed. Our request would
 * only repeat it once the controller is free (a health check waits out its whole timeout again). Undefined
 * when the state says nothing about what our request asks; a `request` wait when the source must be read.
 */
function failureBeforeRequest(input: VerdictInput, ready: Condition | undefined): Verdict | undefined {
  const { obj, kind, expectedRevisions } = input;
  const attempted = kind.attemptedRevision?.(obj);
  if (ready?.status !== 'False' || !attempted || !input.failFast) return undefined;
  if (findCondition(obj, 'Stalled')?.status === 'True') return undefined;
  if (NOT_YET_REASONS.has(ready.reason ?? '') || attemptUnderWay(obj)) return undefined;
  if (!failedAtCurrentGeneration(obj, ready)) return undefined;
  const earlier: EarlierAttempt = sameCondition(ready, input.readyAtRequest) ? 'recorded' : 'running';
  if (expectedRevisions.some((want) => revisionApplies([attempted], want))) {
    return reachesEvery([attempted], expectedRevisions) ? failed(input, ready, earlier) : undefined;
  }
  // Nothing expected of it: the request asks for the source's current artifact. A failure recorded before
  // the request may be what the person mended outside git (a Secret created since): only a new one counts.
  if (earlier === 'recorded' || input.sourceRevision === null) return undefined;
  if (input.sourceRevision === undefined) {
    return {
      state: 'waiting',
      waiting: { for: 'request', failedAttempt: attempted },
      reason: ready.reason ?? 'Unknown',
      message: ready.message ?? '',
      revision: kind.revision(obj),
    };
  }
  const current = attempted === input.sourceRevision || revisionMatches([attempted], input.sourceRevision);
  return current ? failed(input, ready, earlier) : undefined;
}

/** The failure kept from a moment ago, judged now that the source's artifact is known. */
function heldFailure(input: VerdictInput): Verdict | undefined {
  const held = input.heldFailure;
  if (!held || held === input.obj || held.metadata.generation !== input.obj.metadata.generation)
    return undefined;
  return failureBeforeRequest({ ...input, obj: held }, findCondition(held, 'Ready'));
}

/** The failure was written for the object's current spec (the condition records the generation it saw). */
function failedAtCurrentGeneration(obj: FluxObject, ready: Condition): boolean {
  const generation = obj.metadata.generation;
  return (
    generation === undefined ||
    ready.observedGeneration === undefined ||
    ready.observedGeneration === generation
  );
}

/** The same condition as before: nothing was written to it since. */
function sameCondition(a: Condition, b: Condition | undefined): boolean {
  return (
    b !== undefined &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime
  );
}

/** The controller has seen the object's latest spec. */
function generationObserved(obj: FluxObject, kind: FluxKind): boolean {
  return obj.metadata.generation === undefined || kind.observedGeneration(obj) === obj.metadata.generation;
}

/** Every expected revision is met, and at least one of them says something about these revisions. */
function reachesEvery(
  candidates: readonly string[],
  expected: readonly string[],
  containing?: ReadonlyMap<string, readonly string[]>,
): boolean {
  const applies = expected.some((want) => revisionApplies(candidates, want));
  return applies && unmetRevision(candidates, expected, containing) === undefined;
}

function unmetRevision(
  candidates: readonly string[],
  expected: readonly string[],
  containing?: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const met = (want: string) =>
    revisionMatches(candidates, want) ||
    (containing?.get(want) ?? []).some((newer) => revisionMatches(candidates, newer));
  return expected.find((want) => revisionApplies(candidates, want) && !met(want));
}

import type { FluxKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type { Command } from '../inputs/commands.js';
import type { Role } from './plan.js';

/**
 * What an object that is not done yet waits for. The run loop switches on `for`; people read
 * `describeWaiting` (verdict-words.ts).
 */
export type Waiting =
  // The controller has not handled our reconcile request yet. `failedAttempt`: meanwhile an attempt at that
  // revision failed; if it is the source's current artifact, that failure is the answer (the run reads it).
  | { for: 'request'; failedAttempt?: string }
  // Ready=False DependencyNotReady (`namespace/name` when said), or an object of the run it comes after
  // (`kind` when it is not of its own kind: its source)
  | { for: 'dependency'; dependency?: string; kind?: string }
  | { for: 'revision'; revision: string } // Ready, but at another revision than the expected one
  | { for: 'attempt'; revision: string; failedAttempt: string } // `wait`: a failure at an older revision
  | { for: 'generation'; generation?: number } // the controller has not observed the latest spec
  | { for: 'progress' } // reconciling, or no Ready condition yet
  | { for: 'retry' } // failed, and fail-fast is off: waiting for a retry to succeed
  // Flux 2.7+ canceled the health check of `canceled` (HealthCheckCanceled): `trigger` (`Kind/namespace/name`)
  // has something newer. Judged like a newer commit once the run has read what the trigger holds now.
  | { for: 'superseded'; canceled?: string; trigger?: string; since?: string };

/**
 * A failure taken before the controller handled our request: from the attempt already running when the
 * request was made, or one already recorded then (at the expected revision).
 */
export type EarlierAttempt = 'running' | 'recorded';

interface VerdictWords {
  /** The Ready (or Stalled) condition's reason, or the action's own word when no condition speaks. */
  reason: string;
  message: string;
  /** The revision the object reports now. */
  revision?: string;
}

/** What the verdict function says about one object at one moment. */
export type Verdict =
  | ({ state: 'ready' } & VerdictWords)
  | ({
      state: 'failed' /** The revision the failed attempt was of, when the kind records it. */;
      attempted?: string;
      /** Not the attempt our request asked for: an earlier one, at the same revision and generation. */
      earlierAttempt?: EarlierAttempt;
    } & VerdictWords)
  | ({ state: 'suspended' } & VerdictWords)
  | ({ state: 'static' } & VerdictWords) // no controller reconciles it: nothing to request or wait for
  | ({ state: 'waiting'; waiting: Waiting } & VerdictWords);

export type VerdictState = Verdict['state'];

/** How an object ended in this run. */
export type Outcome =
  | 'ready' // Ready at the expected revision
  | 'failed' // the controller reported a failure
  | 'timed-out' // the deadline passed first
  | 'suspended' // suspended (an error, except for `command: suspend`)
  | 'skipped' // static object or blocked by a failed dependency: nothing was asked of it
  | 'cancelled'; // the run stopped early (fail-fast) before this object finished

export interface ObjectResult extends ObjectRef {
  /** The kind table's entry: every question about the kind is asked of it. */
  fluxKind: FluxKind;
  outcome: Outcome;
  /** True when this outcome counts as success for the command (`ready`, or `suspended` for suspend). */
  ok: boolean;
  /** Why the object is part of the run: asked for by the user, added as a source, or applied by a parent. */
  role: Role;
  /** For a child: the object whose inventory holds it. */
  parent?: ObjectRef;
  revisionBefore?: string;
  revisionAfter?: string;
  expectedRevision?: string;
  durationMs: number;
  reason: string;
  message: string;
  waitedOn?: string;
  /** How the revision reached relates to the expected one, when it is a newer commit: `at B, which contains A`. */
  revisionNote?: string;
  /** The revision the last (failed) attempt was of, when it differs from revisionAfter. */
  revisionAttempted?: string;
  /** The failure is of an attempt earlier than the one our request asked for (not waited out twice). */
  earlierAttempt?: EarlierAttempt;
  /** What it still waited for when it timed out, or, skipped, the dependency that failed: the report explains it. */
  waitingFor?: Waiting;
  /** What the run left out about it, for a person: its inventory on another cluster was not followed. */
  note?: string;
  /** The object as last seen, for the report's details (conditions, history, failure counters). */
  last?: FluxObject;
  events?: KubeEvent[];
}

export interface RunResult {
  command: Command;
  ready: boolean;
  results: ObjectResult[];
  durationMs: number;
  expectedRevision?: string;
}

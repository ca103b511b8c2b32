import type { ObjectRef } from '../flux/refs.js';
import type { Condition, FluxObject, KubeEvent } from '../flux/types.js';

/** What the verdict function says about one object at one moment. */
export type VerdictState = 'pending' | 'ready' | 'failed';

export interface Verdict {
  state: VerdictState;
  /** The Ready (or Stalled) condition's reason, or the action's own word when no condition speaks. */
  reason: string;
  message: string;
  /** The revision the object reports now. */
  revision?: string;
  /** What the object waits on (a dependency, the controller, a revision). */
  waitingOn?: string;
}

/** How an object ended in this run. */
export type Outcome =
  | 'ready' // Ready at the expected revision
  | 'failed' // the controller reported a failure
  | 'timed-out' // the deadline passed first
  | 'suspended' // suspended (an error, except for `command: suspend`)
  | 'skipped' // static object or blocked by a failed dependency: nothing was asked of it
  | 'cancelled'; // the run stopped early (fail-fast) before this object finished

export interface ObjectResult extends ObjectRef {
  outcome: Outcome;
  /** True when this outcome counts as success for the command (`ready`, or `suspended` for suspend). */
  ok: boolean;
  /** Why the object is part of the run: asked for by the user, or added as a source. */
  role: 'requested' | 'source';
  revisionBefore?: string;
  revisionAfter?: string;
  expectedRevision?: string;
  durationMs: number;
  reason: string;
  message: string;
  waitedOn?: string;
  /** The object as last seen, for the report's details (conditions, history, failure counters). */
  conditions: Condition[];
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

export type Command = 'reconcile' | 'wait' | 'suspend' | 'resume';

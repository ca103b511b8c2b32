import type { FluxKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type { WorkloadKind } from '../flux/workload-scope.js';
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

/** What a result says about a workload's rollout: the counts, the version, and the pod that explains it. */
export interface RolloutFacts {
  workloadKind: WorkloadKind;
  /** Ready (for a Job, succeeded) pods and the desired number: `1/1`. */
  ready: number;
  desired: number;
  /** The workload's counts in words: `0/1 available · 1 updated · 0 ready`. */
  counts: string;
  /** The images of its pod template: the version it rolls out. */
  images: string[];
  /** The pod whose state explains a rollout that is not done, in its own words. */
  pod?: PodFault;
}

/** A pod's own words on why a workload is not rolled out. */
export interface PodFault {
  pod: string;
  container?: string;
  /** The kubelet's or the scheduler's reason: `ImagePullBackOff`, `CrashLoopBackOff`, `Unschedulable`. */
  reason: string;
  message: string;
  restarts?: number;
  since?: string;
}

interface ResultCommon extends ObjectRef {
  outcome: Outcome;
  /** True when this outcome counts as success for the command (`ready`, or `suspended` for suspend). */
  ok: boolean;
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

/** How a Flux object ended. */
export interface FluxResult extends ResultCommon {
  /** The kind table's entry: every question about the kind is asked of it. */
  fluxKind: FluxKind;
  /** Why the object is part of the run: asked for by the user, added as a source, or applied by a parent. */
  role: Role;
  /** For a child: the object whose inventory holds it. */
  parent?: ObjectRef;
  rollout?: undefined;
}

/** How a workload a Ready object applied rolled out (`workloads`). */
export interface WorkloadResult extends ResultCommon {
  fluxKind?: undefined;
  role: 'workload';
  /** The Flux object that applied it. */
  parent: ObjectRef;
  rollout: RolloutFacts;
}

export type ObjectResult = FluxResult | WorkloadResult;

/** A Flux object's result, not a workload's. */
export const isFluxResult = (result: ObjectResult): result is FluxResult => result.fluxKind !== undefined;

/** Why a result is part of the run: a planned object's role, or a workload judged after its parent was Ready. */
export type ResultRole = Role | 'workload';

/** What the soak (`stable-for`) watched, and how it ended. */
export interface SoakRecord {
  stableForMs: number;
  startedAt: string;
  endedAt: string;
  /** Held for the whole duration. */
  held: boolean;
  watched: { objects: number; workloads: number; pods: number; urls: number };
  /** What changed, when it broke. */
  broke?: { at: string; afterMs: number; what: string };
  /** Why it ended before its time without anything changing (the timeout, a cancelled job). */
  cutShort?: string;
}

/** How a `verify-url` answered. */
export interface ProbeResult {
  url: string;
  /** `any 2xx`, `200`, `200 with "v1.2.3"`. */
  expected: string;
  ok: boolean;
  /** Asked after Ready, or again during the soak. */
  stage: 'ready' | 'soak';
  attempts: number;
  /** From the first question to the answer that settled it. */
  elapsedMs: number;
  /** The answer that settled it (the last one when it never answered as expected). */
  answer?: ProbeAnswer;
  /** Why the last question got no answer (a refused connection, a timeout). */
  error?: string;
  /** What was wrong with the last answer. */
  why?: string;
  at: string;
}

export interface ProbeAnswer {
  status: number;
  /** The first characters of the body as text, not yet sanitised (each medium makes it safe). */
  excerpt: string;
  /** How long it took. */
  ms: number;
  /** A redirect to another host that was not followed. */
  redirect?: string;
}

export interface RunResult {
  command: Command;
  ready: boolean;
  results: ObjectResult[];
  durationMs: number;
  expectedRevision?: string;
  /** The `verify-url` answers, when asked. */
  probes?: ProbeResult[];
  /** The soak, when `stable-for` asked for one and the run got to it. */
  soak?: SoakRecord;
}

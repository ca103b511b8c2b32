// What `command: diff` finds, one record per Flux object it was asked about. The report, the outputs and
// the PR comment read only these types.
import type { ObjectRef } from '../flux/refs.js';
import type { KubeEvent } from '../flux/types.js';

/** What applying the checkout would do to one object (the flux CLI's words: created, drifted, deleted). */
export type ChangeKind = 'created' | 'configured' | 'deleted' | 'skipped';

/** One object the CLI named. `namespace` is empty for cluster-scoped objects. */
export interface ObjectChange {
  kind: string;
  namespace: string;
  name: string;
  change: ChangeKind;
  /** The CLI's per-field diff (configured objects only; Secret data masked by the CLI). */
  diff?: string;
}

/** A HelmRelease's own drift detection, as helm-controller records it: the CLI does not diff releases. */
export interface HelmDrift {
  /** spec.driftDetection.mode; `disabled` when unset, as the controller reads it. */
  mode: 'enabled' | 'warn' | 'disabled' | string;
  /** The Drifted condition: true, false, or undefined when the controller has not set it. */
  drifted?: boolean;
  reason?: string;
  message?: string;
  /** Recent DriftDetected events, newest last. */
  events: KubeEvent[];
}

/** How one object's diff ended: a union, so every reader handles every case. */
export type DiffOutcome =
  /** `changes` holds only objects the CLI skipped (kustomize.toolkit.fluxcd.io/reconcile: disabled...). */
  | { state: 'unchanged'; path: string; changes: ObjectChange[] }
  | { state: 'changed'; path: string; changes: ObjectChange[] }
  /** The CLI failed (build error, dry-run refused, deadline): its own message, and what it printed before. */
  | { state: 'failed'; path?: string; message: string; changes: ObjectChange[] }
  /** The source is not this repository and no `path-root` was given: nothing local to compare. */
  | { state: 'not-in-checkout'; message: string }
  /** Nothing the CLI can compare: the Kustomization applies to another cluster (spec.kubeConfig). */
  | { state: 'skipped'; message: string }
  | { state: 'helm-drift'; drift: HelmDrift };

export type DiffState = DiffOutcome['state'];

export type DiffResult = ObjectRef &
  DiffOutcome & {
    durationMs: number;
    /** For an object found by `follow`: the Kustomization that applied it. */
    parent?: ObjectRef;
  };

export interface DiffRun {
  results: DiffResult[];
  /** True when any object differs from what is in the checkout (created, configured, deleted, drifted). */
  changed: boolean;
  /** True when any diff failed. */
  failed: boolean;
  durationMs: number;
}

/** A difference: the CLI says applying would change something, or the release's controller saw drift. */
export function hasDifference(result: DiffOutcome): boolean {
  if (result.state === 'changed') return true;
  if (result.state === 'helm-drift') return result.drift.drifted === true;
  return false;
}

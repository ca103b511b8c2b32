// The outputs of `command: diff`: `changed` for an `if:`, `changes` for a later step's fromJSON().

import { shorten } from '../../base/text.js';
import type { ChangeKind, DiffResult, DiffRun, DiffState } from '../../diff/types.js';
import { refKey } from '../../flux/refs.js';

// Outputs share one size budget per job (1 MB): each diff is cut, and all diffs go when the whole is too big.
const MAX_DIFF_CHARS = 4_000;
const MAX_MESSAGE_CHARS = 4_000;
const MAX_CHANGES_BYTES = 512 * 1024;

export interface ObjectChangeRecord {
  kind: string;
  /** null for cluster-scoped objects. */
  namespace: string | null;
  name: string;
  change: ChangeKind;
  diff: string | null;
}

/** One record of `changes`. Every record has every key; absent values are null. */
export interface DiffRecord {
  kind: string;
  namespace: string;
  name: string;
  status: DiffState;
  /** For an object found by `follow`: the `Kind/namespace/name` of the Kustomization that applied it. */
  parent: string | null;
  /** The local folder diffed, relative to the checkout (`./apps`). */
  path: string | null;
  changes: ObjectChangeRecord[];
  /** Why the diff failed, in the flux CLI's words. */
  error: string | null;
  /** Why nothing was diffed (not in this checkout, skipped). */
  message: string | null;
  /** HelmReleases: their controller's drift detection. */
  driftDetection: {
    mode: string;
    drifted: boolean | null;
    reason: string | null;
    message: string | null;
  } | null;
}

function changesOf(result: DiffResult, withDiffs: boolean): ObjectChangeRecord[] {
  if (!('changes' in result)) return [];
  return result.changes.map((c) => ({
    kind: c.kind,
    namespace: c.namespace || null,
    name: c.name,
    change: c.change,
    diff: withDiffs && c.diff ? shorten(c.diff, MAX_DIFF_CHARS).text : null,
  }));
}

export function diffRecord(result: DiffResult, withDiffs = true): DiffRecord {
  const drift = result.state === 'helm-drift' ? result.drift : undefined;
  return {
    kind: result.kind,
    namespace: result.namespace,
    name: result.name,
    status: result.state,
    parent: result.parent ? refKey(result.parent) : null,
    path: 'path' in result && result.path ? result.path : null,
    changes: changesOf(result, withDiffs),
    error: result.state === 'failed' ? shorten(result.message, MAX_MESSAGE_CHARS).text : null,
    message: result.state === 'not-in-checkout' || result.state === 'skipped' ? result.message : null,
    driftDetection: drift
      ? {
          mode: drift.mode,
          drifted: drift.drifted ?? null,
          reason: drift.reason ?? null,
          message: drift.message ? shorten(drift.message, MAX_MESSAGE_CHARS).text : null,
        }
      : null,
  };
}

export function buildDiffOutputs(run: DiffRun): Record<'changed' | 'changes', string> {
  let changes = JSON.stringify(run.results.map((r) => diffRecord(r)));
  if (Buffer.byteLength(changes) > MAX_CHANGES_BYTES) {
    changes = JSON.stringify(run.results.map((r) => diffRecord(r, false)));
  }
  return { changed: run.changed ? 'true' : 'false', changes };
}

// A Kustomization's last runs (Flux 2.7+, `status.history`, fluxcd/pkg/apis/meta Snapshot): one entry per
// digest of what it applied and outcome, newest first, at most five. Read defensively: it is cluster text.
import { formatDuration, parseGoDuration } from '../base/duration.js';
import type { DetailSection, FluxObject } from './types.js';

export interface RunRecord {
  /** `sha256:<hex>` of the objects it built. */
  digest: string;
  /** The source revision, from the snapshot's metadata. */
  revision?: string;
  /** The reason the run ended with: ReconciliationSucceeded, HealthCheckFailed, ReconciliationFailed... */
  status: string;
  firstReconciled?: string;
  lastReconciled?: string;
  /** How long its last run took, in milliseconds. */
  durationMs?: number;
  /** How many runs ended so with this digest. */
  count?: number;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function durationOf(value: unknown): number | undefined {
  const written = text(value);
  if (!written) return undefined;
  try {
    return parseGoDuration(written);
  } catch {
    return undefined;
  }
}

function recordOf(entry: unknown): RunRecord | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const digest = text(e.digest);
  const status = text(e.lastReconciledStatus);
  if (!digest || !status) return undefined;
  const metadata =
    e.metadata && typeof e.metadata === 'object' ? (e.metadata as Record<string, unknown>) : {};
  const count = e.totalReconciliations;
  return {
    digest,
    revision: text(metadata.revision),
    status,
    firstReconciled: text(e.firstReconciled),
    lastReconciled: text(e.lastReconciled),
    durationMs: durationOf(e.lastReconciledDuration),
    count: typeof count === 'number' && Number.isFinite(count) ? count : undefined,
  };
}

/** The object's last runs, newest first; empty before Flux 2.7 or before its first run. */
export function runHistory(obj: FluxObject): RunRecord[] {
  const history: unknown = obj.status?.history;
  if (!Array.isArray(history)) return [];
  return history.map(recordOf).filter((r): r is RunRecord => r !== undefined);
}

/** The details section: what each recent run applied, how it ended, how long it took, how often. */
export function runHistoryDetails(obj: FluxObject): DetailSection[] {
  const runs = runHistory(obj);
  if (!runs.length) return [];
  const rows = runs.map((r) => [
    { text: r.revision ?? '' },
    { text: r.status },
    { text: r.durationMs === undefined ? '' : formatDuration(r.durationMs) },
    { text: r.count === undefined ? '' : String(r.count) },
    { time: r.lastReconciled },
    { text: r.digest },
  ]);
  return [
    {
      title: 'Last runs (newest first)',
      table: {
        headers: ['Revision', 'Ended with', 'Took', 'Runs', 'Last\u00a0run\u00a0(UTC)', 'Digest'],
        rows,
      },
    },
  ];
}

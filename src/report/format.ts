// How revisions, durations, times, outcomes and the cluster address are shown to a person.
import type { Outcome } from '../reconcile/types.js';

const LONG_HEX = /\b(sha1|sha256|sha384|sha512|blake3):([0-9a-f]{13,})\b/gi;
const BARE_COMMIT = /\b[0-9a-f]{40}\b/gi;
const BARE_DIGEST = /\b[0-9a-f]{64}\b/gi;

/**
 * Revisions inside a message shortened as the table shows them (`main@sha1:0123abcd`), so that a 40 or 64
 * character word never stretches a table cell. Used only where the full text is also shown elsewhere.
 */
export function shortRevisionsIn(text: string): string {
  return text
    .replace(LONG_HEX, (_whole, algorithm: string, hex: string) => {
      const keep = algorithm.toLowerCase() === 'sha1' ? 8 : 12;
      return `${algorithm}:${hex.slice(0, keep)}`;
    })
    .replace(BARE_COMMIT, (sha: string) => sha.slice(0, 8))
    .replace(BARE_DIGEST, (digest: string) => digest.slice(0, 12));
}

export { formatDuration, formatTime } from '../base/duration.js';

/**
 * Only the host (and port) of the API server URL: a kubeconfig `server` may carry user info or a query,
 * which must never reach the summary.
 */
export function serverHost(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    const url = new URL(server.includes('://') ? server : `https://${server}`);
    return url.host || undefined;
  } catch {
    return undefined;
  }
}

export interface OutcomeLook {
  label: string;
  emoji: string;
  /** The log's mark, as the flux CLI marks its own progress lines. */
  mark: string;
}

const OUTCOMES: Record<Outcome, OutcomeLook> = {
  ready: { label: 'Ready', emoji: '✅', mark: '✔' },
  failed: { label: 'Failed', emoji: '❌', mark: '✗' },
  'timed-out': { label: 'Timed out', emoji: '⏱️', mark: '✗' },
  suspended: { label: 'Suspended', emoji: '⏸️', mark: '◎' },
  skipped: { label: 'Skipped', emoji: '⏭️', mark: '◎' },
  cancelled: { label: 'Cancelled', emoji: '🚫', mark: '◎' },
};

export function outcomeLook(outcome: Outcome): OutcomeLook {
  return OUTCOMES[outcome];
}

/** Outcomes in the order a person wants to read them: problems first. */
export const OUTCOME_ORDER: readonly Outcome[] = [
  'failed',
  'timed-out',
  'cancelled',
  'suspended',
  'skipped',
  'ready',
];

// How each diff state and object change is shown: one table for the log, the summary and the PR comment.
import type { ChangeKind, DiffResult, ObjectChange } from '../../diff/types.js';

export interface Look {
  label: string;
  emoji: string;
  /** The log's mark, as the flux CLI marks its own lines. */
  mark: string;
}

export function resultLook(result: DiffResult): Look {
  switch (result.state) {
    case 'unchanged':
      return { label: 'No change', emoji: '✅', mark: '✔' };
    case 'changed':
      return { label: 'Changed', emoji: '✏️', mark: '±' };
    case 'failed':
      return { label: 'Failed', emoji: '❌', mark: '✗' };
    case 'not-in-checkout':
      return { label: 'Not in this checkout', emoji: '➖', mark: '◎' };
    case 'skipped':
      return { label: 'Skipped', emoji: '⏭️', mark: '◎' };
    case 'helm-drift': {
      const { mode, drifted } = result.drift;
      if (drifted === true) return { label: 'Drifted', emoji: '⚠️', mark: '±' };
      if (mode === 'disabled') return { label: 'Drift detection off', emoji: '➖', mark: '◎' };
      if (drifted === false) return { label: 'No drift', emoji: '✅', mark: '✔' };
      return { label: 'Drift not checked yet', emoji: '❔', mark: '◎' };
    }
  }
}

const CHANGES: Record<ChangeKind, Look> = {
  created: { label: 'created', emoji: '➕', mark: '+' },
  configured: { label: 'configured', emoji: '✏️', mark: '~' },
  deleted: { label: 'deleted', emoji: '🗑️', mark: '-' },
  skipped: { label: 'skipped', emoji: '⏭️', mark: '·' },
};

export function changeLook(change: ChangeKind): Look {
  return CHANGES[change];
}

/** `apps/settings`, or `apps` for a cluster-scoped object; `(unnamed)` when the CLI gave no name. */
export function objectName(change: Pick<ObjectChange, 'namespace' | 'name'>): string {
  if (!change.name) return '(unnamed)';
  return `${change.namespace ? `${change.namespace}/` : ''}${change.name}`;
}

/** `ConfigMap apps/settings`, or `Namespace apps` for a cluster-scoped object. */
export function describeObject(change: Pick<ObjectChange, 'kind' | 'namespace' | 'name'>): string {
  return `${change.kind} ${objectName(change)}`;
}

/** `1 created, 2 configured` in a fixed order; empty when nothing is listed. */
export function changeCounts(changes: readonly ObjectChange[]): string {
  return (Object.keys(CHANGES) as ChangeKind[])
    .map((kind) => [kind, changes.filter((c) => c.change === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${CHANGES[kind].label}`)
    .join(', ');
}

/** Problems first, then differences, then the rest; the run's order within each. */
export function readingOrder(results: readonly DiffResult[]): DiffResult[] {
  const rank = (r: DiffResult): number => {
    if (r.state === 'failed') return 0;
    if (r.state === 'changed' || (r.state === 'helm-drift' && r.drift.drifted)) return 1;
    if (r.state === 'not-in-checkout' || r.state === 'skipped') return 3;
    return 2;
  };
  return results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => rank(a.result) - rank(b.result) || a.index - b.index)
    .map(({ result }) => result);
}

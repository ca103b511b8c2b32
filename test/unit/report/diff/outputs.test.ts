import { describe, expect, it } from 'vitest';
import type { DiffResult, DiffRun } from '../../../../src/diff/types.js';
import { buildDiffOutputs, type DiffRecord } from '../../../../src/report/diff/outputs.js';

const ks = { kind: 'Kustomization', namespace: 'flux-system', durationMs: 10 };

function run(results: DiffResult[], changed = true): DiffRun {
  return { results, changed, failed: results.some((r) => r.state === 'failed'), durationMs: 10 };
}

describe('buildDiffOutputs', () => {
  it('writes one record per object, every key present, absent values null', () => {
    const outputs = buildDiffOutputs(
      run([
        {
          ...ks,
          name: 'apps',
          state: 'changed',
          path: './apps',
          changes: [
            {
              kind: 'ConfigMap',
              namespace: 'apps',
              name: 'a',
              change: 'configured',
              diff: 'data.v\n  - 1\n  + 2',
            },
            { kind: 'Namespace', namespace: '', name: 'shop', change: 'created' },
          ],
        },
        { ...ks, name: 'broken', state: 'failed', path: './broken', message: 'build failed', changes: [] },
        {
          ...ks,
          name: 'infra',
          state: 'not-in-checkout',
          message: 'Its source is another repository.',
          parent: { kind: 'Kustomization', namespace: 'flux-system', name: 'flux-system' },
        },
        {
          kind: 'HelmRelease',
          namespace: 'apps',
          name: 'web',
          durationMs: 5,
          state: 'helm-drift',
          drift: { mode: 'enabled', drifted: false, reason: 'NoDriftDetected', events: [] },
        },
      ]),
    );
    expect(outputs.changed).toBe('true');
    const records = JSON.parse(outputs.changes) as DiffRecord[];
    expect(records).toEqual([
      {
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'apps',
        status: 'changed',
        parent: null,
        path: './apps',
        changes: [
          {
            kind: 'ConfigMap',
            namespace: 'apps',
            name: 'a',
            change: 'configured',
            diff: 'data.v\n  - 1\n  + 2',
          },
          { kind: 'Namespace', namespace: null, name: 'shop', change: 'created', diff: null },
        ],
        error: null,
        message: null,
        driftDetection: null,
      },
      expect.objectContaining({ name: 'broken', status: 'failed', error: 'build failed', path: './broken' }),
      expect.objectContaining({
        name: 'infra',
        status: 'not-in-checkout',
        path: null,
        changes: [],
        parent: 'Kustomization/flux-system/flux-system',
      }),
      expect.objectContaining({
        name: 'web',
        status: 'helm-drift',
        driftDetection: { mode: 'enabled', drifted: false, reason: 'NoDriftDetected', message: null },
      }),
    ]);
    for (const record of records) expect(Object.keys(record)).toEqual(Object.keys(records[0]!));
  });

  it('cuts each diff, and leaves all diffs out when the whole would not fit the outputs', () => {
    const long = 'y'.repeat(10_000);
    const one = buildDiffOutputs(
      run([
        {
          ...ks,
          name: 'a',
          state: 'changed',
          path: './',
          changes: [{ kind: 'ConfigMap', namespace: 'a', name: 'b', change: 'configured', diff: long }],
        },
      ]),
    );
    const diff = (JSON.parse(one.changes) as DiffRecord[])[0]!.changes[0]!.diff!;
    expect(diff.length).toBeLessThanOrEqual(4_001);
    expect(diff.endsWith('…')).toBe(true);

    const manyChanges = Array.from({ length: 300 }, (_, i) => ({
      kind: 'ConfigMap',
      namespace: 'a',
      name: `cm-${i}`,
      change: 'configured' as const,
      diff: long,
    }));
    const big = buildDiffOutputs(
      run([{ ...ks, name: 'a', state: 'changed', path: './', changes: manyChanges }]),
    );
    expect(big.changes.length).toBeLessThan(100_000);
    const records = JSON.parse(big.changes) as DiffRecord[];
    expect(records[0]!.changes).toHaveLength(300);
    expect(records[0]!.changes.every((c) => c.diff === null)).toBe(true);
  });

  it('says false when nothing differs', () => {
    expect(
      buildDiffOutputs(run([{ ...ks, name: 'a', state: 'unchanged', path: './', changes: [] }], false))
        .changed,
    ).toBe('false');
  });
});

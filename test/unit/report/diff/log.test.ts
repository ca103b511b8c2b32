import { describe, expect, it } from 'vitest';
import { diffLine } from '../../../../src/report/diff/log.js';

const ks = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps', durationMs: 2100 };

describe('diffLine', () => {
  it('says per object what the diff found, on one line', () => {
    expect(
      diffLine({
        ...ks,
        state: 'changed',
        path: './apps',
        changes: [
          { kind: 'ConfigMap', namespace: 'a', name: 'b', change: 'configured' },
          { kind: 'ConfigMap', namespace: 'a', name: 'c', change: 'created' },
        ],
      }),
    ).toBe('± Kustomization flux-system/apps (./apps): 1 created, 1 configured in 2.1s');
    expect(diffLine({ ...ks, state: 'unchanged', path: './apps', changes: [] })).toBe(
      '✔ Kustomization flux-system/apps (./apps): no change in 2.1s',
    );
    expect(
      diffLine({ ...ks, state: 'failed', path: './apps', message: 'build:\n::error::x', changes: [] }),
    ).toBe('✗ Kustomization flux-system/apps (./apps): failed: build: ::error::x in 2.1s');
  });

  it('says that a HelmRelease is its drift detection, not a CLI diff', () => {
    expect(
      diffLine({
        kind: 'HelmRelease',
        namespace: 'apps',
        name: 'web',
        durationMs: 0,
        state: 'helm-drift',
        drift: { mode: 'disabled', events: [] },
      }),
    ).toBe(
      '◎ HelmRelease apps/web: drift detection off (drift detection disabled; no CLI diff for HelmReleases)',
    );
  });
});

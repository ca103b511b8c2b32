// A Kustomization's last runs (Flux 2.7+ status.history), from the payload kustomize-controller 1.9.5 wrote
// in the lab, and from what a cluster may hold instead (it is untrusted text).
import { describe, expect, it } from 'vitest';
import { runHistory, runHistoryDetails } from '../../../src/flux/history.js';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import checkFailed from '../../fixtures/status/kustomization-health-check-failed.json' with { type: 'json' };

const flux = (json: unknown): FluxObject => structuredClone(json) as FluxObject;

describe('runHistory', () => {
  it('reads what each run applied, how it ended, how long it took and how often', () => {
    expect(runHistory(flux(checkFailed))).toEqual([
      {
        digest: 'sha256:396b5c759715a54f87ce4d5345e75ca4685d2a1d4beabcf498658b46fb4c143d',
        revision: 'main@sha1:966a612dcb1b20c3bc58aa612b69126a22bc0926',
        status: 'HealthCheckFailed',
        firstReconciled: '2026-11-29T16:35:20Z',
        lastReconciled: '2026-11-29T16:35:20Z',
        durationMs: 11_116.595315,
        count: 1,
      },
    ]);
  });

  it('leaves out what is not a snapshot, and reads nothing from an object before Flux 2.7', () => {
    const obj = flux(checkFailed);
    obj.status!.history = [
      null,
      'x',
      { digest: 'sha256:1', lastReconciledStatus: 'ReconciliationSucceeded', lastReconciledDuration: 'soon' },
    ] as never;
    expect(runHistory(obj)).toEqual([
      {
        digest: 'sha256:1',
        status: 'ReconciliationSucceeded',
        revision: undefined,
        firstReconciled: undefined,
        lastReconciled: undefined,
        durationMs: undefined,
        count: undefined,
      },
    ]);
    delete obj.status!.history;
    expect(runHistory(obj)).toEqual([]);
    expect(runHistoryDetails(obj)).toEqual([]);
  });

  it('is the Kustomization kind’s own details section', () => {
    const [section] = KUSTOMIZATION.details!(flux(checkFailed));
    expect(section?.title).toBe('Last runs (newest first)');
    expect(section?.table?.rows[0]?.slice(0, 4)).toEqual([
      { text: 'main@sha1:966a612dcb1b20c3bc58aa612b69126a22bc0926' },
      { text: 'HealthCheckFailed' },
      { text: '11s' },
      { text: '1' },
    ]);
  });
});

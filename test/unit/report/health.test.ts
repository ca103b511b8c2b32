import { describe, expect, it } from 'vitest';
import type { FluxKind } from '../../../src/flux/kinds.js';
import { kindOf } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { collectHealth } from '../../../src/report/collect.js';
import { healthState, namespaceHealth } from '../../../src/report/health.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

const obj = (
  name: string,
  ready?: 'True' | 'False' | 'Unknown',
  extra: Partial<FluxObject> = {},
): FluxObject => ({
  metadata: { name, namespace: 'flux-system', generation: 1 },
  ...extra,
  status: {
    observedGeneration: 1,
    conditions: ready ? [{ type: 'Ready', status: ready, reason: `R-${name}`, message: `M-${name}` }] : [],
    ...extra.status,
  },
});

describe('healthState', () => {
  it('reads the state as flux get would', () => {
    expect(healthState(obj('a', 'True'))).toBe('ready');
    expect(healthState(obj('a', 'False'))).toBe('failing');
    expect(healthState(obj('a', 'Unknown'))).toBe('progressing');
    expect(healthState(obj('a'))).toBe('progressing');
    expect(healthState(obj('a', 'True', { spec: { suspend: true } }))).toBe('suspended');
    // Ready at an older generation is not Ready yet.
    expect(healthState(obj('a', 'True', { metadata: { name: 'a', generation: 2 } }))).toBe('progressing');
    const stalled = obj('a', 'Unknown');
    stalled.status!.conditions!.push({ type: 'Stalled', status: 'True', reason: 'RetriesExceeded' });
    expect(healthState(stalled)).toBe('failing');
  });
});

describe('namespaceHealth', () => {
  it('counts appliers per kind and sources together, names the failing ones, ignores static objects', () => {
    const health = namespaceHealth('flux-system', [
      {
        kind: kindOf('Kustomization'),
        items: [obj('infra', 'True'), obj('apps', 'False'), obj('old', 'True', { spec: { suspend: true } })],
      },
      { kind: kindOf('HelmRelease'), items: [obj('podinfo', 'Unknown')] },
      { kind: kindOf('GitRepository'), items: [obj('flux-system', 'True')] },
      {
        kind: kindOf('HelmRepository'),
        items: [obj('charts', 'False'), obj('oci-charts', undefined, { spec: { type: 'oci' } })],
      },
    ]);
    expect(health.groups.map(({ failingObjects: _, ...counts }) => counts)).toEqual([
      { label: 'Kustomizations', total: 3, ready: 1, failing: 1, suspended: 1, progressing: 0 },
      { label: 'HelmReleases', total: 1, ready: 0, failing: 0, suspended: 0, progressing: 1 },
      { label: 'Sources', total: 2, ready: 1, failing: 1, suspended: 0, progressing: 0 },
    ]);
    expect(health.groups.flatMap((g) => g.failingObjects)).toEqual([
      { kind: 'Kustomization', namespace: 'flux-system', name: 'apps', reason: 'R-apps', message: 'M-apps' },
      {
        kind: 'HelmRepository',
        namespace: 'flux-system',
        name: 'charts',
        reason: 'R-charts',
        message: 'M-charts',
      },
    ]);
  });
});

describe('collectHealth', () => {
  it('lists each kind in the namespace and reports a kind it cannot list instead of failing', async () => {
    const cluster = new (class extends FakeCluster {
      override async list(kind: FluxKind, namespace: string) {
        if (kind.kind === 'HelmRelease') {
          throw new Error('the server could not find the requested resource', {
            cause: new Error('404 Not Found'),
          });
        }
        return super.list(kind, namespace);
      }
    })();
    cluster.add('Kustomization', obj('apps', 'False'));
    cluster.add('Kustomization', {
      ...obj('elsewhere', 'False'),
      metadata: { name: 'elsewhere', namespace: 'other' },
    });
    cluster.add('GitRepository', obj('flux-system', 'True'));
    const health = await collectHealth(cluster, 'flux-system');
    expect(health.groups.map((g) => [g.label, g.total, g.failing])).toEqual([
      ['Kustomizations', 1, 1],
      ['Sources', 1, 0],
    ]);
    expect(health.unavailable).toEqual([
      { kind: 'HelmRelease', error: 'the server could not find the requested resource: 404 Not Found' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { FluxKind } from '../../../src/flux/kinds.js';
import type { ObjectRef } from '../../../src/flux/refs.js';
import type { FluxObject, KubeEvent } from '../../../src/flux/types.js';
import { collectRelated, relatedReads } from '../../../src/report/collect.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

/** A fake cluster with events per object and a kind whose reads are forbidden. */
class EventfulCluster extends FakeCluster {
  readonly eventsByKey = new Map<string, KubeEvent[]>();
  forbidden = '';
  override async events(ref: ObjectRef): Promise<KubeEvent[]> {
    await super.events(ref);
    return this.eventsByKey.get(`${ref.kind}/${ref.namespace}/${ref.name}`) ?? [];
  }
  override async get(kind: FluxKind, namespace: string, name: string): Promise<FluxObject | undefined> {
    if (kind.kind === this.forbidden)
      throw new Error(`${kind.plural} is forbidden: User "ci" cannot get resource`);
    return super.get(kind, namespace, name);
  }
}

const event = (kind: string, name: string, message: string): KubeEvent => ({
  type: 'Warning',
  reason: 'Failed',
  message,
  lastTimestamp: '2026-03-14T09:30:00Z',
  involvedObject: { kind, name, namespace: 'flux-system' },
});

describe('relatedReads', () => {
  it('asks for nothing when the run already holds every object and its events', () => {
    expect(relatedReads(SCENARIOS['dependency-blocked']!().run)).toEqual([]);
  });

  it('asks for the source and dependencies of failed objects that the run did not watch, once each', () => {
    const { run } = SCENARIOS['dependency-blocked']!();
    run.results = run.results.filter((r) => r.kind === 'Kustomization');
    for (const r of run.results) delete r.events;
    const reads = relatedReads(run).map(
      (r) => `${r.ref.kind}/${r.ref.name} object=${r.object} events=${r.events}`,
    );
    expect(reads).toEqual([
      'Kustomization/infra object=false events=true',
      'GitRepository/flux-system object=true events=true',
      'Kustomization/apps object=false events=true',
    ]);
  });
});

describe('collectRelated', () => {
  it('reads the missing source and the events, and records what it could not read', async () => {
    const cluster = new EventfulCluster();
    cluster.add('GitRepository', {
      metadata: { name: 'flux-system' },
      status: {
        conditions: [{ type: 'Ready', status: 'False', reason: 'GitOperationFailed', message: 'auth' }],
      },
    });
    cluster.eventsByKey.set('GitRepository/flux-system/flux-system', [
      event('GitRepository', 'flux-system', 'auth'),
    ]);
    cluster.eventsByKey.set('Kustomization/flux-system/apps', [event('Kustomization', 'apps', 'build')]);
    const { run } = SCENARIOS['kustomization-build-failed']!();
    run.results = run.results.filter((r) => r.name === 'apps');
    delete run.results[0]!.events;

    const related = await collectRelated(cluster, run);
    expect(
      related.get('GitRepository/flux-system/flux-system')?.object?.status?.conditions?.[0]?.reason,
    ).toBe('GitOperationFailed');
    expect(related.get('GitRepository/flux-system/flux-system')?.events?.[0]?.message).toBe('auth');
    expect(related.get('Kustomization/flux-system/apps')?.events?.[0]?.message).toBe('build');
    // infra is a dependency not in the run: read for its state.
    expect(related.get('Kustomization/flux-system/infra')?.error).toBe('not found');

    cluster.forbidden = 'GitRepository';
    const denied = await collectRelated(cluster, run);
    expect(denied.get('GitRepository/flux-system/flux-system')?.error).toBe(
      'gitrepositories is forbidden: User "ci" cannot get resource',
    );
  });
});

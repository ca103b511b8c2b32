import { describe, expect, it } from 'vitest';
import type { FluxKind } from '../../../src/flux/kinds.js';
import type { ObjectRef } from '../../../src/flux/refs.js';
import type { FluxObject, KubeEvent } from '../../../src/flux/types.js';
import { collectRelated, relatedReads } from '../../../src/report/collect.js';
import { KS_NAMESPACE as KS } from '../../fixtures/report/captured.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';
import unreachableGit from '../../fixtures/status/gitrepository-failed-unreachable.json' with {
  type: 'json',
};
import brokenYaml from '../../fixtures/status/kustomization-failed-invalid-yaml.json' with { type: 'json' };
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
  involvedObject: { kind, name, namespace: KS },
});

describe('relatedReads', () => {
  it('asks only for what the run lacks: here the events of the failed object’s source', () => {
    const reads = relatedReads(SCENARIOS['dependency-blocked']!().run);
    expect(reads.map(describe_)).toEqual(['GitRepository/fixtures object=false events=true']);
  });

  it('asks for the source and dependencies of failed objects that the run did not watch, once each', () => {
    const { run } = SCENARIOS['dependency-blocked']!();
    run.results = run.results.filter((r) => r.kind === 'Kustomization');
    for (const r of run.results) delete r.events;
    expect(relatedReads(run).map(describe_)).toEqual([
      'Kustomization/broken-yaml object=false events=true',
      'GitRepository/fixtures object=true events=true',
      'Kustomization/dependent object=false events=true',
    ]);
  });
});

describe('collectRelated', () => {
  it('reads the missing source, the dependency and the events, and records what it could not read', async () => {
    const cluster = new EventfulCluster();
    // Real captured objects: a GitRepository that cannot clone (put in this scenario's place), the failed parent.
    const git = structuredClone(unreachableGit) as FluxObject;
    git.metadata = { ...git.metadata, name: 'fixtures', namespace: KS };
    cluster.add('GitRepository', git);
    cluster.add('Kustomization', structuredClone(brokenYaml) as FluxObject);
    cluster.eventsByKey.set(`GitRepository/${KS}/fixtures`, [
      event('GitRepository', 'fixtures', 'cannot clone'),
    ]);
    cluster.eventsByKey.set(`Kustomization/${KS}/dependent`, [
      event('Kustomization', 'dependent', 'waiting'),
    ]);
    const { run } = SCENARIOS['dependency-blocked']!();
    run.results = run.results.filter((r) => r.name === 'dependent');
    delete run.results[0]!.events;

    const related = await collectRelated(cluster, run);
    expect(related.get(`GitRepository/${KS}/fixtures`)?.object?.status?.conditions?.[1]?.reason).toBe(
      'GitOperationFailed',
    );
    expect(related.get(`GitRepository/${KS}/fixtures`)?.events?.[0]?.message).toBe('cannot clone');
    expect(related.get(`Kustomization/${KS}/dependent`)?.events?.[0]?.message).toBe('waiting');
    // The parent is not in this run: read for its state, not its events.
    const parent = related.get(`Kustomization/${KS}/broken-yaml`);
    expect(parent?.object?.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('BuildFailed');
    expect(parent?.events).toBeUndefined();

    cluster.forbidden = 'GitRepository';
    const denied = await collectRelated(cluster, run);
    expect(denied.get(`GitRepository/${KS}/fixtures`)?.error).toBe(
      'gitrepositories is forbidden: User "ci" cannot get resource',
    );
  });

  it('says "not found" for a dependency that does not exist', async () => {
    const { run } = SCENARIOS['dependency-blocked']!();
    run.results = run.results.filter((r) => r.name === 'dependent');
    const related = await collectRelated(new EventfulCluster(), run);
    expect(related.get(`Kustomization/${KS}/broken-yaml`)?.error).toBe('not found');
  });
});

function describe_(r: { ref: { kind: string; name: string }; object: boolean; events: boolean }): string {
  return `${r.ref.kind}/${r.ref.name} object=${r.object} events=${r.events}`;
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../../src/diff/run.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

// The paths that never start the CLI: a HelmRelease, a Kustomization of another repository or cluster, and
// a CLI that cannot be started. What the CLI itself says is proven on the lab (test/e2e/scenarios/diff.test.ts).
let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'diff-run-'));
  await mkdir(join(root, 'apps'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function cluster(): FakeCluster {
  const fake = new FakeCluster();
  fake.add('GitRepository', { metadata: { name: 'fleet' }, spec: { url: 'https://github.com/org/fleet' } });
  fake.add('GitRepository', { metadata: { name: 'infra' }, spec: { url: 'https://github.com/org/infra' } });
  const ks = (name: string, source: string, extra: Record<string, unknown> = {}) =>
    fake.add('Kustomization', {
      metadata: { name },
      spec: { path: './apps', sourceRef: { kind: 'GitRepository', name: source }, ...extra },
    });
  ks('apps', 'fleet');
  ks('infra', 'infra');
  ks('remote', 'fleet', { kubeConfig: { secretRef: { name: 'kubeconfig' } } });
  fake.update('Kustomization', 'flux-system', 'remote', (o) => {
    o.status = {
      inventory: { entries: [{ id: 'apps_api_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' }] },
    };
  });
  fake.add('HelmRelease', {
    metadata: { name: 'web' },
    spec: { driftDetection: { mode: 'warn' } },
    status: {
      conditions: [
        { type: 'Drifted', status: 'True', reason: 'DriftDetected', message: 'ConfigMap/a/b changed' },
      ],
    },
  });
  return fake;
}

describe('runDiff', () => {
  it('gives every object a result, in the plan order, without the CLI where none is needed', async () => {
    const fake = cluster();
    const plan = await buildPlan(fake, {
      selectors: [],
      all: true,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    const finished: string[] = [];
    const run = await runDiff(fake, plan.objects, {
      checkout: { root, given: false, remotes: ['git@github.com:org/fleet.git'] },
      connection: { fluxPath: join(root, 'no-flux-here'), context: 'c', inMemoryBuild: true, root },
      timeoutMs: 60_000,
      hooks: { finished: (r) => finished.push(r.name) },
    });
    const byName = new Map(run.results.map((r) => [r.name, r]));
    expect(run.results.map((r) => r.name)).toEqual(plan.objects.map((o) => o.ref.name));
    expect(finished.sort()).toEqual(['apps', 'infra', 'remote', 'web']);
    expect(byName.get('apps')).toMatchObject({ state: 'failed', path: './apps' });
    expect((byName.get('apps') as { message: string }).message).toMatch(
      /^Could not run .*no-flux-here: .*ENOENT/,
    );
    expect(byName.get('infra')).toMatchObject({ state: 'not-in-checkout' });
    expect(byName.get('remote')).toMatchObject({ state: 'skipped' });
    expect((byName.get('remote') as { message: string }).message).toBe(
      'It applies to another cluster (spec.kubeConfig); flux diff can only dry-run against this one. 1 Flux object it applied there was not followed (Kustomization apps/api).',
    );
    expect(byName.get('web')).toMatchObject({
      state: 'helm-drift',
      drift: {
        mode: 'warn',
        drifted: true,
        reason: 'DriftDetected',
        message: 'ConfigMap/a/b changed',
        events: [],
      },
    });
    expect(run).toMatchObject({ changed: true, failed: true });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import type { Command } from '../../../src/inputs/commands.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { runPlan } from '../../../src/reconcile/run.js';
import { annotationsFor } from '../../../src/report/annotations.js';
import { finalState } from '../../../src/report/github/wording.js';
import { buildOutputs, writeOutputs } from '../../../src/report/outputs.js';
import {
  APP_HELM_CHART,
  FIRST_COMMIT,
  HELM_NAMESPACE as HELM,
  KS_NAMESPACE as KS,
  PUSHED_COMMIT,
} from '../../fixtures/report/captured.js';
import { resultFrom, SCENARIOS } from '../../fixtures/report/scenarios.js';
import receiverReady from '../../fixtures/status/receiver-ready.json' with { type: 'json' };
import { FakeCluster, handleAndSucceed } from '../../helpers/fake-cluster.js';

describe('buildOutputs', () => {
  it('success: ready true, one record per object with full revisions, nothing failed', () => {
    const out = buildOutputs(SCENARIOS.success!().run);
    expect(out.ready).toBe('true');
    expect(JSON.parse(out.failed)).toEqual([]);
    const results = JSON.parse(out.results);
    expect(results).toHaveLength(4);
    expect(results[1]).toEqual({
      kind: 'Kustomization',
      namespace: KS,
      name: 'ready',
      outcome: 'ready',
      ok: true,
      role: 'requested',
      revisionBefore: `main@sha1:${FIRST_COMMIT}`,
      revisionAfter: `main@sha1:${PUSHED_COMMIT}`,
      revisionAttempted: null,
      revisionNote: null,
      parent: null,
      expectedRevision: PUSHED_COMMIT,
      durationMs: 2874,
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: main@sha1:${PUSHED_COMMIT}`,
      waitedOn: null,
      rollout: null,
    });
    // Records, not objects: no status, conditions or events leak into the output.
    expect(out.results).not.toContain('conditions');
    expect(out.results).not.toContain('lastHandledReconcileAt');
    expect(JSON.parse(out.revisions)).toEqual({
      [`GitRepository/${KS}/fixtures`]: `main@sha1:${PUSHED_COMMIT}`,
      [`Kustomization/${KS}/ready`]: `main@sha1:${PUSHED_COMMIT}`,
      [`HelmChart/${APP_HELM_CHART}`]: '1.1.0',
      [`HelmRelease/${HELM}/app`]: '1.1.0',
    });
  });

  it('dependency chain: ready false and the failed and skipped objects listed by key', () => {
    const out = buildOutputs(SCENARIOS['dependency-blocked']!().run);
    expect(out.ready).toBe('false');
    expect(JSON.parse(out.failed)).toEqual([
      `Kustomization/${KS}/broken-yaml`,
      `Kustomization/${KS}/dependent`,
    ]);
    const dependent = JSON.parse(out.results)[2];
    expect(dependent).toMatchObject({
      outcome: 'skipped',
      ok: false,
      waitedOn: `Kustomization ${KS}/broken-yaml`,
    });
    // An object that never applied anything has no revision to report.
    expect(JSON.parse(out.revisions)).toEqual({
      [`GitRepository/${KS}/fixtures`]: `main@sha1:${FIRST_COMMIT}`,
    });
  });

  it('a stalled HelmRelease carries the Helm error in its message, not only "Failed to upgrade"', () => {
    const [hr] = JSON.parse(buildOutputs(SCENARIOS['helm-upgrade-failed']!().run).results);
    expect(hr.reason).toBe('RetriesExceeded');
    expect(hr.message).toMatch(new RegExp(`^UpgradeFailed: Helm upgrade failed for release ${HELM}/app`));
    expect(hr.message).toMatch(/Failed to upgrade after 2 attempt\(s\)$/);
  });

  it('caps a huge message so the job’s output budget is not spent on one object', () => {
    const { run } = SCENARIOS.success!();
    run.results[0]!.message = 'x'.repeat(100_000);
    const [first] = JSON.parse(buildOutputs(run).results);
    expect(first.message.length).toBeLessThanOrEqual(4001);
  });
});

describe('outputs of a Receiver', () => {
  it('never carry its webhook digest, which its Ready message names', () => {
    const digest = receiverReady.status.webhookPath.replace('/hook/', '');
    const receiver = resultFrom(structuredClone(receiverReady) as FluxObject, { durationMs: 1 });
    expect(receiver.message).toContain(digest);
    const out = buildOutputs({ command: 'reconcile', ready: true, results: [receiver], durationMs: 1 });
    expect(JSON.stringify(out)).not.toContain(digest);
    expect(JSON.parse(out.results)[0].message).toBe('Receiver initialized for path: /hook/***');
  });
});

describe("outputs within GitHub's limit of 1 MB per job", () => {
  /** A run of `n` objects, every `failEvery`-th failed, each with a message of `chars` characters. */
  function bigRun(n: number, chars: number, failEvery = 10) {
    const { run } = SCENARIOS.success!();
    const template = run.results[1]!;
    run.results = Array.from({ length: n }, (_, i) => ({
      ...template,
      name: `app-${String(i).padStart(5, '0')}`,
      ok: i % failEvery !== 0,
      outcome: i % failEvery !== 0 ? ('ready' as const) : ('failed' as const),
      message: `object ${i}: ${'m'.repeat(chars)}`,
    }));
    return run;
  }
  const total = (out: ReturnType<typeof buildOutputs>) =>
    out.ready.length + out.results.length + out.revisions.length + out.failed.length;

  it('keeps every record and shortens messages when that is enough, and says so', () => {
    const out = buildOutputs(bigRun(300, 3000));
    const results = JSON.parse(out.results);
    expect(results).toHaveLength(300);
    expect(results[0].message.length).toBeLessThanOrEqual(301);
    expect(out.results.length).toBeLessThanOrEqual(256 * 1024);
    expect(out.note).toMatch(
      /^The outputs are cut to stay within GitHub's limit of 1 MB of outputs per job: `results` shortens messages to 300 characters\./,
    );
  });

  it('lists the objects that did not end ok first when not every record fits, and counts what it left out', () => {
    const out = buildOutputs(bigRun(5000, 3000, 50));
    const results = JSON.parse(out.results) as Array<{ ok: boolean; name: string }>;
    expect(results.filter((r) => !r.ok)).toHaveLength(100);
    expect(results.length).toBeLessThan(5000);
    // Still in the run's order.
    expect(results.map((r) => r.name)).toEqual([...results.map((r) => r.name)].sort());
    expect(total(out)).toBeLessThanOrEqual(400 * 1024);
    expect(out.note).toContain(`\`results\` lists ${results.length} of 5000`);
    expect(out.note).toContain('The job summary and the log have every object.');
  });

  it('says nothing when everything fits', () => {
    expect(buildOutputs(bigRun(50, 100)).note).toBeUndefined();
  });
});

describe('writeOutputs', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-outputs-'));
    saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = join(dir, 'output');
    writeFileSync(process.env.GITHUB_OUTPUT, '');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT;
    else process.env.GITHUB_OUTPUT = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every output to the runner’s output file, where the runner reads them back', () => {
    writeOutputs(SCENARIOS['kustomization-build-failed']!().run);
    const written = readOutputFile(readFileSync(join(dir, 'output'), 'utf8'));
    expect(Object.keys(written).sort()).toEqual(['failed', 'ready', 'results', 'revisions']);
    expect(written.ready).toBe('false');
    expect(JSON.parse(written.failed!)).toEqual([`Kustomization/${KS}/broken-yaml`]);
    expect(JSON.parse(written.results!)[2].message).toMatch(/^failed to decode Kubernetes YAML/);
  });
});

describe('objects that end ok without being Ready', () => {
  /** Runs `command` on the named objects of flux-system with the run loop, against a cluster that answers. */
  async function runOn(cluster: FakeCluster, command: Command, objects: Array<[string, string]>) {
    cluster.controllers.set(
      'Kustomization',
      handleAndSucceed(() => `main@sha1:${PUSHED_COMMIT}`),
    );
    const selectors = objects.map(([kind, name]) => ({ kind, namespace: 'flux-system', name }));
    const plan = await buildPlan(cluster, {
      selectors,
      all: false,
      namespace: 'flux-system',
      labelSelector: '',
      withSource: false,
    });
    const options = { command, revision: '', timeoutMs: 30_000, failFastGraceMs: 0, follow: false };
    return runPlan(cluster, plan, { ...options, force: false, reset: false });
  }

  function clusterWith(...names: string[]): FakeCluster {
    const cluster = new FakeCluster();
    for (const name of names) {
      cluster.add('Kustomization', {
        metadata: { name },
        spec: { sourceRef: { kind: 'GitRepository', name: 'fleet' } },
        status: { lastAppliedRevision: `main@sha1:${FIRST_COMMIT}`, observedGeneration: 1 },
      });
    }
    return cluster;
  }

  /** What every reader of a finished run says about it: green, nothing failed, nothing to annotate. */
  function expectGreen(run: Awaited<ReturnType<typeof runOn>>) {
    const out = buildOutputs(run);
    expect(out.ready).toBe('true');
    expect(JSON.parse(out.failed)).toEqual([]);
    expect(annotationsFor(run).filter((a) => a.level === 'error')).toEqual([]);
    expect(finalState(run)).toBe('success');
  }

  it('a static Alert beside a Ready Kustomization: skipped, ok, and not failed', async () => {
    const cluster = clusterWith('apps');
    cluster.add('Alert', { metadata: { name: 'on-call' }, spec: { providerRef: { name: 'slack' } } });
    const run = await runOn(cluster, 'reconcile', [
      ['Kustomization', 'apps'],
      ['Alert', 'on-call'],
    ]);
    expect(run.results).toHaveLength(2);
    expect(run.results.map((r) => [r.kind, r.outcome, r.ok])).toEqual(
      expect.arrayContaining([
        ['Kustomization', 'ready', true],
        ['Alert', 'skipped', true],
      ]),
    );
    expectGreen(run);
  });

  it('a suspend run: every object suspended, ok, and not failed', async () => {
    const run = await runOn(clusterWith('apps', 'infra'), 'suspend', [
      ['Kustomization', 'apps'],
      ['Kustomization', 'infra'],
    ]);
    expect(run.results.map((r) => [r.name, r.outcome, r.ok])).toEqual([
      ['apps', 'suspended', true],
      ['infra', 'suspended', true],
    ]);
    expectGreen(run);
  });

  it('a suspend run over a static Alert: skipped, ok, and not failed', async () => {
    const cluster = clusterWith('apps');
    cluster.add('Alert', { metadata: { name: 'on-call' }, spec: { providerRef: { name: 'slack' } } });
    const run = await runOn(cluster, 'suspend', [
      ['Kustomization', 'apps'],
      ['Alert', 'on-call'],
    ]);
    expect(run.results).toHaveLength(2);
    expect(run.results.map((r) => [r.kind, r.outcome, r.ok])).toEqual(
      expect.arrayContaining([
        ['Kustomization', 'suspended', true],
        ['Alert', 'skipped', true],
      ]),
    );
    expectGreen(run);
  });
});

/** Parses the runner's `name<<DELIMITER` file-command format. */
function readOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    out[m[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}

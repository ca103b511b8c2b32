// `npm run bench`: figures on the real lab, printed (never asserted) with the flux CLI's figures beside them.
// The vitest project "bench" runs this file with the same globalSetup (one lab) as the e2e tests.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { benchInstall } from '../../scripts/bench/install.mjs';
import type { GitRepo } from '../e2e/lab/git-repo.js';
import { runOk } from '../e2e/lab/run.js';
import { useLab } from '../e2e/lab/use-lab.js';
import {
  configMap,
  gitRepository,
  kustomization,
  newJobDir,
  removeJobDir,
  resultsOf,
  runStep,
} from '../e2e/support.js';
import { type Sample, sampleProcess } from './process-sampler.js';

const lab = useLab();
const N = 20;
const MANY = 400;
const CLI_FAILURE_TIMEOUT = '1m';
let ns = '';
let repo: GitRepo;
let jobDir = '';

interface Row {
  scenario: string;
  action: string;
  cli: string;
  ratio: string;
}
const rows: Row[] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ratio = (cli: number, action: number) => `${(cli / action).toFixed(1)}× faster`;

beforeAll(async () => {
  ns = await lab.namespace('bench');
  repo = await lab.createGitRepo('bench');
  jobDir = await newJobDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < N; i++) files[`apps/app-${i}/cm.yaml`] = configMap(`app-${i}`, { i: String(i) });
  for (const n of ['a', 'b', 'c']) files[`chain/${n}/cm.yaml`] = configMap(`chain-${n}`, { n });
  files['broken/cm.yaml'] = configMap('broken', { ok: 'yes' });
  await repo.commit(files, 'bench fleet');
  await lab.apply([
    gitRepository('fleet', repo.url, { namespace: ns }),
    ...Array.from({ length: N }, (_, i) => kustomization(`app-${i}`, `./apps/app-${i}`, { namespace: ns })),
    kustomization('a', './chain/a', { namespace: ns }),
    kustomization('b', './chain/b', { namespace: ns, dependsOn: ['a'] }),
    kustomization('c', './chain/c', { namespace: ns, dependsOn: ['b'] }),
    kustomization('broken', './broken', { namespace: ns }),
  ]);
  for (let i = 0; i < N; i++) await lab.waitForReady('Kustomization', ns, `app-${i}`, { timeoutMs: 180_000 });
  await lab.waitForReady('Kustomization', ns, 'c', { timeoutMs: 180_000 });
  await lab.waitForReady('Kustomization', ns, 'broken', { timeoutMs: 180_000 });
}, 600_000);

afterAll(async () => {
  await removeJobDir(jobDir);
  const table = [
    '| Scenario | flux-reconcile | `flux reconcile` | Ratio |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.action} | ${r.cli} | ${r.ratio} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  await writeFile('bench-results.md', `${table}\n`);
});

/** The status kustomize-controller writes after applying a revision, through the status subresource. */
async function markReady(namespace: string, name: string): Promise<void> {
  const revision = `main@sha1:${'a'.repeat(40)}`;
  await lab.kube.request(
    'PATCH',
    `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${namespace}/kustomizations/${name}/status`,
    {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          observedGeneration: 1,
          lastAppliedRevision: revision,
          lastAttemptedRevision: revision,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'ReconciliationSucceeded',
              message: `Applied revision: ${revision}`,
              lastTransitionTime: new Date().toISOString(),
              observedGeneration: 1,
            },
          ],
        },
      },
    },
  );
}

interface Measured {
  step: Awaited<ReturnType<typeof runStep>>;
  requests: number;
  sample: Sample | undefined;
}

/** One step with the process sampled: peak connections to the API server and peak RSS. */
async function measuredStep(inputs: Record<string, string>): Promise<Measured> {
  const port = Number(new URL(lab.info.apiServerUrl).port);
  let sampler: { stop: () => Promise<Sample> } | undefined;
  const step = await runStep(lab, inputs, {
    jobDir,
    timeoutMs: 900_000,
    onStart: (pid) => {
      sampler = sampleProcess(pid, port);
    },
  });
  const sample = await sampler?.stop();
  return { step, requests: Number(/; (\d+) API requests/.exec(step.stdout)?.[1]), sample };
}

function manyRow(scenario: string, { step, requests, sample }: Measured): Row {
  const rss = ((sample?.peakRssBytes ?? 0) / 1024 / 1024).toFixed(0);
  return {
    scenario: `${scenario}: wall time · API requests (per object) · peak connections (≤ 32) · peak RSS (≤ 150 MB)`,
    action: `${seconds(step.durationMs)} · ${requests} (${(requests / MANY).toFixed(2)}) · ${sample?.peakConnections} · ${rss} MB`,
    cli: '—',
    ratio: '—',
  };
}

async function cliLoop(names: string[]): Promise<{ totalMs: number; slowestMs: number }> {
  let slowestMs = 0;
  const started = performance.now();
  for (const name of names) {
    const result = await lab.flux(['reconcile', 'ks', name, '-n', ns, '--timeout', '2m']);
    if (result.code !== 0) throw new Error(`flux reconcile ks ${name}: ${result.stderr}`);
    slowestMs = Math.max(slowestMs, result.durationMs);
  }
  return { totalMs: performance.now() - started, slowestMs };
}

describe('benchmarks', () => {
  it(`${N} independent Kustomizations: one step vs a flux reconcile loop`, async () => {
    const names = Array.from({ length: N }, (_, i) => `app-${i}`);
    const step = await runStep(
      lab,
      { resources: names.map((n) => `ks/${n}`).join('\n'), namespace: ns, timeout: '5m' },
      { jobDir },
    );
    if (step.exitCode !== 0) throw new Error(step.log);
    const slowestInAction = Math.max(...resultsOf(step).map((r) => r.durationMs));
    const loop = await cliLoop(names);
    rows.push({
      scenario: `${N} independent Kustomizations, all Ready`,
      action: seconds(step.durationMs),
      cli: `${seconds(loop.totalMs)} (a loop)`,
      ratio: ratio(loop.totalMs, step.durationMs),
    });
    // The same step for the slowest object alone: what the 20 cost beyond one. kustomize-controller works on
    // --concurrent (default 4) objects at a time, which bounds how close this can get to 1.
    const slowest = resultsOf(step).reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    const alone = await runStep(
      lab,
      { resources: `ks/${slowest.name}`, namespace: ns, timeout: '5m' },
      { jobDir },
    );
    rows.push({
      scenario: `… the same ${N} vs the slowest of them alone (both with the action)`,
      action: seconds(step.durationMs),
      cli: `${seconds(alone.durationMs)} (${slowest.name} alone; ${seconds(slowestInAction)} of it waiting in the run of ${N})`,
      ratio: `${(step.durationMs / alone.durationMs).toFixed(2)}× the single object`,
    });
    const requests = Number(/; (\d+) API requests/.exec(step.stdout)?.[1]);
    rows.push({
      scenario: 'API requests per object (20 objects)',
      action: (requests / N).toFixed(2),
      cli: '—',
      ratio: '—',
    });
  });

  it('requests per object stay constant however long the wait', async () => {
    // A gate waiting for a revision that never comes: the request count does not grow with the wait.
    const counts: string[] = [];
    for (const timeout of ['2s', '20s']) {
      const step = await runStep(
        lab,
        { command: 'wait', resources: 'ks/a', namespace: ns, revision: 'e'.repeat(40), timeout },
        { jobDir },
      );
      counts.push(`${/; (\d+) API requests/.exec(step.stdout)?.[1]} (${timeout})`);
    }
    rows.push({
      scenario: 'API requests for one object waited on for 2 s / 20 s',
      action: counts.join(' / '),
      cli: '—',
      ratio: '—',
    });
  });

  it('failure detection: a broken manifest', async () => {
    // The action fetches the broken commit itself (with-source), so the controller writes the failure
    // during the step: Ready=False with lastAttemptedRevision at that commit.
    const sha = await repo.commit({ 'broken/cm.yaml': 'kind: ConfigMap\ndata: [\n' }, 'break');
    type Status = { lastAttemptedRevision?: string; conditions?: { type: string; status: string }[] };
    let failedSeenAt = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching && failedSeenAt === 0) {
        const status = (await lab.get('Kustomization', ns, 'broken'))?.status as Status | undefined;
        const ready = status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status === 'False' && status?.lastAttemptedRevision?.endsWith(sha))
          failedSeenAt = performance.now();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const started = performance.now();
    const step = await runStep(
      lab,
      { resources: 'ks/broken', namespace: ns, 'with-source': 'true', timeout: '2m' },
      { jobDir },
    );
    // When the main step's process ended (runStep goes on with the post step and its checks).
    const exitedAt = started + step.durationMs;
    watching = false;
    await watcher;
    const lag = failedSeenAt ? `${seconds(Math.max(0, exitedAt - failedSeenAt))}` : 'n/a';
    const cli = await lab.flux(['reconcile', 'ks', 'broken', '-n', ns, '--timeout', CLI_FAILURE_TIMEOUT]);
    rows.push({
      scenario: 'A broken manifest: time until the step fails',
      action: `${seconds(step.durationMs)} (exit ${lag} after the controller wrote the failure)`,
      cli: `${seconds(cli.durationMs)} (--timeout ${CLI_FAILURE_TIMEOUT}, exit ${cli.code})`,
      ratio: ratio(cli.durationMs, step.durationMs),
    });
    await repo.commit({ 'broken/cm.yaml': configMap('broken', { ok: 'again' }) }, 'mend');
  });

  it('a 3-deep dependsOn chain: one step vs a flux reconcile loop', async () => {
    const step = await runStep(
      lab,
      { resources: 'ks/a, ks/b, ks/c', namespace: ns, timeout: '5m' },
      { jobDir },
    );
    if (step.exitCode !== 0) throw new Error(step.log);
    const loop = await cliLoop(['a', 'b', 'c']);
    rows.push({
      scenario: 'A 3-deep `dependsOn` chain',
      action: seconds(step.durationMs),
      cli: `${seconds(loop.totalMs)} (a loop)`,
      ratio: ratio(loop.totalMs, step.durationMs),
    });
  });

  it(`${N} Kustomizations diffed against the checkout: one step vs a flux diff loop`, async () => {
    // The workspace is a clone of what Flux applied: every diff builds, dry-runs and finds nothing.
    const workspace = join(jobDir, 'workspace');
    await rm(workspace, { recursive: true, force: true });
    await runOk('git', ['clone', '--quiet', repo.url, workspace]);
    const names = Array.from({ length: N }, (_, i) => `app-${i}`);
    const step = await runStep(
      lab,
      { command: 'diff', resources: names.map((n) => `ks/${n}`).join('\n'), namespace: ns, timeout: '5m' },
      { jobDir },
    );
    if (step.exitCode !== 0) throw new Error(step.log);
    const started = performance.now();
    for (const name of names) {
      const args = [
        'diff',
        'ks',
        name,
        '-n',
        ns,
        '--path',
        join(workspace, 'apps', name),
        '--progress-bar=false',
      ];
      const result = await lab.flux(args);
      if (result.code !== 0) throw new Error(`flux diff ks ${name}: ${result.stderr}`);
    }
    const loopMs = performance.now() - started;
    rows.push({
      scenario: `${N} Kustomizations diffed against the checkout (\`command: diff\`)`,
      action: seconds(step.durationMs),
      cli: `${seconds(loopMs)} (a \`flux diff ks\` loop)`,
      ratio: ratio(loopMs, step.durationMs),
    });
  });

  it(`${MANY} Kustomizations in one step: wall time, API requests, connections, memory`, async () => {
    // What the action itself costs at scale, without 400 reconciles of kustomize-controller on a shared
    // machine: the controller is stopped and each object gets the Ready status it would have written.
    const many = await lab.namespace('bench-many');
    const names = Array.from({ length: MANY }, (_, i) => `app-${i}`);
    await lab.stopController('kustomize-controller');
    try {
      await lab.apply(names.map((name) => kustomization(name, `./many/${name}`, { namespace: many })));
      await Promise.all(names.map((name) => markReady(many, name)));
      const gate = await measuredStep({
        command: 'wait',
        resources: 'kustomization/*',
        namespace: many,
        timeout: '10m',
      });
      if (gate.step.exitCode !== 0) throw new Error(gate.step.log.slice(-4000));
      rows.push(manyRow(`${MANY} Ready Kustomizations, \`command: wait\``, gate));
      // Every object requested (a PATCH each) and never handled: the request load, then 400 timeouts.
      const request = await measuredStep({ resources: 'kustomization/*', namespace: many, timeout: '30s' });
      rows.push(manyRow(`${MANY} Kustomizations requested, none handled (\`timeout: 30s\`)`, request));
    } finally {
      await lab.startController('kustomize-controller');
    }
  });

  it('install and start', async () => {
    const figures: Array<{ name: string; value: number; unit: string }> = await benchInstall();
    const [start, cold, cached] = figures.map((f) => f.value);
    rows.push({
      scenario: 'Installing the flux CLI: cold / cached (whole step)',
      action: `${cold!.toFixed(0)} ms / ${cached!.toFixed(0)} ms`,
      cli: '—',
      ratio: '—',
    });
    rows.push({
      scenario: 'Action start (to the first log line)',
      action: `${start!.toFixed(0)} ms`,
      cli: '—',
      ratio: '—',
    });
  });
});

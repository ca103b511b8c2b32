// Starts a lab, captures every fixture scenario into test/fixtures/, stops the lab.
// Run with `node scripts/capture-fixtures.mjs` (it bundles this file). Takes a few minutes.
import { join, resolve } from 'node:path';
import { ensureBinaries } from '../binaries.js';
import { startLab } from '../lab.js';
import { captureDiffs } from './diff.js';
import { captureHealthChecks } from './health-checks.js';
import { capturePods } from './pods.js';
import { captureFluxInstance, captureOperator, captureReceiver, captureWorkloads } from './programs.js';
import { captureGitFailures, captureHelm, captureKustomizations } from './scenarios.js';
import { fixtureStore } from './store.js';
import { captureStuck } from './stuck.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function main(repoRoot: string, only: string[]): Promise<void> {
  const binaries = await ensureBinaries(
    (line) => process.stderr.write(`${line}\n`),
    join(repoRoot, 'test/e2e/lab'),
  );
  const lab = await startLab({ binaries });
  const store = fixtureStore(lab, resolve(repoRoot, 'test/fixtures'), say);
  const groups = {
    kustomizations: captureKustomizations,
    git: captureGitFailures,
    helm: captureHelm,
    receiver: captureReceiver,
    operator: captureOperator,
    fluxinstance: captureFluxInstance,
    workloads: captureWorkloads,
    pods: capturePods,
    diff: captureDiffs,
    'health-checks': captureHealthChecks,
    stuck: captureStuck,
  };
  try {
    for (const [name, capture] of Object.entries(groups)) {
      if (only.length > 0 && !only.includes(name)) continue;
      const started = performance.now();
      say(`== ${name}`);
      await capture(lab, store, say);
      say(`== ${name}: ${Math.round((performance.now() - started) / 1000)} s`);
    }
  } catch (error) {
    say(`capture failed; the lab's logs: ${lab.info.logsDir}`);
    await lab.stop().catch(() => undefined);
    throw error;
  }
  await lab.stop();
  say(`wrote ${store.written.length} fixtures`);
}

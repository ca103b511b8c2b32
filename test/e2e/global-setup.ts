// The e2e project's globalSetup: builds or reuses the lab's binaries, bundles the action, starts ONE lab for
// every e2e file, hands its connection details to the tests (inject('lab')), and stops it at the end.
import type { TestProject } from 'vitest/node';
import { ensureBinaries } from './lab/binaries.js';
import { startLab } from './lab/lab.js';
import { runOk } from './lab/run.js';
import './lab/provided.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const buildStart = performance.now();
  say('[lab] building or reusing the lab binaries (test/e2e/lab/build.sh)...');
  const binaries = await ensureBinaries(say);
  say(`[lab] binaries ready in ${Math.round((performance.now() - buildStart) / 1000)} s: ${binaries.binDir}`);

  // The scenarios run dist/ as the runner would; make sure it is the current source.
  await runOk(process.execPath, ['scripts/bundle.mjs'], { cwd: project.config.root });

  const lab = await startLab({ binaries, onProgress: say });
  project.provide('lab', lab.info);
  return async () => {
    // After a failure, keep the lab's logs for the person reading it (the path is printed).
    await lab.stop({ keep: project.vitest.state.getCountOfFailedTests() > 0 });
  };
}

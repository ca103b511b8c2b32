// The unit project's globalSetup: bundles the action into dist/ once, before any file runs. Two files run
// the bundle as the runner does (install/action, kube/child-processes); each bundling it itself would let
// one rewrite dist/index.js while the other starts it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/bundle.mjs'], { cwd: project.config.root });
}

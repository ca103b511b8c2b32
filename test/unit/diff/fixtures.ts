// The flux CLI's real output, captured from the lab by `node scripts/capture-fixtures.mjs diff`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgramRun } from '../../../src/base/program.js';

export interface DiffFixture {
  namespace: string;
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'diff');

/** The fixture, with `<root>` (the checkout the capture diffed) replaced by `root`. */
export function diffFixture(name: string, root = '/home/runner/work/fleet/fleet'): DiffFixture {
  const text = readFileSync(join(DIR, `${name}.json`), 'utf8').replaceAll('<root>', root);
  return JSON.parse(text) as DiffFixture;
}

export function programRunOf(fixture: DiffFixture): ProgramRun {
  return {
    exitCode: fixture.exitCode,
    stdout: fixture.stdout,
    stderr: fixture.stderr,
    timedOut: false,
    aborted: false,
  };
}

export const FIXTURE_NAMES = [
  'no-change',
  'changes',
  'skipped',
  'build-error',
  'dry-run-rejected',
  'kustomization-not-found',
  'cluster-drift',
];

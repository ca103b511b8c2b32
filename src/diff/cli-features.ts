// What the installed flux CLI's `diff kustomization` can do, read from its own help: a pinned `version` may be
// older than the options this action prefers.
import { runProgram } from '../base/program.js';

export interface DiffFeatures {
  /**
   * `--in-memory-build` (flux 2.9): builds without writing into the checkout. Without it the CLI writes a
   * generated kustomization.yaml into the folder and removes it afterwards, so two diffs of overlapping
   * folders must not run at once, and a diff killed at the deadline leaves that file behind.
   */
  inMemoryBuild: boolean;
}

const PROBE_TIMEOUT_MS = 30_000;

export async function diffFeatures(fluxPath: string, deadline: number): Promise<DiffFeatures> {
  try {
    const help = await runProgram(fluxPath, ['diff', 'kustomization', '--help'], {
      deadline: Math.min(deadline, Date.now() + PROBE_TIMEOUT_MS),
    });
    return { inMemoryBuild: help.exitCode === 0 && help.stdout.includes('--in-memory-build') };
  } catch {
    return { inMemoryBuild: false };
  }
}

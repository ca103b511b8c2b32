// Cleans up after labs whose owner died without cleaning up (killed outright): their processes and dirs.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export const LAB_DIR_PREFIX = 'flux-reconcile-lab-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/** Kills the processes of dead labs (only those whose command still matches their pid file) and removes their dirs. */
export function sweepStaleLabs(root = tmpdir()): void {
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith(LAB_DIR_PREFIX)) continue;
    const dir = join(root, entry);
    let owner = 0;
    try {
      owner = Number.parseInt(readFileSync(join(dir, 'owner.pid'), 'utf8'), 10);
    } catch {
      continue; // not fully created, or not ours
    }
    if (owner && alive(owner)) continue;
    const logs = join(dir, 'logs');
    let pidFiles: string[] = [];
    try {
      pidFiles = readdirSync(logs).filter((f) => f.endsWith('.pid'));
    } catch {
      // no logs dir: nothing was started
    }
    for (const file of pidFiles) {
      const pid = Number.parseInt(readFileSync(join(logs, file), 'utf8'), 10);
      if (pid && alive(pid) && basename(commandOf(pid)) === file.replace(/\.pid$/, '')) {
        process.kill(pid, 'SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

// The URLs the checked-out repository is known by: its git remotes (read from .git/config, without running
// git, which may refuse a checkout owned by another user), and the repository this workflow runs for.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { workflowRun } from '../github/workflow-run.js';

/** The directory holding the repository's config: `.git`, or where a `.git` file (worktree, submodule) points. */
function gitConfigDir(root: string): string | undefined {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit)) return undefined;
  let dir = dotGit;
  if (statSync(dotGit).isFile()) {
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!pointer) return undefined;
    dir = resolve(root, pointer[1]!.trim());
  }
  // A worktree's own directory names the common one, which holds the config.
  const common = join(dir, 'commondir');
  if (existsSync(common)) {
    const target = readFileSync(common, 'utf8').trim();
    dir = isAbsolute(target) ? target : resolve(dir, target);
  }
  return dir;
}

/** `url` values of every `[remote "…"]` section of a git config file. */
export function remoteUrls(configText: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of configText.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inRemote = /^\[remote\s+"[^"]*"\]$/.test(line);
      continue;
    }
    const match = inRemote ? /^url\s*=\s*(.+)$/i.exec(line) : null;
    if (match) urls.push(match[1]!.trim().replace(/^"(.*)"$/, '$1'));
  }
  return urls;
}

/** Every URL the checkout at `root` is known by; empty when nothing says. */
export function workspaceRemotes(root: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const urls: string[] = [];
  const configDir = gitConfigDir(root);
  const config = configDir ? join(configDir, 'config') : undefined;
  if (config && existsSync(config)) urls.push(...remoteUrls(readFileSync(config, 'utf8')));
  // actions/checkout always checks out this repository unless told otherwise; a checkout made without git
  // (the REST API fallback) has no .git at all.
  const run = workflowRun(env);
  if (run.serverUrlGiven && run.repository && urls.length === 0) {
    urls.push(`${run.serverUrl}/${run.repository}`);
  }
  return urls;
}

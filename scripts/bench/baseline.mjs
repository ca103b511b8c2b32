// The benchmarks' baseline: the bundled action of another commit, built into a temp folder, so that one
// `npm run bench` measures it and this checkout's dist/ side by side, in alternating rounds, under the
// same load. The commit's own bundle script builds it, with this checkout's node_modules when the lockfile
// is the same (else its own `npm ci`).
// Default: 6ab2b1f, the last main before the work on the action's own overhead (issue 22);
// BENCH_BASELINE=<commit> compares with another, BENCH_BASELINE=none measures this checkout alone.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_BASELINE = '6ab2b1f';

/** Runs a program without a shell; resolves with its stdout, rejects with its stderr. */
function run(program, args, { cwd = REPO_ROOT, stdout } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, stdio: ['ignore', stdout ?? 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${program} ${args.join(' ')}: exit ${code}: ${err.trim()}`)),
    );
  });
}

/** `git archive <commit>` unpacked into `dir`. */
function unpack(commit, dir) {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], { cwd: REPO_ROOT });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: [archive.stdout, 'ignore', 'pipe'] });
    let err = '';
    archive.stderr.on('data', (chunk) => {
      err += chunk;
    });
    archive.once('error', reject);
    tar.once('error', reject);
    tar.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`git archive ${commit}: ${err.trim() || `tar exit ${code}`}`)),
    );
  });
}

/**
 * Builds the baseline's bundle; undefined with BENCH_BASELINE=none.
 * @returns {Promise<{ commit: string, dist: string, remove: () => Promise<void> } | undefined>}
 */
export async function buildBaseline(requested = process.env.BENCH_BASELINE || DEFAULT_BASELINE) {
  if (requested === 'none') return undefined;
  const commit = (await run('git', ['rev-parse', '--short', `${requested}^{commit}`])).trim();
  const dir = await mkdtemp(join(tmpdir(), `flux-reconcile-baseline-${commit}-`));
  try {
    await unpack(commit, dir);
    const sameLock = await run('git', ['diff', '--quiet', commit, '--', 'package-lock.json']).then(
      () => true,
      () => false,
    );
    if (sameLock) await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    else await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir });
    await run(process.execPath, ['scripts/bundle.mjs'], { cwd: dir });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { commit, dist: join(dir, 'dist'), remove: () => rm(dir, { recursive: true, force: true }) };
}

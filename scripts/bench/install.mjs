// Measures (prints, never asserts) how long a bundled action takes to start and to install flux from a
// loopback release server: cold start to the first log line, a cold install, and a tool-cache hit. Given
// several bundles (this one and a baseline's), it measures them in alternating rounds, so that a shared
// machine's changing load falls on each alike.
// Needs dist/ (npm run bundle) and Node 24 (it loads the TypeScript test helpers with type stripping).
// `node scripts/bench/install.mjs [path/to/index.js ...]`: dist/index.js when none is given.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE, REPO_ROOT, removeRun, runScript } from '../../test/helpers/action-runner.ts';
import { startReleaseServer } from '../../test/helpers/release-server.ts';

const RUNS = 5;
const VERSION = '2.9.5';
export const THIS_BUNDLE = join(REPO_ROOT, 'dist', 'index.js');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds from spawning `node <script>` to its first line on stdout; the process is then killed. */
async function timeToFirstLine(script, env) {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-start-'));
  try {
    return await new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(NODE, [script], {
        cwd: dir,
        env: { ...env, HOME: dir, RUNNER_TEMP: dir, RUNNER_TOOL_CACHE: join(dir, 'tool-cache') },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      child.stdout.once('data', () => {
        resolve(performance.now() - started);
        child.kill('SIGKILL');
      });
      child.once('error', reject);
      child.once('close', (code) => reject(new Error(`${script} exited (${code}) before printing anything`)));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function install(script, server, workdir) {
  const run = await runScript(script, {
    inputs: { version: VERSION, 'download-url': server.downloadUrl },
    env: server.githubEnv,
    ...(workdir ? { workdir } : {}),
  });
  if (run.exitCode !== 0 || run.outputs['flux-version'] !== VERSION) {
    await removeRun(run);
    throw new Error(`the install failed (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}

/**
 * Each bundle's figures (medians of RUNS), in the order of `scripts`.
 * @param {string[]} scripts the bundles' entry points (index.js)
 * @returns {Promise<Array<{ startMs: number, coldMs: number, cachedMs: number }>>}
 */
export async function benchInstall(scripts = [THIS_BUNDLE]) {
  for (const script of scripts) {
    if (!existsSync(script)) throw new Error(`${script} is missing: npm run bundle`);
  }
  const server = await startReleaseServer({ latest: VERSION, versions: [VERSION] });
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      ...server.githubEnv,
      INPUT_VERSION: VERSION,
      'INPUT_DOWNLOAD-URL': server.downloadUrl,
    };
    const runs = scripts.map(() => ({ starts: [], colds: [], cached: [] }));
    for (let i = 0; i < RUNS; i++) {
      for (const [index, script] of scripts.entries()) {
        const figures = runs[index];
        figures.starts.push(await timeToFirstLine(script, env));
        const first = await install(script, server);
        figures.colds.push(first.durationMs);
        const second = await install(script, server, first.dir);
        figures.cached.push(second.durationMs);
        await removeRun(first);
      }
    }
    return runs.map((figures) => ({
      startMs: median(figures.starts),
      coldMs: median(figures.colds),
      cachedMs: median(figures.cached),
    }));
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const scripts = process.argv.length > 2 ? process.argv.slice(2).map((p) => resolve(p)) : [THIS_BUNDLE];
  const figures = await benchInstall(scripts);
  for (const [index, script] of scripts.entries()) {
    const { startMs, coldMs, cachedMs } = figures[index];
    console.log(
      `${script}: start to the first log line ${startMs.toFixed(0)} ms; cold install ${coldMs.toFixed(0)} ms; cached install ${cachedMs.toFixed(0)} ms (whole process; medians of ${RUNS})`,
    );
  }
}

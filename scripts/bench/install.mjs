// Measures (prints, never asserts) how long the bundled action takes to start and to install flux from a
// loopback release server: cold start to the first log line, a cold install, and a tool-cache hit.
// Needs dist/ (npm run bundle) and Node 24 (it loads the TypeScript test helpers with type stripping).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE, REPO_ROOT, removeRun, runAction } from '../../test/helpers/action-runner.ts';
import { startReleaseServer } from '../../test/helpers/release-server.ts';

const RUNS = 5;
const VERSION = '2.9.5';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds from spawning `node dist/index.js` to its first line on stdout; the process is then killed. */
async function timeToFirstLine(env) {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-start-'));
  try {
    return await new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(NODE, [join(REPO_ROOT, 'dist', 'index.js')], {
        cwd: dir,
        env: { ...env, HOME: dir, RUNNER_TEMP: dir, RUNNER_TOOL_CACHE: join(dir, 'tool-cache') },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      child.stdout.once('data', () => {
        resolve(performance.now() - started);
        child.kill('SIGKILL');
      });
      child.once('error', reject);
      child.once('close', (code) =>
        reject(new Error(`dist/index.js exited (${code}) before printing anything`)),
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function install(server, workdir) {
  const run = await runAction({
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

/** @returns {Promise<Array<{name: string, value: number, unit: string}>>} */
export async function benchInstall() {
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: npm run bundle');
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
    const starts = [];
    const colds = [];
    const cached = [];
    for (let i = 0; i < RUNS; i++) {
      starts.push(await timeToFirstLine(env));
      const first = await install(server);
      colds.push(first.durationMs);
      const second = await install(server, first.dir);
      cached.push(second.durationMs);
      await removeRun(first);
    }
    return [
      { name: 'cold start of node dist/index.js to its first log line', value: median(starts), unit: 'ms' },
      { name: 'cold install of flux (whole action process)', value: median(colds), unit: 'ms' },
      { name: 'cached install of flux (whole action process)', value: median(cached), unit: 'ms' },
    ];
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { name, value, unit } of await benchInstall()) {
    console.log(`${name}: ${value.toFixed(0)} ${unit} (median of ${RUNS})`);
  }
}

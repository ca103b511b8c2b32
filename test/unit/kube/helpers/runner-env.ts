// What the Actions runner gives a step: RUNNER_TEMP, GITHUB_ENV / GITHUB_STATE files, and a stdout that
// carries workflow commands (::add-mask::, ::debug::). Captured here so tests can read them.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockInstance, vi } from 'vitest';

export interface RunnerEnv {
  dir: string;
  runnerTemp: string;
  stdout: () => string;
  /** Values registered with ::add-mask::. */
  masks: () => string[];
  /** Every stdout line that is not an ::add-mask:: command. */
  visibleOutput: () => string;
  githubEnv: () => Promise<string>;
  githubState: () => Promise<string>;
  restore: () => Promise<void>;
}

const VARS = [
  'RUNNER_TEMP',
  'GITHUB_ENV',
  'GITHUB_STATE',
  'GITHUB_WORKSPACE',
  'KUBECONFIG',
  'HOME',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  // A test machine that runs as a pod must not turn "no kubeconfig" into its own service account.
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
];

// @actions/core escapes %, CR and LF in command data.
function unescapeCommand(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export async function fakeRunner(): Promise<RunnerEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-unit-'));
  const runnerTemp = join(dir, 'runner-temp');
  await mkdir(runnerTemp);
  await mkdir(join(dir, 'home'));
  await mkdir(join(dir, 'workspace'));
  const saved = new Map(VARS.map((name) => [name, process.env[name]]));
  for (const name of VARS) delete process.env[name];
  process.env.RUNNER_TEMP = runnerTemp;
  process.env.GITHUB_ENV = join(dir, 'github-env');
  process.env.GITHUB_STATE = join(dir, 'github-state');
  process.env.GITHUB_WORKSPACE = join(dir, 'workspace');
  process.env.HOME = join(dir, 'home');
  await writeFile(process.env.GITHUB_ENV, '');
  await writeFile(process.env.GITHUB_STATE, '');

  let captured = '';
  const spy: MockInstance = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    captured += String(chunk);
    return true;
  });
  const lines = () => captured.split(/\r?\n/);
  return {
    dir,
    runnerTemp,
    stdout: () => captured,
    masks: () =>
      lines()
        .filter((l) => l.startsWith('::add-mask::'))
        .map((l) => unescapeCommand(l.slice('::add-mask::'.length))),
    visibleOutput: () =>
      lines()
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    githubEnv: () => readFile(join(dir, 'github-env'), 'utf8'),
    githubState: () => readFile(join(dir, 'github-state'), 'utf8'),
    restore: async () => {
      spy.mockRestore();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

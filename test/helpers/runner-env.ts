// What the Actions runner gives a step that runs in-process: RUNNER_TEMP and RUNNER_TOOL_CACHE, the
// GITHUB_ENV / GITHUB_STATE / GITHUB_PATH / GITHUB_OUTPUT files, a workspace and a home, and a stdout that
// carries workflow commands (::add-mask::, ::debug::), captured so tests can read them. Everything the
// runner's variables were is restored afterwards.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockInstance, vi } from 'vitest';

export interface RunnerEnv {
  dir: string;
  runnerTemp: string;
  toolCache: string;
  /** Everything the code under test wrote to stdout (core.info, core.debug, ::commands::). */
  stdout: () => string;
  /** Values registered with ::add-mask::. */
  masks: () => string[];
  /** Every stdout line that is not an ::add-mask:: command. */
  visibleOutput: () => string;
  githubEnv: () => Promise<string>;
  githubState: () => Promise<string>;
  addedPath: () => Promise<string[]>;
  outputs: () => Promise<string>;
  restore: () => Promise<void>;
}

/** Unset for the test: what the machine running the tests has must not leak into what is tested. */
const CLEARED = [
  'RUNNER_TEMP',
  'RUNNER_TOOL_CACHE',
  'GITHUB_ENV',
  'GITHUB_STATE',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
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
  // A job without `permissions: id-token: write` has neither; a test gives them when it means to.
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
];
/** Kept, but restored afterwards: the code under test may change them (core.addPath, a platform test). */
const RESTORED = ['PATH', 'RUNNER_OS', 'RUNNER_ARCH'];

// @actions/core escapes %, CR and LF in command data.
function unescapeCommand(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export async function fakeRunner(): Promise<RunnerEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-env-'));
  const saved = new Map([...CLEARED, ...RESTORED].map((name) => [name, process.env[name]]));
  for (const name of CLEARED) delete process.env[name];
  const files = {
    GITHUB_ENV: join(dir, 'github-env'),
    GITHUB_STATE: join(dir, 'github-state'),
    GITHUB_PATH: join(dir, 'github-path'),
    GITHUB_OUTPUT: join(dir, 'github-output'),
  };
  const dirs = {
    RUNNER_TEMP: join(dir, 'runner-temp'),
    RUNNER_TOOL_CACHE: join(dir, 'tool-cache'),
    GITHUB_WORKSPACE: join(dir, 'workspace'),
    HOME: join(dir, 'home'),
  };
  for (const path of Object.values(dirs)) await mkdir(path);
  for (const path of Object.values(files)) await writeFile(path, '');
  Object.assign(process.env, dirs, files);

  let captured = '';
  const spy: MockInstance = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    return true;
  });
  const lines = () => captured.split(/\r?\n/);
  return {
    dir,
    runnerTemp: dirs.RUNNER_TEMP,
    toolCache: dirs.RUNNER_TOOL_CACHE,
    stdout: () => captured,
    masks: () =>
      lines()
        .filter((l) => l.startsWith('::add-mask::'))
        .map((l) => unescapeCommand(l.slice('::add-mask::'.length))),
    visibleOutput: () =>
      lines()
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    githubEnv: () => readFile(files.GITHUB_ENV, 'utf8'),
    githubState: () => readFile(files.GITHUB_STATE, 'utf8'),
    addedPath: async () => (await readFile(files.GITHUB_PATH, 'utf8')).split('\n').filter(Boolean),
    outputs: () => readFile(files.GITHUB_OUTPUT, 'utf8'),
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

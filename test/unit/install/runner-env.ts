// The runner's directories and file commands for in-process install tests: a fresh temp RUNNER_TOOL_CACHE,
// RUNNER_TEMP, GITHUB_PATH and GITHUB_OUTPUT, the log captured, and everything restored afterwards.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

export interface RunnerEnv {
  dir: string;
  toolCache: string;
  runnerTemp: string;
  /** Everything the code under test wrote to stdout (core.info, core.debug, ::commands::). */
  log(): string;
  addedPath(): Promise<string[]>;
  outputs(): Promise<string>;
  restore(): Promise<void>;
}

const VARIABLES = [
  'RUNNER_TOOL_CACHE',
  'RUNNER_TEMP',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'PATH',
  'RUNNER_OS',
  'RUNNER_ARCH',
];

export async function useRunnerEnv(): Promise<RunnerEnv> {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  const dir = await mkdtemp(join(tmpdir(), 'flux-install-test-'));
  const toolCache = join(dir, 'tool-cache');
  const runnerTemp = join(dir, 'runner-temp');
  await mkdir(toolCache);
  await mkdir(runnerTemp);
  const pathFile = join(dir, 'github-path');
  const outputFile = join(dir, 'github-output');
  await writeFile(pathFile, '');
  await writeFile(outputFile, '');
  Object.assign(process.env, {
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_TEMP: runnerTemp,
    GITHUB_PATH: pathFile,
    GITHUB_OUTPUT: outputFile,
  });

  let written = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });

  return {
    dir,
    toolCache,
    runnerTemp,
    log: () => written,
    addedPath: async () => (await readFile(pathFile, 'utf8')).split('\n').filter(Boolean),
    outputs: () => readFile(outputFile, 'utf8'),
    restore: async () => {
      spy.mockRestore();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

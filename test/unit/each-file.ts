// The unit project's setupFiles, run before each test file. Files share a worker process (`isolate:
// false` halves the suite's time on two cores: no new process and no reloaded node_modules per file), so
// each file starts as it would in a process of its own: with freshly evaluated source modules (the secret
// registry, the GitHub client), and ends by putting back the environment, working folder and real timers
// it found, with no spy left on stdout.
import { afterAll, vi } from 'vitest';
import { restoreEnvironment } from '../helpers/environment.js';

// The process's own environment object, kept from the worker's first file: a file that replaced
// `process.env` with a plain object would otherwise cut every later file off the real environment.
const real = globalThis as { fluxReconcileEnvironment?: NodeJS.ProcessEnv };
real.fluxReconcileEnvironment ??= process.env;
if (process.env !== real.fluxReconcileEnvironment) process.env = real.fluxReconcileEnvironment;

vi.resetModules();
const environment = { ...process.env };
const folder = process.cwd();

afterAll(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  if (process.env !== real.fluxReconcileEnvironment) process.env = real.fluxReconcileEnvironment!;
  restoreEnvironment(environment);
  if (process.cwd() !== folder) process.chdir(folder);
  // core.setFailed sets it for a step's process; the worker is not that process.
  process.exitCode = undefined;
});

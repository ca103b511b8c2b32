// The unit project's setupFiles, run before each test file. Files share a worker process (`isolate:
// false` halves the suite's time on two cores: no new process and no reloaded node_modules per file), so
// each file starts as it would in a process of its own: with freshly evaluated source modules (the secret
// registry, the GitHub client), and ends by putting back the environment, working folder and real timers
// it found.
import { afterAll, vi } from 'vitest';

vi.resetModules();
const environment = { ...process.env };
const folder = process.cwd();

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  if (process.cwd() !== folder) process.chdir(folder);
});

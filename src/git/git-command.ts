// Runs the git CLI: an argument array (no shell), no INPUT_* in its environment, never a prompt, and an
// end set by a timeout or the caller's signal, so a hanging fetch cannot hold the run.
import { spawn } from 'node:child_process';
import { childEnv } from '../base/child-env.js';
import { oneLine } from '../base/text.js';

export interface GitResult {
  /** Exit code; null when the program did not run to its end (see `stopped`). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why git did not run to its end: not installed, out of time, or the caller gave up. */
  stopped?: 'not-installed' | 'timeout' | 'aborted' | 'error';
  /** The error that stopped it, for `error`. */
  message?: string;
}

export interface GitOptions {
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Variables set on top of the action's environment (which has INPUT_* removed). */
  env?: Record<string, string>;
}

// What git says is enough to explain it; a runaway output must not fill the memory.
const MAX_OUTPUT = 1 << 20;

const GIT_ENV = {
  // Fail instead of asking for a user name or password: there is nobody to answer.
  GIT_TERMINAL_PROMPT: '0',
  GCM_INTERACTIVE: 'never',
  // Messages in English, so that the few the action recognises (dubious ownership) read the same everywhere.
  LC_ALL: 'C',
};

const KILL_GRACE_MS = 2000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

function append(buffer: string, chunk: Buffer): string {
  return buffer.length >= MAX_OUTPUT ? buffer : buffer + chunk.toString('utf8');
}

export function runGit(args: string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ code: null, stdout: '', stderr: '', stopped: 'aborted' });
      return;
    }
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: childEnv({ ...GIT_ENV, ...options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group, so that stopping it also stops the transport helper it starts.
      detached: process.platform !== 'win32',
    });
    let stdout = '';
    let stderr = '';
    let stopped: GitResult['stopped'];
    let message: string | undefined;
    let forceTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'aborted') => {
      if (stopped) return;
      stopped = why;
      // SIGTERM first: git then removes its lock files, which would otherwise break later steps.
      signalGroup(child.pid, 'SIGTERM');
      forceTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = append(stdout, chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = append(stderr, chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      stopped ??= error.code === 'ENOENT' ? 'not-installed' : 'error';
      message = error.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(forceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const result: GitResult = { code: stopped ? null : code, stdout, stderr };
      if (stopped) result.stopped = stopped;
      if (message) result.message = message;
      resolve(result);
    });
  });
}

/** The last meaningful line git printed on stderr, for a message; a URL in it loses its credentials. */
export function gitComplaint(result: GitResult): string {
  const lines = result.stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:'));
  return oneLine(lines.at(-1) ?? (result.message || `exit code ${result.code}`));
}

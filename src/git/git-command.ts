// Runs the git CLI through the one program runner: never a prompt, messages in English, and an end set
// by a timeout or the caller's signal, so a hanging fetch cannot hold the run.
import { runProgram } from '../base/program.js';
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

export async function runGit(args: string[], options: GitOptions): Promise<GitResult> {
  try {
    const run = await runProgram('git', args, {
      cwd: options.cwd,
      deadline: Date.now() + options.timeoutMs,
      signal: options.signal,
      env: { ...GIT_ENV, ...options.env },
      maxOutputBytes: MAX_OUTPUT,
    });
    const result: GitResult = { code: run.exitCode, stdout: run.stdout, stderr: run.stderr };
    if (run.timedOut) result.stopped = 'timeout';
    if (run.aborted) result.stopped = 'aborted';
    return result;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      code: null,
      stdout: '',
      stderr: '',
      stopped: code === 'ENOENT' ? 'not-installed' : 'error',
      message: (error as Error).message,
    };
  }
}

/** The last meaningful line git printed on stderr, for a message; a URL in it loses its credentials. */
export function gitComplaint(result: GitResult): string {
  const lines = result.stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:'));
  return oneLine(lines.at(-1) ?? (result.message || `exit code ${result.code}`));
}

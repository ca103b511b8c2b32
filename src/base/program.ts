// Runs a program with an argument array (never a shell), its output collected, killed at a deadline.
import { spawn } from 'node:child_process';
import { childEnv } from './child-env.js';

export interface ProgramRun {
  /** null when the program did not exit by itself (killed at the deadline, or by a signal). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the deadline passed first and the program was killed. */
  timedOut: boolean;
}

export interface ProgramOptions {
  /** Epoch milliseconds after which the program is stopped. */
  deadline: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

// A diff of a few thousand objects is a few MB; more than this is kept only in part.
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
// After SIGTERM, how long a program may take to exit before SIGKILL.
const KILL_GRACE_MS = 3_000;

function collector() {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk: Buffer) {
      if (size >= MAX_OUTPUT_BYTES) return;
      chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
      size += chunk.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** Resolves when the program has ended; rejects only when it cannot be started (e.g. not found). */
export function runProgram(path: string, args: string[], options: ProgramOptions): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      cwd: options.cwd,
      // PWD as well: Go's os.Getwd trusts it when it names the working directory.
      env: childEnv(options.cwd ? { PWD: options.cwd } : {}, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    const stdout = collector();
    const stderr = collector();
    child.stdout.on('data', stdout.add);
    child.stderr.on('data', stderr.add);
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const deadlineTimer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      },
      Math.max(0, options.deadline - Date.now()),
    );
    const stop = () => {
      clearTimeout(deadlineTimer);
      clearTimeout(killTimer);
    };
    child.on('error', (error) => {
      stop();
      reject(error);
    });
    child.on('close', (code) => {
      stop();
      resolve({ exitCode: code, stdout: stdout.text(), stderr: stderr.text(), timedOut });
    });
  });
}

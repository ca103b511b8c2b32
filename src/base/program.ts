// The one program runner: an argument array (never a shell), the action's environment without INPUT_*,
// output collected up to a cap, and an end set by a deadline or the caller's signal. The program runs in
// its own process group, so that stopping it also stops what it started (git's transport helpers).
import { spawn } from 'node:child_process';
import { childEnv } from './child-env.js';
import { timerDelay } from './deadline.js';

export interface ProgramRun {
  /** null when the program did not exit by itself (stopped at the deadline, by the signal, or killed). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the deadline passed first and the program was stopped. */
  timedOut: boolean;
  /** True when the caller's signal stopped it. */
  aborted: boolean;
}

export interface ProgramOptions {
  /** Epoch milliseconds after which the program is stopped. */
  deadline: number;
  /** Stops the program when it aborts (SIGTERM, then SIGKILL after a grace). */
  signal?: AbortSignal;
  cwd?: string;
  /** Variables set on top of the action's environment (INPUT_* never reaches the program, whoever sets it). */
  env?: Record<string, string>;
  /** Output kept of each stream; the rest is dropped. */
  maxOutputBytes?: number;
}

// A diff of a few thousand objects is a few MB; more than this is kept only in part.
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
// After SIGTERM, how long a program may take to exit before SIGKILL. SIGTERM first: git then removes its
// lock files, which would otherwise break later steps.
const KILL_GRACE_MS = 2_000;
const OWN_GROUP = process.platform !== 'win32';

function collector(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk: Buffer) {
      if (size >= max) return;
      chunks.push(chunk.subarray(0, max - size));
      size += chunk.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(OWN_GROUP ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves when the program has ended; rejects only when it cannot be started (e.g. not found). */
export function runProgram(path: string, args: string[], options: ProgramOptions): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, stdout: '', stderr: '', timedOut: false, aborted: true });
      return;
    }
    const child = spawn(path, args, {
      cwd: options.cwd,
      // PWD as well: Go's os.Getwd trusts it when it names the working directory.
      env: childEnv({}, { ...process.env, ...options.env, ...(options.cwd ? { PWD: options.cwd } : {}) }),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      detached: OWN_GROUP,
    });
    const max = options.maxOutputBytes ?? MAX_OUTPUT_BYTES;
    const stdout = collector(max);
    const stderr = collector(max);
    child.stdout.on('data', stdout.add);
    child.stderr.on('data', stderr.add);
    let stoppedBy: 'deadline' | 'signal' | undefined;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stopBy = (why: 'deadline' | 'signal') => {
      if (stoppedBy) return;
      stoppedBy = why;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const deadlineTimer = setTimeout(() => stopBy('deadline'), timerDelay(options.deadline - Date.now()));
    const onAbort = () => stopBy('signal');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(deadlineTimer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('close', (code) => {
      done();
      resolve({
        exitCode: stoppedBy ? null : code,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut: stoppedBy === 'deadline',
        aborted: stoppedBy === 'signal',
      });
    });
  });
}

// Runs a short-lived program with an argument array and returns its output; never through a shell.
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Runs the program; resolves with its exit code and output even when it fails. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const durationMs = performance.now() - started;
        if (error && typeof error.code !== 'number') {
          if (error.killed) {
            resolve({
              code: -1,
              stdout,
              stderr: `${stderr}\n(killed: ${error.signal ?? 'timeout'})`,
              durationMs,
            });
            return;
          }
          reject(new Error(`could not run ${command} ${args.join(' ')}: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr, durationMs });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs the program and throws, with its output, unless it exits 0. */
export async function runOk(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr.trim()}\n${result.stdout.trim()}`.trim(),
    );
  }
  return result.stdout;
}

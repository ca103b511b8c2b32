// The flux binary itself: find it on PATH, ask it its version.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { getExecOutput } from '@actions/exec';
import { childEnv } from '../base/child-env.js';
import { errorMessage } from '../base/error-message.js';

/** Runs `<path> version --client -o json` and returns the version it reports, without the leading v. */
export async function readFluxVersion(path: string): Promise<string> {
  const command = `${path} version --client -o json`;
  let result: { exitCode: number; stdout: string; stderr: string };
  try {
    // Quoted because exec splits its first argument on spaces; the arguments themselves go as an array.
    result = await getExecOutput(`"${path}"`, ['version', '--client', '-o', 'json'], {
      silent: true,
      ignoreReturnCode: true,
      env: childEnv() as Record<string, string>,
    });
  } catch (error) {
    throw new Error(`Could not run ${command}: ${errorMessage(error)}`);
  }
  const output = result.stdout.trim();
  if (result.exitCode !== 0) {
    throw new Error(
      `${command} exited with ${result.exitCode}: ${(result.stderr || output).trim().slice(0, 500)}`,
    );
  }
  let reported: unknown;
  try {
    reported = (JSON.parse(output) as { flux?: unknown }).flux;
  } catch {
    // Reported below with the output itself.
  }
  if (typeof reported !== 'string' || reported === '') {
    throw new Error(
      `${command} printed no {"flux": "<version>"} JSON: ${output.slice(0, 500) || '(nothing)'}`,
    );
  }
  return reported.replace(/^v/, '');
}

/** Runs the binary and refuses it unless it reports `expected`; `origin` says where it came from. */
export async function checkVersion(path: string, expected: string, origin: string): Promise<void> {
  const reported = await readFluxVersion(path);
  if (reported !== expected) {
    throw new Error(`${path} reports flux ${reported}, but ${expected} was requested: ${origin}`);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on PATH that is an executable file, as the shell would pick it. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions =
    process.platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
      : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

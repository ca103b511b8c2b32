// One `flux diff kustomization` run and what its exit status means. flux2 v2.9 (cmd/flux/diff_kustomization.go
// and main.go): 0 = no difference; 1 with the warning "identified at least one change" = differences; any
// other status, and 1 without that warning (flag and argument errors exit 1 too), = the diff failed, with
// the reason on stderr after `✗`.
import { formatDuration } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import { type ProgramRun, runProgram } from '../base/program.js';
import { cleanText } from '../base/text.js';
import type { ObjectRef } from '../flux/refs.js';
import { parseDiffOutput } from './parse.js';
import type { DiffOutcome } from './types.js';

const CHANGES_WARNING = 'identified at least one change';

/** Where and as whom the CLI connects (the kubeconfig and context the action prepared), and how it builds. */
export interface FluxConnection {
  fluxPath: string;
  context: string;
  /** The kubeconfig file the action wrote; absent when the ambient one (KUBECONFIG, ~/.kube/config) is used. */
  kubeconfigPath?: string;
  /** Build in memory; reads are then confined to the working directory, the checkout's root. */
  inMemoryBuild: boolean;
  /** The checkout's root: the CLI's working directory. */
  root: string;
}

/** The CLI's own timeout, so it stops by itself a moment before the run's deadline would kill it. */
function cliTimeout(remainingMs: number): string {
  return `${Math.max(1, Math.floor(remainingMs / 1000))}s`;
}

export function diffArgs(
  ref: ObjectRef,
  folder: string,
  connection: FluxConnection,
  remainingMs: number,
): string[] {
  const args = ['diff', 'kustomization', ref.name, '--namespace', ref.namespace, '--path', folder];
  args.push('--progress-bar=false', '--timeout', cliTimeout(remainingMs), '--context', connection.context);
  if (connection.inMemoryBuild) args.push('--in-memory-build');
  if (connection.kubeconfigPath) args.push('--kubeconfig', connection.kubeconfigPath);
  return args;
}

/**
 * The CLI's reason, without its `✗` mark and with the checkout's absolute path (the runner's work folder)
 * written as `.`; what it printed on stdout when stderr is silent.
 */
function failureMessage(run: ProgramRun, root: string): string {
  const said = cleanText(run.stderr)
    .split('\n')
    .map((line) => line.replace(/^✗ /u, ''))
    .join('\n')
    .replaceAll(`${root}/`, './')
    .trim();
  if (said) return said;
  const printed = cleanText(run.stdout).trim().split('\n').slice(-20).join('\n');
  const status = run.exitCode === null ? 'was stopped' : `exited with status ${run.exitCode}`;
  return printed ? `flux ${status}: ${printed}` : `flux ${status} and printed nothing`;
}

/** What a finished CLI run says about the Kustomization whose folder was `path`. */
export function outcomeOf(run: ProgramRun, path: string, root: string, timeoutMs: number): DiffOutcome {
  const changes = parseDiffOutput(run.stdout);
  if (run.timedOut) {
    return {
      state: 'failed',
      path,
      message: `The diff did not finish within the timeout (${formatDuration(timeoutMs)}); raise \`timeout\`.`,
      changes,
    };
  }
  if (run.exitCode === 0) return { state: 'unchanged', path, changes };
  if (run.exitCode === 1 && run.stderr.includes(CHANGES_WARNING)) return { state: 'changed', path, changes };
  return { state: 'failed', path, message: failureMessage(run, root), changes };
}

/** Diffs the Kustomization against `folder`; `shown` is how the report names that folder (`./apps`). */
export async function fluxDiff(
  ref: ObjectRef,
  location: { folder: string; shown: string },
  connection: FluxConnection,
  deadline: number,
  timeoutMs: number,
): Promise<DiffOutcome> {
  const args = diffArgs(ref, location.folder, connection, deadline - Date.now());
  let run: ProgramRun;
  try {
    run = await runProgram(connection.fluxPath, args, { deadline, cwd: connection.root });
  } catch (error) {
    const reason = errorMessage(error);
    const message = `Could not run ${connection.fluxPath}: ${reason}`;
    return { state: 'failed', path: location.shown, message, changes: [] };
  }
  return outcomeOf(run, location.shown, connection.root, timeoutMs);
}

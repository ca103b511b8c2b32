// Where a step's time goes, from when its log lines arrived and from the controller clock: what comes
// before the first request (start-up, install, kubeconfig, preflight and plan) and after the last Ready
// (seeing it, the report, the exit). All on this process's performance.now() clock.
import type { ActionRun } from '../helpers/action-runner.js';
import type { ControllerTimes } from './controller-clock.js';

export interface Phases {
  /** Spawn to the first log line: Node and the bundle loading. */
  startMs: number;
  /** To "flux … is on PATH": the tool-cache lookup and running `flux version`. */
  installMs: number;
  /** To "Cluster: …": the kubeconfig. */
  kubeconfigMs: number;
  /** To the plan's last wave line: preflight and plan. */
  preflightAndPlanMs: number;
  /** To the first request the controllers saw. */
  toRequestMs: number;
  /** From the last Ready written to "Finished in …". */
  seeReadyMs: number;
  /** From "Finished in …" to the exit: the report (events, related objects, summary, outputs). */
  reportMs: number;
}

export const PHASE_WORDS: Record<keyof Phases, string> = {
  startMs: 'start-up to the first log line',
  installMs: 'cached install (tool cache, `flux version`)',
  kubeconfigMs: 'kubeconfig',
  preflightAndPlanMs: 'preflight and plan',
  toRequestMs: 'to the first request',
  seeReadyMs: 'last Ready written to the end of the wait',
  reportMs: 'report and exit',
};

function lineAt(step: ActionRun, pattern: RegExp, last = false): number {
  const matching = step.lineTimes.filter((l) => pattern.test(l.line));
  const found = last ? matching.at(-1) : matching[0];
  if (!found) throw new Error(`the step logged no line matching ${pattern}:\n${step.stdout}`);
  return found.at;
}

export function phasesOf(step: ActionRun, controllers: ControllerTimes): Phases {
  const firstLine = step.lineTimes[0]?.at ?? step.startedAt;
  const onPath = lineAt(step, /^flux \S+ is on PATH/);
  const cluster = lineAt(step, /^Cluster: /);
  const planned = lineAt(step, /^wave \d+: /, true);
  const finished = lineAt(step, /^Finished in /);
  return {
    startMs: firstLine - step.startedAt,
    installMs: onPath - firstLine,
    kubeconfigMs: cluster - onPath,
    preflightAndPlanMs: planned - cluster,
    toRequestMs: controllers.firstRequestAt - planned,
    seeReadyMs: finished - controllers.lastReadyAt,
    reportMs: step.startedAt + step.durationMs - finished,
  };
}

// Where a step's own time goes, from when its log lines arrived and from the controller clock, all on this
// process's performance.now() clock. The overhead is what comes before the first request the controllers
// saw and after the last Ready they wrote; the phases cut it along the step's critical path: each is the
// time from the event before it to the event that ends it, in the order they happened. The install ends
// before the kubeconfig in a step that installs first, and beside (often after) the plan in one that
// installs beside the session: its own length is given apart (`installMs`), whatever it overlapped.
import type { ActionRun } from '../helpers/action-runner.js';
import type { ControllerTimes } from './controller-clock.js';
import { median } from './figures.js';

/** The events of a step, each ending a phase of its critical path. */
const EVENTS = {
  firstLine: 'start-up to the first log line',
  onPath: 'install (tool cache, hash, `flux version`) until it ends',
  cluster: 'kubeconfig (`Cluster: …`)',
  planned: 'preflight and plan (the last wave line)',
  firstRequest: 'to the first request the controllers saw',
} as const;

type Event = keyof typeof EVENTS;

export interface Phases {
  /** Each phase on the critical path before the first request, by the event that ends it (0: none). */
  before: Record<Event, number>;
  /** From the last Ready written to "Finished in …": seeing it. */
  seeReadyMs: number;
  /** From "Finished in …" to the exit: the report (events, related objects, summary, outputs). */
  reportMs: number;
  /** The install's own length, first log line to "flux … is on PATH", overlapped or not. */
  installMs: number;
}

function lineAt(step: ActionRun, pattern: RegExp, last = false): number {
  const matching = step.lineTimes.filter((l) => pattern.test(l.line));
  const found = last ? matching.at(-1) : matching[0];
  if (!found) throw new Error(`the step logged no line matching ${pattern}:\n${step.stdout}`);
  return found.at;
}

export function phasesOf(step: ActionRun, controllers: ControllerTimes): Phases {
  const firstLine = step.lineTimes[0]?.at ?? step.startedAt;
  const at: Record<Event, number> = {
    firstLine,
    onPath: lineAt(step, /^flux \S+ is on PATH/),
    cluster: lineAt(step, /^Cluster: /),
    planned: lineAt(step, /^wave \d+: /, true),
    firstRequest: controllers.firstRequestAt,
  };
  const before = Object.fromEntries(Object.keys(EVENTS).map((e) => [e, 0])) as Record<Event, number>;
  const inOrder = (Object.keys(at) as Event[]).sort((a, b) => at[a] - at[b]);
  let previous = step.startedAt;
  for (const event of inOrder) {
    before[event] = Math.max(0, at[event] - previous);
    previous = Math.max(previous, at[event]);
  }
  const finished = lineAt(step, /^Finished in /);
  return {
    before,
    seeReadyMs: finished - controllers.lastReadyAt,
    reportMs: step.startedAt + step.durationMs - finished,
    installMs: at.onPath - firstLine,
  };
}

const s2 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The medians of each phase over rounds, in words: `start-up to the first log line 0.15 s; …`. */
export function describePhases(rounds: readonly Phases[]): string {
  const mid = (pick: (p: Phases) => number) => s2(median(rounds.map(pick)));
  const before = (Object.keys(EVENTS) as Event[]).map((e) => `${EVENTS[e]} ${mid((p) => p.before[e])}`);
  return [
    ...before,
    `last Ready written to the end of the wait ${mid((p) => p.seeReadyMs)}`,
    `report and exit ${mid((p) => p.reportMs)}`,
    `(the install itself: ${mid((p) => p.installMs)})`,
  ].join('; ');
}

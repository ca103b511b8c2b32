// Why an object that timed out got nowhere, in sentences a person can act on: the controller that never
// handled the request, the dependency chain that blocks it, its last runs. Pure: the reads are in stuck.ts.
import { oneLine, shorten } from '../base/text.js';
import { attemptUnderWay, dependencyNamedIn, findCondition } from '../flux/conditions.js';
import type { RunRecord } from '../flux/history.js';
import type { FluxKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import { shortRevision } from '../flux/revision.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type { FluxResult, Waiting } from '../reconcile/types.js';
import { describeWaiting } from '../reconcile/waiting.js';
import { formatDuration, formatTime } from './format.js';
import { healthState, speakingCondition } from './health.js';

// A sentence quotes a controller's message: enough to recognise it; the details hold all of it.
const QUOTED_CHARS = 300;
const RUNS_SAID = 2;

/** The controller's Deployment, as far as these credentials could read it. */
export type ControllerReading =
  | { found: true; ready: number; desired: number }
  /** Absent (controllers run elsewhere, or under other names) or not readable. */
  | { found: false };

/** How one link of a dependency chain stands, and the dependency it waits on in turn, when it says. */
export interface LinkState {
  /** The end of a sentence: `failed with BuildFailed: …`, `is suspended`. */
  words: string;
  next?: ObjectRef;
}

export interface ChainLink extends LinkState {
  ref: ObjectRef;
}

const quoted = (reason: string | undefined, message: string | undefined): string => {
  const said = [reason, shorten(oneLine(message ?? ''), QUOTED_CHARS).text].filter(Boolean).join(': ');
  return said;
};

/**
 * Whether the controller could not handle the request because it is not running, was busy with an earlier
 * reconcile of the object (it handles a new request only after the current one ends: a health check waits
 * up to spec.timeout), or never picked it up.
 */
export function controllerSentence(result: FluxResult, reading: ControllerReading): string {
  const controller = result.fluxKind.controller;
  if (reading.found && reading.ready === 0) {
    return `${controller} is not running (${reading.ready}/${reading.desired} ready)`;
  }
  const reconciling = result.last ? attemptUnderWay(result.last) : undefined;
  if (reconciling) {
    const timeout = typeof result.last?.spec?.timeout === 'string' ? ` (${result.last.spec.timeout})` : '';
    const orStopped = reading.found ? '' : ', or stopped during it';
    return `${controller} was still busy with an earlier reconcile of it${orStopped} (${quoted(reconciling.reason, reconciling.message)}): it takes the request only when that one ends, which a health check makes last up to its spec.timeout${timeout}`;
  }
  if (reading.found) {
    return `${controller} is running (${reading.ready}/${reading.desired} ready) but did not pick up the request; is it watching this namespace?`;
  }
  return `${controller} did not pick up the request; is it running and watching this namespace?`;
}

/** The ref a `namespace/name` dependency names, of the same kind as the object waiting on it. */
export function dependencyRef(kind: string, dependency: string | undefined): ObjectRef | undefined {
  const [namespace, name, extra] = (dependency ?? '').split('/');
  return namespace && name && extra === undefined ? { kind, namespace, name } : undefined;
}

function waitingDependency(kind: string, waiting: Waiting | undefined): ObjectRef | undefined {
  return waiting?.for === 'dependency' ? dependencyRef(waiting.kind ?? kind, waiting.dependency) : undefined;
}

/** A link the run judged: how it ended, or the dependency it waited on. */
export function linkOfResult(result: FluxResult): LinkState {
  const next = waitingDependency(result.kind, result.waitingFor);
  if (next && (result.outcome === 'timed-out' || result.outcome === 'skipped'))
    return { words: 'waits', next };
  switch (result.outcome) {
    case 'failed':
      return { words: `failed with ${quoted(result.reason, result.message)}` };
    case 'timed-out': {
      const waiting = result.waitingFor ? describeWaiting(result.waitingFor, result.fluxKind) : 'Ready';
      return { words: `timed out waiting for ${waiting}` };
    }
    case 'ready':
      return { words: 'is Ready' };
    case 'suspended':
      return { words: 'is suspended' };
    case 'skipped':
      return { words: `was skipped (${quoted(result.reason, result.message)})` };
    case 'cancelled':
      return { words: 'was cancelled' };
  }
}

/** A link read from the cluster: its state as `flux get` shows it, or the dependency it waits on. */
export function linkOfObject(kind: FluxKind, obj: FluxObject): LinkState {
  if (kind.isSuspended(obj)) return { words: 'is suspended' };
  const ready = findCondition(obj, 'Ready');
  if (ready?.status === 'False' && ready.reason === 'DependencyNotReady') {
    const next = dependencyRef(kind.kind, dependencyNamedIn(ready.message));
    if (next) return { words: 'waits', next };
  }
  const speaking = speakingCondition(obj);
  switch (healthState(obj)) {
    case 'ready':
      return { words: 'is Ready' };
    case 'failing':
      return { words: `failed with ${quoted(speaking?.reason, speaking?.message)}` };
    default:
      return {
        words: `is not Ready yet${speaking ? ` (${quoted(speaking.reason, speaking.message)})` : ''}`,
      };
  }
}

/**
 * `apps waits on infra waits on crds: crds failed with …`; a name in another namespace carries it, one of
 * another kind (a source the run reconciled first) its kind.
 */
export function chainSentence(links: readonly ChainLink[]): string {
  const [root] = links;
  const last = links.at(-1);
  if (!root || !last || links.length < 2) return '';
  const name = (ref: ObjectRef) => {
    const named = ref.namespace === root.ref.namespace ? ref.name : `${ref.namespace}/${ref.name}`;
    return ref.kind === root.ref.kind ? named : `${ref.kind} ${named}`;
  };
  const chain = links.map((l) => name(l.ref)).join(' waits on ');
  return `${chain}: ${name(last.ref)} ${last.words}`;
}

/** `Its last runs: HealthCheckFailed after 11.1s at main@sha1:966a612d (1 run, last 2026-11-29 16:35:20 UTC); …` */
export function lastRunsSentence(runs: readonly RunRecord[]): string {
  if (!runs.length) return '';
  const said = runs.slice(0, RUNS_SAID).map((r) => {
    const took = r.durationMs === undefined ? '' : ` after ${formatDuration(r.durationMs)}`;
    const at = r.revision ? ` at ${shortRevision(r.revision)}` : '';
    const count = r.count === undefined ? '' : `${r.count} ${r.count === 1 ? 'run' : 'runs'}`;
    const when = r.lastReconciled ? `last ${formatTime(r.lastReconciled)}` : '';
    const facts = [count, when].filter(Boolean).join(', ');
    return `${r.status}${took}${at}${facts ? ` (${facts})` : ''}`;
  });
  return `Its last runs: ${said.join('; ')}`;
}

/** `Last Warning event: Kustomization crds: BuildFailed: kustomize build failed: … (×3)` */
export function warningSentence(events: readonly KubeEvent[]): string {
  const [newest] = events;
  if (!newest) return '';
  const about = `${newest.involvedObject.kind} ${newest.involvedObject.name}`;
  const count = newest.count && newest.count > 1 ? ` (×${newest.count})` : '';
  return `Last Warning event: ${about}: ${quoted(newest.reason, newest.message)}${count}`;
}

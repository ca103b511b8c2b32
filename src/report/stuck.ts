// A stuck run explains itself: for each object that timed out, the report's reads of what a person would
// look at next — the controller's Deployment when the request was never handled, the dependency chain that
// blocks it, the last Warning events of the object and of what it waits on (what `flux events --for`
// shows), its last runs. Bounded and best effort, like every read of the report: what cannot be read is
// said, never the step's failure. The sentences are stuck-words.ts.
import { findKind } from '../flux/kinds.js';
import { type ObjectRef, refKey } from '../flux/refs.js';
import type { KubeEvent } from '../flux/types.js';
import { WORKLOAD_KINDS } from '../flux/workload-scope.js';
import type { ClusterApi } from '../kube/api.js';
import { type FluxResult, isFluxResult, type RunResult } from '../reconcile/types.js';
import { errorText, type RelatedObjects } from './collect.js';
import { newestWarnings, Reads } from './reads.js';
import {
  type ChainLink,
  type ControllerReading,
  chainSentence,
  controllerSentence,
  type LinkState,
  lastRunsSentence,
  linkOfObject,
  linkOfResult,
  warningSentence,
} from './stuck-words.js';

/** What the report found out about one object that timed out. */
export interface StuckReport {
  /** Why it got nowhere, one sentence each, the most telling first. */
  why: string[];
  /** The newest Warning events of the object and of what it waits on, newest first. */
  warnings: KubeEvent[];
  /** What could not be read, one line each. */
  notes: string[];
}

/** By the refKey of the object that timed out. */
export type StuckReports = Map<string, StuckReport>;

export interface StuckReadOptions {
  /** What collectRelated already read (sources, dependencies, events): not read again. */
  related?: RelatedObjects;
  /** Ends the reads: what is not read by then is left out with a note. */
  signal?: AbortSignal;
}

// `flux install` and the Flux Operator put the controllers' Deployments here, named after the controller.
const FLUX_NAMESPACE = 'flux-system';
const MAX_OBJECTS = 5;
// Links followed from the stuck object: deeper chains are rare and say little more.
const MAX_CHAIN = 8;

/** What the explanations share: the run's results, what was read after it, and the reads still to make. */
class Lookups {
  private readonly inRun: Map<string, FluxResult>;

  constructor(
    run: RunResult,
    private readonly related: RelatedObjects,
    readonly reads: Reads,
  ) {
    this.inRun = new Map(run.results.filter(isFluxResult).map((r) => [refKey(r), r]));
  }

  /** How a dependency stands: as the run ended it, or as read now. */
  async link(ref: ObjectRef): Promise<LinkState> {
    const result = this.inRun.get(refKey(ref));
    if (result) return linkOfResult(result);
    const kind = findKind(ref.kind);
    if (!kind) return { words: 'is of a kind this action does not read' };
    try {
      const obj =
        this.related.get(refKey(ref))?.object ?? (await this.reads.flux(kind, ref.namespace, ref.name));
      return obj ? linkOfObject(kind, obj) : { words: 'does not exist' };
    } catch (error) {
      return { words: `could not be read (${errorText(error)})` };
    }
  }

  /** Recent events of the object, newest last: from what was read after the run, or read now. */
  events(ref: ObjectRef): Promise<KubeEvent[]> {
    const known = this.related.get(refKey(ref))?.events;
    return known ? Promise.resolve(known) : this.reads.events(ref);
  }

  /** The controller's Deployment in the Flux namespace; absent or unreadable both mean "cannot tell". */
  async controller(name: string): Promise<ControllerReading> {
    try {
      const deployment = await this.reads.resource(WORKLOAD_KINDS.Deployment, FLUX_NAMESPACE, name);
      if (!deployment) return { found: false };
      const desired = deployment.spec?.replicas;
      const ready = deployment.status?.readyReplicas;
      return {
        found: true,
        desired: typeof desired === 'number' ? desired : 1,
        ready: typeof ready === 'number' ? ready : 0,
      };
    } catch {
      return { found: false };
    }
  }
}

/** The first of its dependencies that is not Ready, when the controller's message does not name it. */
async function firstUnready(result: FluxResult, lookups: Lookups): Promise<ObjectRef | undefined> {
  const dependencies = result.last ? (result.fluxKind.dependsOn?.(result.last) ?? []) : [];
  for (const ref of dependencies.slice(0, MAX_CHAIN)) {
    if ((await lookups.link(ref)).words !== 'is Ready') return ref;
  }
  return undefined;
}

/** From the stuck object to the first link that is not waiting on another: `apps → infra → crds`. */
async function dependencyChain(result: FluxResult, lookups: Lookups): Promise<ChainLink[]> {
  const root: ChainLink = { ref: result, ...linkOfResult(result) };
  root.next ??= await firstUnready(result, lookups);
  if (!root.next) return [];
  const links: ChainLink[] = [root];
  const seen = new Set([refKey(result)]);
  let next: ObjectRef | undefined = root.next;
  while (next) {
    if (seen.has(refKey(next))) {
      links.push({ ref: next, words: 'waits on an object earlier in this chain: a dependency cycle' });
      break;
    }
    if (links.length >= MAX_CHAIN) {
      links.push({ ref: next, words: 'waits on more than this report follows' });
      break;
    }
    seen.add(refKey(next));
    const state = await lookups.link(next);
    links.push({ ref: next, ...state });
    next = state.next;
  }
  return links;
}

/** The newest Warning events of all these objects together. */
async function warningsOf(refs: ObjectRef[], lookups: Lookups, notes: string[]): Promise<KubeEvent[]> {
  const unique = [...new Map(refs.map((r) => [refKey(r), r])).values()];
  const lists = await Promise.allSettled(unique.map((ref) => lookups.events(ref)));
  const events: KubeEvent[] = [];
  lists.forEach((list, index) => {
    if (list.status === 'fulfilled') events.push(...list.value);
    else notes.push(`events of ${refKey(unique[index]!)}: ${errorText(list.reason)}`);
  });
  const time = (e: KubeEvent) => Date.parse(e.lastTimestamp ?? '') || 0;
  return newestWarnings(events.sort((a, b) => time(a) - time(b)));
}

async function explain(result: FluxResult, lookups: Lookups): Promise<StuckReport> {
  const why: string[] = [];
  const notes: string[] = [];
  const watched: ObjectRef[] = [result];
  const source = result.last ? result.fluxKind.sourceOf?.(result.last) : undefined;
  if (source) watched.push(source);
  const waiting = result.waitingFor?.for;
  if (waiting === 'request') {
    why.push(controllerSentence(result, await lookups.controller(result.fluxKind.controller)));
  }
  if (waiting === 'dependency') {
    const links = await dependencyChain(result, lookups);
    const blocking = links.at(-1);
    if (blocking) watched.push(blocking.ref);
    why.push(chainSentence(links));
  }
  why.push(lastRunsSentence(result.last ? (result.fluxKind.runHistory?.(result.last) ?? []) : []));
  const warnings = await warningsOf(watched, lookups, notes);
  why.push(warningSentence(warnings));
  return { why: why.filter(Boolean), warnings, notes };
}

/** The objects the report explains: those that timed out, the first few. */
export function stuckResults(run: RunResult): FluxResult[] {
  return run.results
    .filter(isFluxResult)
    .filter((r) => r.outcome === 'timed-out')
    .slice(0, MAX_OBJECTS);
}

export async function collectStuck(
  api: ClusterApi,
  run: RunResult,
  options: StuckReadOptions = {},
): Promise<StuckReports> {
  const lookups = new Lookups(run, options.related ?? new Map(), new Reads(api, options.signal));
  const reports: StuckReports = new Map();
  await Promise.all(
    stuckResults(run).map(async (result) => {
      reports.set(refKey(result), await explain(result, lookups));
    }),
  );
  return reports;
}

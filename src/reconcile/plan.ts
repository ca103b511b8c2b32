// Plan: the user's selectors become concrete objects, with their sources (for `with-source`) and the
// order among them (sources first, then spec.dependsOn), as waves of work that can run at once.

import { type FluxKind, findKind, KINDS_IN_ALL, kindOf } from '../flux/kinds.js';
import { describeRef, type ObjectRef, refKey } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { ResourceSelector } from '../inputs/types.js';
import type { ClusterApi } from '../kube/api.js';
import { readNamed } from './read-named.js';

export interface PlannedObject {
  ref: ObjectRef;
  key: string;
  kind: FluxKind;
  /** The object as it was when planned: revision before, suspend flag, sources, dependencies. */
  initial: FluxObject;
  /** Why it is in the run: named by the user, the source of one that is, or applied by one (`follow`). */
  role: Role;
  /** The object whose inventory holds it, for a child. */
  parent?: ObjectRef;
  /** Whether the `revision` input applies to it: the user's objects and sources do; a child only when it
   * applies from the same source as its parent. */
  expectsRevision: boolean;
  /** Keys of the objects of this run that must be Ready before this one is requested. */
  after: string[];
  /** Key of this object's source when the source is part of the run (its revision becomes the expected one). */
  sourceKey?: string;
}

export type Role = 'requested' | 'source' | 'child';

export interface Plan {
  /** Every object once, in an order where each comes after everything it waits for. */
  objects: PlannedObject[];
  /** Objects grouped into waves: each wave only waits for earlier waves. */
  waves: string[][];
}

export interface PlanRequest {
  selectors: readonly ResourceSelector[];
  all: boolean;
  namespace: string;
  labelSelector: string;
  withSource: boolean;
  /** The most objects a run may hold (`max-objects`); default: no bound. */
  maxObjects?: number;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

/** What to say when a run would hold more than `max-objects` objects; `detail` says where they come from. */
export function treeTooLargeMessage(count: number, max: number, detail?: string): string {
  const where = detail ? ` (${detail})` : '';
  return `tree too large: ${count} objects${where}; narrow \`resources\` or raise \`max-objects\` (now ${max}).`;
}

export async function buildPlan(api: ClusterApi, request: PlanRequest): Promise<Plan> {
  const requested = await resolveSelectors(api, request);
  const objects = new Map<string, PlannedObject>();
  for (const { kind, obj } of requested) addObject(objects, kind, obj, 'requested');
  if (request.withSource) await addSources(api, objects);
  if (request.maxObjects !== undefined && objects.size > request.maxObjects)
    throw new PlanError(treeTooLargeMessage(objects.size, request.maxObjects));
  linkDependencies(objects);
  return order(objects);
}

interface Found {
  kind: FluxKind;
  obj: FluxObject;
}

/** The user's selectors with `all` expanded to every object of the kinds the table puts in `all`. */
export function expandedSelectors(
  request: Pick<PlanRequest, 'selectors' | 'all' | 'namespace'>,
): ResourceSelector[] {
  const selectors: ResourceSelector[] = [...request.selectors];
  if (request.all) {
    for (const kind of KINDS_IN_ALL)
      selectors.push({ kind: kind.kind, namespace: request.namespace, name: '*' });
  }
  return selectors;
}

/** Where the run will act before any object is read: each selected kind in its namespace, for preflight. */
export function planScopes(
  request: Pick<PlanRequest, 'selectors' | 'all' | 'namespace'>,
): Array<{ kind: FluxKind; namespace: string }> {
  return expandedSelectors(request).map((s) => ({ kind: kindOf(s.kind), namespace: s.namespace }));
}

async function resolveSelectors(api: ClusterApi, request: PlanRequest): Promise<Found[]> {
  const selectors = expandedSelectors(request);
  const named = selectors
    .filter((s) => s.name !== '*')
    .map((s) => ({ kind: kindOf(s.kind), namespace: s.namespace, name: s.name }));
  const readOf = readNamed(api, named);
  const problems: string[] = [];
  const found = await Promise.all(
    selectors.map(async (selector): Promise<Found[]> => {
      const kind = kindOf(selector.kind);
      if (selector.name === '*') {
        const { items } = await api.list(kind, selector.namespace, request.labelSelector || undefined);
        return items.map((obj) => ({ kind, obj }));
      }
      const read = await readOf(kind, selector.namespace);
      const obj = read.byName.get(selector.name);
      if (obj) return [{ kind, obj }];
      const existing = read.listed ?? (await api.list(kind, selector.namespace)).items;
      problems.push(notFoundMessage(kind, selector.namespace, selector.name, existing));
      return [];
    }),
  );
  if (problems.length > 0) throw new PlanError(problems.join('\n'));
  const flat = found.flat();
  if (flat.length === 0) {
    const what = request.labelSelector ? ` matching selector '${request.labelSelector}'` : '';
    throw new PlanError(
      `Input 'resources' matched no Flux objects${what}: check the names, the 'namespace' input (${request.namespace}) and 'selector'.`,
    );
  }
  return flat;
}

function notFoundMessage(
  kind: FluxKind,
  namespace: string,
  name: string,
  existing: readonly FluxObject[],
): string {
  const names = existing.map((o) => o.metadata.name).sort();
  const shown = names.slice(0, 20).join(', ') + (names.length > 20 ? `, … (${names.length} in all)` : '');
  const there =
    names.length > 0
      ? `${kind.kind}s in ${namespace}: ${shown}`
      : `there are no ${kind.kind}s in ${namespace}`;
  return `${kind.kind} ${namespace}/${name} not found; ${there}.`;
}

function addObject(
  objects: Map<string, PlannedObject>,
  kind: FluxKind,
  obj: FluxObject,
  role: Role,
  parent?: PlannedObject,
): PlannedObject {
  const ref = { kind: kind.kind, namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name };
  const key = refKey(ref);
  const existing = objects.get(key);
  if (existing) return existing;
  const planned: PlannedObject = { ref, key, kind, initial: obj, role, after: [], expectsRevision: true };
  if (parent) {
    planned.parent = parent.ref;
    const source = (p: PlannedObject) => {
      const found = p.kind.sourceOf?.(p.initial);
      return found ? refKey(found) : undefined;
    };
    planned.expectsRevision =
      parent.expectsRevision && source(planned) !== undefined && source(planned) === source(parent);
  }
  objects.set(key, planned);
  return planned;
}

/**
 * Adds each object's source, and the source's source (HelmRelease → HelmChart → HelmRepository). A source
 * many objects share is read once, and the sources of one kind and namespace together (read-named.ts).
 */
async function addSources(api: ClusterApi, objects: Map<string, PlannedObject>): Promise<void> {
  const problems: string[] = [];
  let frontier = [...objects.values()];
  while (frontier.length > 0) {
    const wanted = new Map<string, { kind: FluxKind; ref: ObjectRef; for: PlannedObject[] }>();
    for (const planned of frontier) {
      const sourceRef = planned.kind.sourceOf?.(planned.initial);
      if (!sourceRef) continue;
      const sourceKind = findKind(sourceRef.kind);
      if (!sourceKind) {
        problems.push(
          `${describeRef(planned.ref)}: its source kind ${sourceRef.kind} is not one the action knows.`,
        );
        continue;
      }
      const ref = { ...sourceRef, kind: sourceKind.kind };
      const key = refKey(ref);
      planned.sourceKey = key;
      if (objects.has(key)) continue;
      const entry = wanted.get(key) ?? { kind: sourceKind, ref, for: [] };
      entry.for.push(planned);
      wanted.set(key, entry);
    }
    const readOf = readNamed(
      api,
      [...wanted.values()].map(({ kind, ref }) => ({ kind, namespace: ref.namespace, name: ref.name })),
    );
    const next: PlannedObject[] = [];
    for (const [key, { kind, ref, for: dependents }] of wanted) {
      const obj = (await readOf(kind, ref.namespace)).byName.get(ref.name);
      if (obj) {
        next.push(addObject(objects, kind, obj, 'source'));
        continue;
      }
      for (const planned of dependents) {
        problems.push(
          `${describeRef(planned.ref)}: its source ${kind.kind} ${ref.namespace}/${ref.name} was not found.`,
        );
        if (planned.sourceKey === key) planned.sourceKey = undefined;
      }
    }
    frontier = next;
  }
  if (problems.length > 0) throw new PlanError(problems.join('\n'));
}

function linkDependencies(objects: Map<string, PlannedObject>, only?: readonly PlannedObject[]): void {
  for (const planned of only ?? objects.values()) {
    const after = new Set<string>();
    if (planned.sourceKey && objects.has(planned.sourceKey)) after.add(planned.sourceKey);
    for (const dep of planned.kind.dependsOn?.(planned.initial) ?? []) {
      const key = refKey(dep);
      if (objects.has(key) && key !== planned.key) after.add(key);
    }
    planned.after = [...after];
  }
}

/** One object found in a parent's inventory: its kind and the object as read now. */
export interface Child {
  kind: FluxKind;
  obj: FluxObject;
}

/**
 * The children of an object that became Ready, as planned objects of the same run: each waits for its
 * dependencies and its source when those are in the run. A dependsOn cycle among them is a PlanError.
 */
export function planChildren(
  existing: ReadonlyMap<string, PlannedObject>,
  parent: PlannedObject,
  children: readonly Child[],
): PlannedObject[] {
  const objects = new Map(existing);
  const added: PlannedObject[] = [];
  for (const { kind, obj } of children) {
    const key = refKey({
      kind: kind.kind,
      namespace: obj.metadata.namespace ?? 'default',
      name: obj.metadata.name,
    });
    if (objects.has(key)) continue;
    added.push(addObject(objects, kind, obj, 'child', parent));
  }
  for (const planned of added) {
    const source = planned.kind.sourceOf?.(planned.initial);
    const sourceKey =
      source && findKind(source.kind) ? refKey({ ...source, kind: findKind(source.kind)!.kind }) : undefined;
    if (sourceKey && objects.has(sourceKey)) planned.sourceKey = sourceKey;
  }
  linkDependencies(objects, added);
  // Only the new objects can form a new cycle: order them among themselves.
  order(
    new Map(
      added.map((p) => [p.key, { ...p, after: p.after.filter((k) => added.some((a) => a.key === k)) }]),
    ),
  );
  return added;
}

/** Topological waves (Kahn). What is left when no object is free is a cycle: name it. */
function order(objects: Map<string, PlannedObject>): Plan {
  const remaining = new Map([...objects.values()].map((p) => [p.key, new Set(p.after)]));
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const wave = [...remaining]
      .filter(([, deps]) => deps.size === 0)
      .map(([key]) => key)
      .sort();
    if (wave.length === 0)
      throw new PlanError(`dependsOn cycle: ${findCycle(objects, new Set(remaining.keys()))}`);
    for (const key of wave) remaining.delete(key);
    for (const deps of remaining.values()) for (const key of wave) deps.delete(key);
    waves.push(wave);
  }
  const ordered = waves.flat().map((key) => objects.get(key)!);
  return { objects: ordered, waves };
}

function findCycle(objects: Map<string, PlannedObject>, stuck: Set<string>): string {
  const start = [...stuck].sort()[0]!;
  const path: string[] = [];
  const seen = new Map<string, number>();
  let current = start;
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = objects.get(current)!.after.find((k) => stuck.has(k))!;
  }
  const cycle = [...path.slice(seen.get(current)), current];
  return cycle.map((key) => describeRef(objects.get(key)!.ref)).join(' → ');
}

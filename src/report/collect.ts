// The report's reads from the cluster, done once after the run: the namespace's health and, for each object
// that did not end well, its source and dependencies (state and events) when they were not part of the run.
// Every read may fail (RBAC, a missing CRD): the report then says so instead of failing the step.

import { errorMessage } from '../base/error-message.js';
import { oneLine } from '../base/text.js';
import { type FluxKind, findKind, HEALTH_KINDS } from '../flux/kinds.js';
import { type ObjectRef, refKey } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import type { ObjectResult, RunResult } from '../reconcile/types.js';
import { type KindListing, type NamespaceHealth, namespaceHealth } from './health.js';

/** An object the report mentions that the run did not watch (or whose events it did not read). */
export interface RelatedObject {
  ref: ObjectRef;
  /** The kind table's entry; absent for a kind the action does not know (then it is not read). */
  kind?: FluxKind;
  object?: FluxObject;
  events?: KubeEvent[];
  /** Why it could not be read. */
  error?: string;
}

/** Related objects by refKey. */
export type RelatedObjects = Map<string, RelatedObject>;

// Bounds the reads when many objects failed: the first ones carry the story.
const MAX_RELATED_READS = 30;

export function errorText(error: unknown): string {
  return oneLine(errorMessage(error));
}

export async function collectHealth(api: ClusterApi, namespace: string): Promise<NamespaceHealth> {
  const listings: KindListing[] = [];
  const unavailable: NamespaceHealth['unavailable'] = [];
  await Promise.all(
    HEALTH_KINDS.map(async (kind) => {
      try {
        const { items } = await api.list(kind, namespace);
        listings.push({ kind, items });
      } catch (error) {
        unavailable.push({ kind: kind.kind, error: errorText(error) });
      }
    }),
  );
  // Promise.all finishes in any order; the footer reads in table order.
  const order = (kind: string) => HEALTH_KINDS.findIndex((k) => k.kind === kind);
  listings.sort((a, b) => order(a.kind.kind) - order(b.kind.kind));
  unavailable.sort((a, b) => order(a.kind) - order(b.kind));
  return namespaceHealth(namespace, listings, unavailable);
}

interface Read {
  ref: ObjectRef;
  object: boolean;
  events: boolean;
}

/** The reads the report needs for the objects that did not end well, without repeats. */
export function relatedReads(run: RunResult): Read[] {
  const inRun = new Map<string, ObjectResult>(run.results.map((r) => [refKey(r), r]));
  const reads = new Map<string, Read>();
  const want = (ref: ObjectRef, object: boolean, events: boolean) => {
    const known = inRun.get(refKey(ref));
    const needObject = object && !known?.last;
    const needEvents = events && !known?.events;
    if (!needObject && !needEvents) return;
    const read = reads.get(refKey(ref)) ?? { ref, object: false, events: false };
    read.object ||= needObject;
    read.events ||= needEvents;
    reads.set(refKey(ref), read);
  };
  for (const result of run.results) {
    if (result.ok) continue;
    want(result, false, true);
    const kind = result.fluxKind;
    if (!result.last || !kind) continue;
    const source = kind.sourceOf?.(result.last);
    if (source) want(source, true, true);
    for (const dependency of kind.dependsOn?.(result.last) ?? []) want(dependency, true, false);
  }
  return [...reads.values()].slice(0, MAX_RELATED_READS);
}

export async function collectRelated(api: ClusterApi, run: RunResult): Promise<RelatedObjects> {
  const related: RelatedObjects = new Map();
  await Promise.all(
    relatedReads(run).map(async (read) => {
      // A ref named by another object's spec: its kind may be one the action does not know.
      const kind = findKind(read.ref.kind);
      const entry: RelatedObject = { ref: read.ref, kind };
      try {
        if (read.object && kind) {
          entry.object = await api.get(kind, read.ref.namespace, read.ref.name);
          if (!entry.object) entry.error = 'not found';
        }
        if (read.events && entry.error === undefined) entry.events = await api.events(read.ref);
      } catch (error) {
        entry.error = errorText(error);
      }
      related.set(refKey(read.ref), entry);
    }),
  );
  return related;
}

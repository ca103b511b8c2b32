// Follow: the Flux objects an object applied (its inventory) join the run once it is Ready at the expected
// revision, so that a broken child fails the run instead of hiding behind a green parent. This file reads
// them; plan.ts orders them; the run loop requests, watches and judges them like any other object.
import { errorMessage } from '../base/error-message.js';
import { type FluxKind, kindOfGroup } from '../flux/kinds.js';
import { describeRef, type ObjectRef, refKey } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import { httpStatusOf } from '../kube/errors.js';
import type { Child } from './plan.js';

/** A child that could not be read: it fails with this message (never a silent pass). */
export interface UnreadableChild {
  kind: FluxKind;
  ref: ObjectRef;
  message: string;
}

/** The Flux objects of an object's inventory, by kind and ref, wherever they are. */
function fluxEntries(kind: FluxKind, obj: FluxObject): Array<{ kind: FluxKind; ref: ObjectRef }> {
  const found: Array<{ kind: FluxKind; ref: ObjectRef }> = [];
  for (const entry of kind.inventory?.(obj) ?? []) {
    const childKind = kindOfGroup(entry.group, entry.kind);
    if (childKind)
      found.push({
        kind: childKind,
        ref: { kind: childKind.kind, namespace: entry.namespace, name: entry.name },
      });
  }
  return found;
}

/**
 * The Flux objects in an object's inventory that are not in `known` yet; none when it applies to another
 * cluster (its inventory names objects there: following it would patch and judge same-named ones here).
 */
export function childRefs(
  kind: FluxKind,
  obj: FluxObject,
  known: (key: string) => boolean,
): Array<{ kind: FluxKind; ref: ObjectRef }> {
  if (kind.appliesToAnotherCluster?.(obj)) return [];
  return fluxEntries(kind, obj).filter(({ ref }) => !known(refKey(ref)));
}

const NAMES_SHOWN = 5;

/**
 * `2 Flux objects it applied there were not followed (Kustomization apps/web, HelmRelease apps/db)` for an
 * object that applies to another cluster; undefined when it applies here or applied no Flux object.
 */
export function notFollowedElsewhere(kind: FluxKind, obj: FluxObject): string | undefined {
  if (!kind.appliesToAnotherCluster?.(obj)) return undefined;
  const children = fluxEntries(kind, obj);
  if (children.length === 0) return undefined;
  const shown = children.slice(0, NAMES_SHOWN).map((c) => describeRef(c.ref));
  if (children.length > NAMES_SHOWN) shown.push(`${children.length - NAMES_SHOWN} more`);
  const count =
    children.length === 1
      ? '1 Flux object it applied there was'
      : `${children.length} Flux objects it applied there were`;
  return `${count} not followed (${shown.join(', ')})`;
}

/**
 * Reads each child now (the client retries transient errors until the deadline). One the commit removed is
 * gone: it is left out. One the credentials cannot read fails, naming the namespace and the missing verb.
 */
export async function readChildren(
  api: ClusterApi,
  refs: ReadonlyArray<{ kind: FluxKind; ref: ObjectRef }>,
): Promise<{ children: Child[]; unreadable: UnreadableChild[] }> {
  const children: Child[] = [];
  const unreadable: UnreadableChild[] = [];
  await Promise.all(
    refs.map(async ({ kind, ref }) => {
      try {
        const obj = await api.get(kind, ref.namespace, ref.name);
        if (obj) children.push({ kind, obj });
      } catch (error) {
        unreadable.push({ kind, ref, message: unreadableMessage(kind, ref, error) });
      }
    }),
  );
  return { children, unreadable };
}

function unreadableMessage(kind: FluxKind, ref: ObjectRef, error: unknown): string {
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) {
    return `${describeRef(ref)} was applied by its parent, but these credentials cannot get ${kind.plural}.${kind.group} in namespace ${ref.namespace}: grant get, list and watch (and patch, to reconcile) there, or set follow: false.`;
  }
  const why = errorMessage(error);
  return `${describeRef(ref)} was applied by its parent, but could not be read: ${why}`;
}

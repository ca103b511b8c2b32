// `follow` for a diff: the Kustomizations and HelmReleases a diffed Kustomization applied (its inventory, as
// the cluster has it now) are diffed too, recursively, each against its own spec.path. The reading is the
// run loop's (reconcile/follow.ts); only the kinds that have something to diff are kept.

import { describeRef } from '../flux/refs.js';
import type { ClusterApi } from '../kube/api.js';
import { childRefs, readChildren, type UnreadableChild } from '../reconcile/follow.js';
import { PlanError, type PlannedObject, planChildren, treeTooLargeMessage } from '../reconcile/plan.js';

export interface Tree {
  /** The planned objects first, then each generation of children. */
  objects: PlannedObject[];
  /** Children the credentials could not read: each becomes a failed result. */
  unreadable: UnreadableChild[];
}

/** The planned objects and, recursively, what they applied; more than `maxObjects` in all is a PlanError. */
export async function withChildren(
  api: ClusterApi,
  planned: readonly PlannedObject[],
  maxObjects = Number.POSITIVE_INFINITY,
): Promise<Tree> {
  const all = new Map(planned.map((p) => [p.key, p]));
  const unreadable: UnreadableChild[] = [];
  let frontier = [...planned];
  while (frontier.length > 0) {
    const next: PlannedObject[] = [];
    for (const parent of frontier) {
      const refs = childRefs(parent.kind, parent.initial, (key) => all.has(key)).filter(
        (child) => child.kind.diff !== undefined,
      );
      if (refs.length === 0) continue;
      if (all.size + refs.length > maxObjects) {
        const detail = `${all.size} found so far, ${refs.length} more in the inventory of ${describeRef(parent.ref)}`;
        throw new PlanError(treeTooLargeMessage(all.size + refs.length, maxObjects, detail));
      }
      const read = await readChildren(api, refs);
      unreadable.push(...read.unreadable);
      for (const child of planChildren(all, parent, read.children)) {
        all.set(child.key, child);
        next.push(child);
      }
    }
    frontier = next;
  }
  return { objects: [...all.values()], unreadable };
}

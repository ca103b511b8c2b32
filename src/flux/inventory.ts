// A Kustomization's inventory: which objects it applied, read from `status.inventory.entries[].id`.
import type { FluxObject } from './types.js';

/** One object an applier applied: `kind` and `group` as in its API version, namespace empty when cluster-scoped. */
export interface InventoryEntry {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * kustomize-controller's inventory ids are `<namespace>_<name>_<group>_<Kind>` (fluxcd/cli-utils ObjMetadata);
 * Kubernetes names and groups hold no `_`, so the id splits into exactly four parts.
 */
export function parseInventoryId(id: string): InventoryEntry | undefined {
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace, name, group, kind] = parts as [string, string, string, string];
  return name && kind ? { namespace, name, group, kind } : undefined;
}

export function inventoryEntries(obj: FluxObject): InventoryEntry[] {
  const entries = (obj.status?.inventory as { entries?: Array<{ id?: unknown }> } | undefined)?.entries;
  if (!Array.isArray(entries)) return [];
  return entries
    .map((e) => (typeof e?.id === 'string' ? parseInventoryId(e.id) : undefined))
    .filter((e): e is InventoryEntry => e !== undefined);
}

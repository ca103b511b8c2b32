// The namespace health footer: what people check by hand after every reconcile, computed from object lists.
import { findCondition } from '../flux/conditions.js';
import type { FluxKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { Condition, FluxObject } from '../flux/types.js';

export type HealthState = 'ready' | 'failing' | 'suspended' | 'progressing';

export interface FailingObject extends ObjectRef {
  reason: string;
  message: string;
}

export interface HealthGroup {
  /** `Kustomizations`, `HelmReleases`, `Sources`… */
  label: string;
  total: number;
  ready: number;
  failing: number;
  suspended: number;
  progressing: number;
  failingObjects: FailingObject[];
}

export interface NamespaceHealth {
  namespace: string;
  groups: HealthGroup[];
  /** Kinds that could not be listed, with why (CRD absent, no RBAC): shown, never fatal. */
  unavailable: { kind: string; error: string }[];
}

/** The objects of one kind as listed in the namespace. */
export interface KindListing {
  kind: FluxKind;
  items: FluxObject[];
}

/** The state `flux get` would show for an object: Ready, failing (Ready=False or Stalled), suspended or in progress. */
export function healthState(obj: FluxObject): HealthState {
  if (obj.spec?.suspend) return 'suspended';
  const ready = findCondition(obj, 'Ready');
  if (findCondition(obj, 'Stalled')?.status === 'True' || ready?.status === 'False') return 'failing';
  const generation = obj.metadata.generation;
  const observed = obj.status?.observedGeneration;
  const current = generation === undefined || observed === undefined || generation === observed;
  if (ready?.status === 'True' && current && !obj.metadata.deletionTimestamp) return 'ready';
  return 'progressing';
}

/** The condition that explains the state: Stalled when true, else Ready. */
export function speakingCondition(obj: FluxObject): Condition | undefined {
  const stalled = findCondition(obj, 'Stalled');
  return stalled?.status === 'True' ? stalled : findCondition(obj, 'Ready');
}

function failingObject(kind: string, obj: FluxObject, namespace: string): FailingObject {
  const speaking = speakingCondition(obj);
  return {
    kind,
    namespace: obj.metadata.namespace ?? namespace,
    name: obj.metadata.name,
    reason: speaking?.reason ?? '',
    message: speaking?.message ?? '',
  };
}

export function namespaceHealth(
  namespace: string,
  listings: KindListing[],
  unavailable: NamespaceHealth['unavailable'] = [],
): NamespaceHealth {
  const groups = new Map<string, HealthGroup & { order: number }>();
  for (const { kind, items } of listings) {
    // The kind table says which line a kind is counted on (every source kind shares one).
    const { label, order } = kind.health ?? { label: `${kind.kind}s`, order: Number.MAX_SAFE_INTEGER };
    let group = groups.get(label);
    if (!group) {
      group = {
        label,
        order,
        total: 0,
        ready: 0,
        failing: 0,
        suspended: 0,
        progressing: 0,
        failingObjects: [],
      };
      groups.set(label, group);
    }
    for (const obj of items) {
      // Static objects (OCI HelmRepository, Alert…) have no controller and no status to judge.
      if (kind.isStatic(obj)) continue;
      const state = healthState(obj);
      group.total += 1;
      group[state] += 1;
      if (state === 'failing') group.failingObjects.push(failingObject(kind.kind, obj, namespace));
    }
  }
  const sorted = [...groups.values()].sort((a, b) => a.order - b.order);
  return { namespace, groups: sorted.map(({ order: _order, ...group }) => group), unavailable };
}

// The namespace health footer: what people check by hand after every reconcile, computed from object lists.
import { findCondition } from '../flux/conditions.js';
import { findKind } from '../flux/kinds.js';
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
  kind: string;
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

/** Appliers are counted per kind; every source kind shares one line, as the runbooks count them. */
function groupLabel(kind: string): string {
  const known = findKind(kind);
  if (!known) return kind;
  if (known.category === 'sources') return 'Sources';
  if (known.category === 'image') return 'Image automation';
  if (known.category === 'notification') return 'Notification';
  return `${known.kind}s`;
}

const GROUP_ORDER = ['Kustomizations', 'HelmReleases', 'Sources', 'Image automation', 'Notification'];

export function namespaceHealth(
  namespace: string,
  listings: KindListing[],
  unavailable: NamespaceHealth['unavailable'] = [],
): NamespaceHealth {
  const groups = new Map<string, HealthGroup>();
  for (const { kind, items } of listings) {
    const known = findKind(kind);
    const label = groupLabel(kind);
    let group = groups.get(label);
    if (!group) {
      group = { label, total: 0, ready: 0, failing: 0, suspended: 0, progressing: 0, failingObjects: [] };
      groups.set(label, group);
    }
    for (const obj of items) {
      // Static objects (OCI HelmRepository, Alert…) have no controller and no status to judge.
      if (known?.isStatic(obj)) continue;
      const state = healthState(obj);
      group.total += 1;
      group[state] += 1;
      if (state === 'failing') group.failingObjects.push(failingObject(known?.kind ?? kind, obj, namespace));
    }
  }
  const rank = (label: string) => {
    const i = GROUP_ORDER.indexOf(label);
    return i === -1 ? GROUP_ORDER.length : i;
  };
  return {
    namespace,
    groups: [...groups.values()].sort((a, b) => rank(a.label) - rank(b.label)),
    unavailable,
  };
}

// Reads named Flux objects the way the API server serves them cheapest: the names of one kind and namespace
// together, one GET for a single name and one list for several (50 Kustomizations named in one namespace
// are one request, not 50). The plan reads the user's objects and their sources through it.
import type { FluxKind } from '../flux/kinds.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';

export interface NamedRead {
  /** The objects found, by name; a name that does not exist is not in it. */
  byName: ReadonlyMap<string, FluxObject>;
  /** Every object of the kind in the namespace, when a list was read. */
  listed?: readonly FluxObject[];
}

export interface NamedObject {
  kind: FluxKind;
  namespace: string;
  name: string;
}

const scopeOf = (kind: FluxKind, namespace: string) => `${kind.kind}/${namespace}`;

/** The names of one kind and namespace: a GET for one, a list (and the names picked from it) for several. */
async function readScope(
  api: ClusterApi,
  kind: FluxKind,
  namespace: string,
  names: ReadonlySet<string>,
): Promise<NamedRead> {
  if (names.size === 1) {
    const [name] = names as Set<string>;
    const obj = await api.get(kind, namespace, name!);
    return { byName: new Map(obj ? [[name!, obj]] : []) };
  }
  const { items } = await api.list(kind, namespace);
  const byName = new Map(items.filter((o) => names.has(o.metadata.name)).map((o) => [o.metadata.name, o]));
  return { byName, listed: items };
}

/**
 * Starts one read per kind and namespace of `wanted`; `readOf(kind, namespace)` gives that read (each
 * awaited where its answer is needed, so that a failure surfaces where it did before: at that object).
 */
export function readNamed(
  api: ClusterApi,
  wanted: readonly NamedObject[],
): (kind: FluxKind, namespace: string) => Promise<NamedRead> {
  const names = new Map<string, { kind: FluxKind; namespace: string; names: Set<string> }>();
  for (const { kind, namespace, name } of wanted) {
    const scope = scopeOf(kind, namespace);
    const entry = names.get(scope) ?? { kind, namespace, names: new Set<string>() };
    entry.names.add(name);
    names.set(scope, entry);
  }
  const reads = new Map<string, Promise<NamedRead>>();
  for (const [scope, entry] of names) {
    const read = readScope(api, entry.kind, entry.namespace, entry.names);
    read.catch(() => undefined); // awaited through readOf; not unhandled meanwhile
    reads.set(scope, read);
  }
  return (kind, namespace) => {
    const read = reads.get(scopeOf(kind, namespace));
    if (!read) throw new Error(`${kind.kind} in ${namespace} was not among the objects to read`);
    return read;
  };
}

/** Which object: the kind is the canonical Flux kind name (e.g. `Kustomization`). */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** `Kind/namespace/name`: the key of the `revisions` output and of every map of objects. */
export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** How a person reads a ref: `Kustomization flux-system/apps`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

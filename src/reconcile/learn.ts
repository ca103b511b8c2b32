// Learn: what another object holds now, read to judge a step — its source's current artifact (is a failure
// before our request is handled of the revision our request asks for?), or what superseded a canceled
// health check (does it contain the expected commit?). One read, only when a wait needs it.
import { findKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { FluxObject, GitOrigin } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';

export interface CurrentArtifact {
  /** The revision it holds now, as a person reads it; undefined when it has none or is not a Flux kind. */
  revision?: string;
  /** Every value an expected revision may match (an OCI artifact's git commit too). */
  candidates: string[];
  /** The git repository and commit it comes from, to ask how that commit relates to the expected one. */
  origin?: GitOrigin;
}

/**
 * The object's current artifact: from `known` (the run already watches it) or read now. A ConfigMap or
 * Secret (a Kustomization's substitutions can cancel a health check too) has no revision.
 */
export async function currentArtifact(
  api: ClusterApi,
  ref: ObjectRef,
  known?: FluxObject,
): Promise<CurrentArtifact> {
  const kind = findKind(ref.kind);
  if (!kind) return { candidates: [] };
  const obj = known ?? (await api.get(kind, ref.namespace, ref.name));
  if (!obj) return { candidates: [] };
  return {
    revision: kind.revision(obj),
    candidates: kind.revisionCandidates(obj),
    origin: kind.gitOrigin?.(obj),
  };
}

// A HelmRelease under `command: diff`: the flux CLI has no diff for releases, but helm-controller compares
// the release's objects with the cluster itself when spec.driftDetection.mode is `enabled` or `warn`, and
// records what it found in the Drifted condition and DriftDetected events (helm-controller
// internal/reconcile/atomic_release.go). Report that, and say that it is not a diff of this checkout.
import { findCondition } from '../flux/conditions.js';
import type { ObjectRef } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import type { HelmDrift } from './types.js';

const DRIFT_EVENT_REASON = 'DriftDetected';
const MAX_EVENTS = 5;

function modeOf(hr: FluxObject): string {
  const detection = hr.spec?.driftDetection as { mode?: unknown } | undefined;
  return typeof detection?.mode === 'string' && detection.mode !== '' ? detection.mode : 'disabled';
}

export async function helmDrift(api: ClusterApi, ref: ObjectRef, hr: FluxObject): Promise<HelmDrift> {
  const condition = findCondition(hr, 'Drifted');
  // Events are a help, not the answer: a denied or failed read leaves them out.
  const events = await api.events(ref).catch(() => []);
  return {
    mode: modeOf(hr),
    ...(condition ? { drifted: condition.status === 'True' } : {}),
    ...(condition?.reason ? { reason: condition.reason } : {}),
    ...(condition?.message ? { message: condition.message } : {}),
    events: events.filter((e) => e.reason === DRIFT_EVENT_REASON).slice(-MAX_EVENTS),
  };
}

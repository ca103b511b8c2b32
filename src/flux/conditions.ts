import type { Condition, FluxObject } from './types.js';

export function findCondition(obj: FluxObject, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

// kustomize- and helm-controller: `dependency 'flux-system/infra' is not ready`.
const DEPENDENCY_IN_MESSAGE = /dependency '([^']+)'/;

/** The `namespace/name` of the dependency a DependencyNotReady message names, if it names one. */
export function dependencyNamedIn(message: string | undefined): string | undefined {
  return DEPENDENCY_IN_MESSAGE.exec(message ?? '')?.[1];
}

/**
 * The Reconciling condition of an attempt under way: Reconciling=True (not the retry mark) while Ready is
 * Unknown, or newer than a Ready=False. helm-controller leaves `Reconciling=True Progressing "Running
 * 'upgrade' action"` behind a failed upgrade, older than (or as old as) the failure, so an older Reconciling
 * says nothing about progress.
 */
export function attemptUnderWay(obj: FluxObject): Condition | undefined {
  const reconciling = findCondition(obj, 'Reconciling');
  if (reconciling?.status !== 'True' || reconciling.reason === 'ProgressingWithRetry') return undefined;
  const ready = findCondition(obj, 'Ready');
  if (ready?.status !== 'False') return reconciling;
  const started = Date.parse(reconciling.lastTransitionTime ?? '');
  const failedAt = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isFinite(started) && Number.isFinite(failedAt) && started > failedAt
    ? reconciling
    : undefined;
}

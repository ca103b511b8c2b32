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

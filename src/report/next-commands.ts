// The commands a person runs next when an object did not end well, as the flux CLI spells them.
import { findKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { ObjectResult } from '../reconcile/types.js';

// Per-kind troubleshooting commands beyond get/events/logs (flux2 cmd/flux tree_*.go, debug_*.go).
const DEEPER: Record<string, (ref: ObjectRef) => string[]> = {
  Kustomization: (r) => [
    `flux tree ks ${r.name} -n ${r.namespace}`,
    `flux debug ks ${r.name} -n ${r.namespace} --show-status`,
  ],
  HelmRelease: (r) => [`flux debug hr ${r.name} -n ${r.namespace} --show-history`],
};

function getCommand(ref: ObjectRef): string | undefined {
  const kind = findKind(ref.kind);
  return kind ? `flux get ${kind.cliWords} ${ref.name} -n ${ref.namespace}` : undefined;
}

/** `flux get`, `flux events`, `flux logs` and the kind's deeper commands for one object. */
export function commandsFor(ref: ObjectRef): string[] {
  return [
    getCommand(ref),
    `flux events --for ${ref.kind}/${ref.name} -n ${ref.namespace}`,
    `flux logs --kind=${ref.kind} --name=${ref.name} -n ${ref.namespace}`,
    ...(DEEPER[ref.kind]?.(ref) ?? []),
  ].filter((c): c is string => c !== undefined);
}

export interface Neighbours {
  /** Its source, when that is not known to be Ready. */
  source?: ObjectRef;
  /** Dependencies not known to be Ready. */
  dependencies: ObjectRef[];
}

/** What to run next for an object that did not end well, then for the source and dependencies that may be why. */
export function nextCommands(result: ObjectResult, neighbours: Neighbours): string[] {
  const commands: string[] = [];
  const kind = findKind(result.kind);
  if (result.outcome === 'suspended' && !result.ok && kind) {
    commands.push(`flux resume ${kind.cliWords} ${result.name} -n ${result.namespace}`);
  }
  commands.push(...commandsFor(result));
  for (const dependency of neighbours.dependencies) {
    const get = getCommand(dependency);
    if (get) commands.push(get);
    commands.push(`flux events --for ${dependency.kind}/${dependency.name} -n ${dependency.namespace}`);
  }
  if (neighbours.source) {
    const get = getCommand(neighbours.source);
    if (get) commands.push(get);
    commands.push(
      `flux events --for ${neighbours.source.kind}/${neighbours.source.name} -n ${neighbours.source.namespace}`,
    );
  }
  return [...new Set(commands)];
}

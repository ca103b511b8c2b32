// The commands a person runs next when an object did not end well, as the flux CLI spells them.
import { type FluxKind, findKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { ObjectResult, WorkloadResult } from '../reconcile/types.js';

/** A neighbour named by another object's spec may be of a kind the action does not know: no `flux get` then. */
function getNeighbourCommand(ref: ObjectRef): string | undefined {
  return findKind(ref.kind)?.inspectCommands(ref)[0];
}

/** `flux get`, `flux events`, `flux logs` (or the kind's stand-ins) and its own troubleshooting commands. */
export function commandsFor(kind: FluxKind, ref: ObjectRef): string[] {
  return [...kind.inspectCommands(ref), ...kind.troubleshooting(ref)];
}

export interface Neighbours {
  /** Its source, when that is not known to be Ready. */
  source?: ObjectRef;
  /** Dependencies not known to be Ready. */
  dependencies: ObjectRef[];
}

/** What to run next for an object that did not end well, then for the source and dependencies that may be why. */
export function nextCommands(result: ObjectResult, neighbours: Neighbours): string[] {
  if (result.role === 'workload') return workloadCommands(result);
  const commands: string[] = [];
  const kind = result.fluxKind;
  if (result.outcome === 'suspended' && !result.ok) {
    commands.push(kind.resumeCommand(result));
  }
  commands.push(...commandsFor(kind, result));
  for (const dependency of neighbours.dependencies) {
    const get = getNeighbourCommand(dependency);
    if (get) commands.push(get);
    commands.push(`flux events --for ${dependency.kind}/${dependency.name} -n ${dependency.namespace}`);
  }
  if (neighbours.source) {
    const get = getNeighbourCommand(neighbours.source);
    if (get) commands.push(get);
    commands.push(
      `flux events --for ${neighbours.source.kind}/${neighbours.source.name} -n ${neighbours.source.namespace}`,
    );
  }
  return [...new Set(commands)];
}

/** kubectl for a workload that did not roll out: its rollout, its description, and the pod that says why. */
function workloadCommands(result: WorkloadResult): string[] {
  const { namespace, name, rollout } = result;
  const kind = rollout.workloadKind.toLowerCase();
  const commands = [
    kind === 'job'
      ? `kubectl get job ${name} -n ${namespace}`
      : `kubectl rollout status ${kind}/${name} -n ${namespace}`,
    `kubectl describe ${kind} ${name} -n ${namespace}`,
  ];
  const fault = rollout.pod;
  if (fault) {
    commands.push(`kubectl describe pod ${fault.pod} -n ${namespace}`);
    const container = fault.container ? ` -c ${fault.container.replace(/ \(init\)$/, '')}` : '';
    if (fault.restarts) commands.push(`kubectl logs ${fault.pod} -n ${namespace}${container} --previous`);
  }
  return commands;
}

// The one table that describes every command the action runs. Everything else asks this table: no other
// file names a command or asks `command === ...`. As the kind table does for Flux kinds, each row answers a
// few small questions: what the run does to each object, which access it needs, whether it follows trees,
// what "done" means, what it reports to GitHub, which inputs mean something with it.
// Adding a command: a row here and, if it runs differently from its family, a file in src/commands/.
import type { Verb } from '../kube/preflight.js';

export const COMMAND_NAMES = ['reconcile', 'wait', 'suspend', 'resume', 'diff'] as const;
export type Command = (typeof COMMAND_NAMES)[number];

/** Which file in src/commands/ runs it: the run engine (request, watch, verdict) or the diff engine. */
export type CommandFamily = 'run' | 'diff';

/** What the run does first to each planned object whose state is not already its verdict. */
export type CommandAct = 'request' | 'resume' | 'watch' | 'suspend' | 'diff';

export interface CommandSpec {
  name: Command;
  family: CommandFamily;
  act: CommandAct;
  /** What preflight checks on every kind and namespace the run touches. */
  verbs: readonly Verb[];
  /** `with-source` plans the objects' sources first (suspending touches only the named objects). */
  takesSources: boolean;
  /** `follow` adds the Flux objects a Ready object applied (suspending does not go down the tree). */
  follows: boolean;
  /** The outcome every object must end with for the run to be green. */
  goal: 'ready' | 'suspended';
  /** Deployments, commit statuses and PR comments report a deploy: a reconcile or a wait. */
  reportsToGitHub: boolean;
  /** `revision` is awaited (suspend and diff wait for no revision). */
  takesRevision: boolean;
  /** It patches `requestedAt`, so `force` and `reset` can ride along. */
  requestsReconcile: boolean;
  /**
   * Once an object is Ready, the checks after Ready apply: its workloads are judged (`workloads`), everything
   * is held for `stable-for` and `verify-url` is asked. Suspending and diffing roll nothing out.
   */
  judgesWorkloads: boolean;
  /** `trigger: receiver` can stand for its request (a webhook asks for a reconcile, nothing else). */
  triggerable: boolean;
  /** The pending line while it runs: "Reconciling apps", "Waiting for apps to be Ready". */
  doing(what: string): string;
}

const READ: readonly Verb[] = ['get', 'list', 'watch'];
const READ_AND_PATCH: readonly Verb[] = ['get', 'list', 'watch', 'patch'];

const reconciling = (what: string) => `Reconciling ${what}`;

const RECONCILE: CommandSpec = {
  name: 'reconcile',
  family: 'run',
  act: 'request',
  verbs: READ_AND_PATCH,
  takesSources: true,
  follows: true,
  goal: 'ready',
  reportsToGitHub: true,
  takesRevision: true,
  requestsReconcile: true,
  judgesWorkloads: true,
  triggerable: true,
  doing: reconciling,
};

export const COMMANDS: Readonly<Record<Command, CommandSpec>> = {
  reconcile: RECONCILE,
  wait: {
    name: 'wait',
    family: 'run',
    act: 'watch',
    verbs: READ,
    takesSources: true,
    follows: true,
    goal: 'ready',
    reportsToGitHub: true,
    takesRevision: true,
    requestsReconcile: false,
    judgesWorkloads: true,
    triggerable: false,
    doing: (what) => `Waiting for ${what} to be Ready`,
  },
  suspend: {
    name: 'suspend',
    family: 'run',
    act: 'suspend',
    verbs: READ_AND_PATCH,
    takesSources: false,
    follows: false,
    goal: 'suspended',
    reportsToGitHub: false,
    takesRevision: false,
    requestsReconcile: false,
    judgesWorkloads: false,
    triggerable: false,
    doing: (what) => `Suspending ${what}`,
  },
  // A reconcile that first clears the suspension (a Receiver's webhook cannot do that).
  resume: { ...RECONCILE, name: 'resume', act: 'resume', triggerable: false },
  diff: {
    name: 'diff',
    family: 'diff',
    act: 'diff',
    // Only reads: the CLI's server-side dry-runs need their own rights, which its errors name.
    verbs: ['get', 'list'],
    takesSources: false,
    follows: true,
    goal: 'ready',
    reportsToGitHub: false,
    takesRevision: false,
    requestsReconcile: false,
    judgesWorkloads: false,
    triggerable: false,
    doing: (what) => `Comparing ${what} with the cluster`,
  },
};

export function commandSpec(command: Command): CommandSpec {
  return COMMANDS[command];
}

export function findCommand(name: string): Command | undefined {
  return COMMAND_NAMES.find((c) => c === name.toLowerCase());
}

/** The word for the goal in a sentence: "did not end Ready", "all 3 objects suspended". */
export function goalWord(command: Command): 'Ready' | 'suspended' {
  return COMMANDS[command].goal === 'suspended' ? 'suspended' : 'Ready';
}

// The typed configuration every input becomes. read.ts reads and validates; the rest reads only this.
import type { InstallConfig } from '../install/config.js';
import type { ClusterConfig } from '../kube/kubeconfig/config.js';
import type { Command } from './commands.js';

export type { ClusterConfig, InstallConfig };

/** A `resources` entry as written: the kind resolved, the name possibly `*`. */
export interface ResourceSelector {
  kind: string; // canonical Flux kind, e.g. Kustomization
  namespace: string;
  name: string; // a name, or '*' for every object of the kind
}

/** Which workloads a run judges once their object is Ready: `auto` those no controller checked, all, or none. */
export type WorkloadsMode = 'auto' | 'always' | 'never';

/** One `verify-url` line: what to ask from the runner, and the answer that counts as up. */
export interface VerifyUrl {
  url: string;
  /** The status the answer must have; undefined: any 2xx. */
  status?: number;
  /** Text the body must contain. */
  body?: string;
  /** Plain http to a host other than the runner is allowed (`allow-insecure-verify-url`). */
  allowInsecure: boolean;
}

export interface ReconcileConfig {
  command: Command;
  /** Empty: install only. `all` expands to every Kustomization and HelmRelease of the namespace. */
  resources: ResourceSelector[];
  all: boolean;
  namespace: string;
  selector: string;
  withSource: boolean;
  /** Add what a Ready Kustomization applied (its inventory's Flux objects) to the run, recursively. */
  follow: boolean;
  /** The most objects a run holds, children included (`max-objects`): a larger tree fails. */
  maxObjects: number;
  timeoutMs: number;
  revision: string; // empty = none expected
  force: boolean;
  reset: boolean;
  /** How long a failure may be mended by the controller's retries: 0 = fail at once, Infinity = never. */
  failFastGraceMs: number;
  workloads: WorkloadsMode;
  /** Once all is Ready and rolled out, how long it must stay so (0: no soak). Counts inside timeoutMs. */
  stableForMs: number;
  /** Asked after Ready until they answer as expected, and again during the soak. */
  verifyUrls: VerifyUrl[];
}

export interface DiffConfig {
  /** The folder a source's root maps to (relative to the workspace); empty = the workspace, for this repository's sources. */
  pathRoot: string;
  failOnChange: boolean;
}
/** A Flux Receiver's spec.type, as far as this action signs requests for it. */
export type ReceiverType = 'generic' | 'generic-hmac' | 'github' | 'generic-oidc';

/** How a reconcile is asked for: an annotation through the API (patch), or a POST to a Receiver's webhook. */
export type TriggerConfig =
  | { kind: 'patch' }
  | {
      kind: 'receiver';
      /** The full webhook URL; its last segment is a secret (the digest of the Receiver's token). */
      url: string;
      /** The Receiver's token (HMAC key for generic-hmac and github); empty for generic and generic-oidc. */
      secret: string;
      type: ReceiverType;
      /** generic-oidc: the audience of the job's OIDC token (the Receiver's provider's `audience`). */
      audience: string;
    };

/** What to report back to GitHub besides outputs and summary: each part is off unless asked for. */
export interface GitHubReportConfig {
  /** Environment of the GitHub Deployment to create; empty = none. */
  deployment: string;
  /** The deployment's link (`environment_url`); empty = none. */
  environmentUrl: string;
  commitStatus: boolean;
  /** The name after `flux/` in the status context; empty = the API server's host. */
  statusContext: string;
  prComment: boolean;
  /** The pull request to comment on; undefined = the one of the triggering event. */
  prNumber?: number;
  token: string;
}

export interface Config {
  install: InstallConfig;
  cluster: ClusterConfig;
  reconcile: ReconcileConfig;
  diff: DiffConfig;
  trigger: TriggerConfig;
  summary: boolean;
  github: GitHubReportConfig;
}

/**
 * A bad input. The message names the input, says what is wrong and shows a right value; it never holds a
 * secret input's value. Defined here, beside Config, so the parsers of single inputs can throw it without
 * importing read.ts (which imports them).
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The inputs at fault, e.g. `['timeout']`. */
  readonly inputs: readonly string[];

  constructor(inputs: string | readonly string[], message: string) {
    super(message);
    this.inputs = typeof inputs === 'string' ? [inputs] : [...inputs];
  }
}

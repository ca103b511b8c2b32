// Before touching anything: does the API server answer, are the Flux kinds installed, do the namespaces
// exist, may these credentials do what the run needs? Every problem is collected into one error.
import * as core from '@actions/core';
import { apiVersionOf, type FluxKind } from '../flux/kinds.js';
import type { PreflightApi } from './client.js';
import { ClusterAccessError, describeError } from './errors.js';

export type Verb = 'get' | 'list' | 'watch' | 'patch';

export interface PreflightNeeds {
  kinds: FluxKind[];
  namespaces: string[];
  /** get/list/watch for `command: wait`; plus patch when the run requests reconciliation. */
  verbs: Verb[];
  /**
   * The (kind, namespace) pairs the run touches. Without it, access is checked for every kind in every
   * namespace, which can report a permission the run never uses.
   */
  targets?: { kind: FluxKind; namespace: string }[];
}

export interface PreflightResult {
  serverVersion: string;
}

export const PREFLIGHT_TIMEOUT_MS = 10_000;

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function accessTargets(needs: PreflightNeeds, kinds: FluxKind[], namespaces: string[]) {
  const targets =
    needs.targets ?? kinds.flatMap((kind) => namespaces.map((namespace) => ({ kind, namespace })));
  return unique(targets, (target) => `${target.kind.kind}/${target.namespace}`);
}

/** What a missing kind means to a person. */
function missingKind(kind: FluxKind): string {
  return `Flux is not installed in this cluster, or not this kind: ${apiVersionOf(kind)} ${kind.kind} is missing`;
}

async function checkKind(api: PreflightApi, kind: FluxKind): Promise<string | undefined> {
  return (await api.servesKind(kind)) ? undefined : missingKind(kind);
}

async function checkNamespace(api: PreflightApi, namespace: string): Promise<string | undefined> {
  const exists = await api.namespaceExists(namespace);
  if (exists === undefined)
    core.debug(`preflight: may not read namespace ${namespace}; not checking that it exists`);
  return exists === false ? `namespace ${namespace} does not exist` : undefined;
}

async function checkAccess(api: PreflightApi, kind: FluxKind, namespace: string, verbs: Verb[]) {
  const answers = await Promise.all(verbs.map((verb) => api.canI(verb, kind, namespace)));
  const denied = verbs.filter((_, i) => answers[i] === false);
  if (answers.some((answer) => answer === undefined)) {
    core.debug(`preflight: could not review access to ${kind.plural} in ${namespace}`);
  }
  if (denied.length === 0) return undefined;
  const resource = `${kind.plural}.${kind.group}`;
  return `not allowed to ${denied.join(', ')} ${resource} in namespace ${namespace}`;
}

/**
 * One round of checks. The version request goes first and alone: when the server does not answer, one
 * clear error beats a dozen identical ones (and an exec plugin runs once, not once per request).
 */
export async function preflight(
  api: PreflightApi,
  needs: PreflightNeeds,
  timeoutMs = PREFLIGHT_TIMEOUT_MS,
): Promise<PreflightResult> {
  const serverVersion = await api.serverVersion(timeoutMs);
  core.debug(`preflight: ${api.server} runs Kubernetes ${serverVersion}`);

  const kinds = unique(needs.kinds, (kind) => kind.kind);
  const namespaces = [...new Set(needs.namespaces)];
  const checks: Promise<string | undefined>[] = [
    ...kinds.map((kind) => checkKind(api, kind)),
    ...namespaces.map((namespace) => checkNamespace(api, namespace)),
    ...accessTargets(needs, kinds, namespaces).map(({ kind, namespace }) =>
      checkAccess(api, kind, namespace, needs.verbs),
    ),
  ];
  const outcomes = await Promise.allSettled(checks);
  const problems = outcomes
    .map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value : describeError(outcome.reason, api.server),
    )
    .filter((problem): problem is string => problem !== undefined);
  // When a kind is missing, its access reviews say nothing useful; keep the message short.
  const missing = new Set(
    kinds.filter((kind) => problems.includes(missingKind(kind))).map((kind) => kind.plural),
  );
  const shown = problems.filter(
    (p) => !/^not allowed to /.test(p) || ![...missing].some((plural) => p.includes(` ${plural}.`)),
  );
  if (shown.length === 0) return { serverVersion };
  const heading =
    shown.length === 1 ? 'Preflight found a problem' : `Preflight found ${shown.length} problems`;
  throw new ClusterAccessError(
    `${heading} with the cluster at ${api.server}:\n${shown.map((p) => `  - ${p}`).join('\n')}`,
  );
}

// What every command that reads the cluster shares: kubeconfig → client → preflight → plan, while the flux
// CLI is installed beside it; the session joins the install before the command changes anything. The
// command table says which access preflight checks and whether sources are planned first.
import * as core from '@actions/core';
import type { Deadline } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { commandSpec } from '../inputs/commands.js';
import type { Config } from '../inputs/types.js';
import { createClusterApi, type KubeClusterApi } from '../kube/client.js';
import { describeError } from '../kube/errors.js';
import { type PreparedKubeconfig, prepareKubeconfig } from '../kube/kubeconfig/prepare.js';
import { preflight } from '../kube/preflight.js';
import { buildPlan, type Plan, type PlanRequest, planScopes } from '../reconcile/plan.js';

/** The install running beside the session: the CLI, once it is on PATH (its outputs are written). */
export type Installing = Promise<{ version: string; path: string }>;

/** What bounds the step: the `timeout` input, counted from the step's start, and the job's cancellation. */
export interface Limits {
  deadline: Deadline;
  cancelled: AbortSignal;
}

export interface Session {
  cluster: PreparedKubeconfig;
  api: KubeClusterApi;
  plan: Plan;
  /** The installed CLI. */
  flux: { version: string; path: string };
}

/**
 * Connects and plans under `deadline`, then waits for the install: nothing is requested, patched or
 * reported before the CLI is on PATH, as when the install ran first. The caller closes `session.api` (also
 * when this throws after the client was made, the client is closed here).
 */
export async function openSession(
  config: Config,
  deadline: Deadline,
  installing: Installing,
): Promise<Session> {
  const cluster = await prepareKubeconfig(config.cluster);
  core.info(`Cluster: ${cluster.serverHost} (context ${cluster.context})`);
  const api = createClusterApi(cluster.kubeConfig, {
    deadline,
    onRetry: (what, error, delayMs) =>
      core.debug(`${what}: ${describeError(error)}; asking again in ${formatDuration(delayMs)}`),
  });
  try {
    const plan = await checkAndPlan(config, api);
    return { cluster, api, plan, flux: await installing };
  } catch (error) {
    await api.close();
    throw error;
  }
}

/** Preflight where the run will act, then the plan. */
async function checkAndPlan(config: Config, api: KubeClusterApi): Promise<Plan> {
  const settings = config.reconcile;
  const spec = commandSpec(settings.command);
  const request: PlanRequest = {
    selectors: settings.resources,
    all: settings.all,
    namespace: settings.namespace,
    labelSelector: settings.selector,
    withSource: settings.withSource && spec.takesSources,
    maxObjects: settings.maxObjects,
  };
  // Check access where the run will act: each selected kind in its namespace (sources found later are read
  // with the same credentials; a denial there surfaces as that object's error).
  const targets = planScopes(request);
  await preflight(api, {
    kinds: targets.map((t) => t.kind),
    namespaces: targets.map((t) => t.namespace),
    verbs: [...spec.verbs],
    targets,
  });
  const planned = await buildPlan(api, request);
  // Written at once, so that the install's lines, which may come meanwhile, never land in the group.
  core.startGroup('Plan');
  logPlan(planned);
  core.endGroup();
  return planned;
}

function logPlan(plan: Plan): void {
  plan.waves.forEach((wave, index) => {
    core.info(`wave ${index + 1}: ${wave.map((key) => key.replace(/^(\w+)\//, '$1 ')).join(', ')}`);
  });
}

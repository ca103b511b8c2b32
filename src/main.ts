// The main step: inputs → install → cluster → plan → request → watch → results → report.
// Thin on purpose: each stage lives in its own module; this file only wires them and turns errors into
// one clear failure.
import * as core from '@actions/core';
import { forgetInputs } from './child-env.js';
import { diffCommand } from './diff/command.js';
import { formatDuration } from './duration.js';
import { errorMessage } from './error-message.js';
import { readConfig } from './inputs/read.js';
import type { Config } from './inputs/types.js';
import { installStep } from './install/installer.js';
import { githubEndpoints } from './install/version.js';
import { createClusterApi } from './kube/client.js';
import { prepareKubeconfig } from './kube/kubeconfig.js';
import { preflight, type Verb } from './kube/preflight.js';
import { relateCommits } from './reconcile/ancestry.js';
import { buildPlan, type Plan, type PlanRequest, planScopes } from './reconcile/plan.js';
import { type RunOptions, runPlan } from './reconcile/run.js';
import type { RunResult } from './reconcile/types.js';
import { reportedObjects, startGitHubReport } from './report/github/index.js';
import {
  collectHealth,
  collectRelated,
  collectWorkloads,
  liveLogHooks,
  report,
  reportStopped,
} from './report/index.js';

// The report's share of time for reading unready workloads after the run; what is not read by then is left out.
const WORKLOAD_READS_MS = 10_000;

export async function run(): Promise<void> {
  let summary = true;
  try {
    const config = readConfig();
    forgetInputs();
    summary = config.summary;
    const flux = await installStep(config.install);
    if (config.reconcile.resources.length === 0 && !config.reconcile.all) {
      // Install only; a kubeconfig given with it is still set up (masked, written, exported) for later steps.
      if (config.cluster.kubeconfig.trim() !== '') await prepareKubeconfig(config.cluster);
      core.info('No resources given: the flux CLI is installed, nothing to reconcile.');
      return;
    }
    if (config.reconcile.command === 'diff') return await diffCommand(config, flux);
    const result = await reconcile(config, flux.version);
    if (!result.ready) {
      const failed = result.results.filter((r) => !r.ok);
      core.setFailed(
        `${failed.length} of ${result.results.length} Flux objects did not end ${config.reconcile.command === 'suspend' ? 'suspended' : 'Ready'}: ${failed
          .map((r) => `${r.kind} ${r.namespace}/${r.name} (${r.outcome})`)
          .join(', ')}`,
      );
    }
  } catch (error) {
    // Outputs a later step may test, and a summary a person reads, even when the run never started.
    const message = errorMessage(error);
    core.setOutput('ready', 'false');
    if (summary) await reportStopped(message);
    core.setFailed(message);
  }
}

async function reconcile(config: Config, fluxVersion: string): Promise<RunResult> {
  const settings = config.reconcile;
  const cluster = await prepareKubeconfig(config.cluster);
  core.info(`Cluster: ${cluster.serverHost} (context ${cluster.context})`);
  const api = createClusterApi(cluster.kubeConfig);

  const request: PlanRequest = {
    selectors: settings.resources,
    all: settings.all,
    namespace: settings.namespace,
    labelSelector: settings.selector,
    // Suspending touches only the named objects; their sources stay as they are.
    withSource: settings.withSource && settings.command !== 'suspend',
  };
  // Check access where the run will act: each selected kind in its namespace (sources found later are read
  // with the same credentials; a denial there surfaces as that object's error).
  const targets = planScopes(request);
  const verbs: Verb[] =
    settings.command === 'wait' ? ['get', 'list', 'watch'] : ['get', 'list', 'watch', 'patch'];
  await preflight(api, {
    kinds: targets.map((t) => t.kind),
    namespaces: targets.map((t) => t.namespace),
    verbs,
    targets,
  });

  const plan = await core.group('Plan', async () => {
    const planned = await buildPlan(api, request);
    logPlan(planned);
    return planned;
  });

  // Deployment `in_progress` and status `pending` go out beside the run; final states after report().
  const github = startGitHubReport(config.github, {
    command: settings.command,
    revision: settings.revision,
    objects: reportedObjects(plan.objects),
    serverHost: cluster.serverHost,
    timeoutMs: settings.timeoutMs,
  });
  const result = await runPlan(api, plan, {
    command: settings.command,
    revision: settings.revision,
    timeoutMs: settings.timeoutMs,
    failFastGraceMs: settings.failFastGraceMs,
    force: settings.force,
    reset: settings.reset,
    follow: settings.follow && settings.command !== 'suspend',
    relate: relateWith(config.install.token),
    hooks: liveLogHooks(),
  }).catch((error: unknown) => github.stopped(error));
  core.info(`Finished in ${formatDuration(result.durationMs)}; ${api.requestCount()} API requests.`);

  // The report's extras (events, related objects, namespace health) are best effort: report() writes the
  // outputs first, and a failure to read an extra only leaves it out.
  const [related, health, workloads] = await Promise.all([
    collectRelated(api, result).catch((error) => {
      core.debug(`could not read related objects: ${errorMessage(error)}`);
      return undefined;
    }),
    collectHealth(api, settings.namespace).catch((error) => {
      core.debug(`could not read namespace health: ${errorMessage(error)}`);
      return undefined;
    }),
    collectWorkloads(api, result, { signal: AbortSignal.timeout(WORKLOAD_READS_MS) }).catch((error) => {
      core.debug(`could not read workloads: ${String(error)}`);
      return undefined;
    }),
  ]);
  const context = {
    server: cluster.server,
    contextName: cluster.context,
    fluxVersion,
    namespace: settings.namespace,
    related,
    workloads,
  };
  const views = await report(context, result, health, { summary: config.summary });
  await github.finish(context, result, views);
  return result;
}

/** Asks the workspace's clone, then GitHub, how a fetched commit relates to the expected one. */
function relateWith(token: string): NonNullable<RunOptions['relate']> {
  const { apiUrl, serverUrl } = githubEndpoints();
  const context = {
    workspace: process.env.GITHUB_WORKSPACE,
    apiUrl,
    serverUrl,
    token,
    repository: process.env.GITHUB_REPOSITORY,
  };
  return (origin, expected) =>
    relateCommits({ sourceUrl: origin.url, expected, fetched: origin.revision, context });
}

function logPlan(plan: Plan): void {
  plan.waves.forEach((wave, index) => {
    core.info(`wave ${index + 1}: ${wave.map((key) => key.replace(/^(\w+)\//, '$1 ')).join(', ')}`);
  });
}

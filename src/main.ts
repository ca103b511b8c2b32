// The main step: inputs → install → cluster → plan → request → watch → results → report.
// Thin on purpose: each stage lives in its own module; this file only wires them and turns errors into
// one clear failure.
import * as core from '@actions/core';
import { onCancel } from './base/cancellation.js';
import { forgetInputs } from './base/child-env.js';
import { Deadline } from './base/deadline.js';
import { diffCommand } from './commands/diff.js';
import { formatDuration } from './base/duration.js';
import { errorMessage } from './base/error-message.js';
import { readConfig } from './inputs/read.js';
import type { Config } from './inputs/types.js';
import { installStep } from './install/installer.js';
import { githubEndpoints } from './install/version.js';
import { createClusterApi, type KubeClusterApi } from './kube/client.js';
import { describeError } from './kube/errors.js';
import { type PreparedKubeconfig, prepareKubeconfig } from './kube/kubeconfig/prepare.js';
import { preflight, type Verb } from './kube/preflight.js';
import { relateCommits } from './git/relate.js';
import { buildPlan, type Plan, type PlanRequest, planScopes } from './reconcile/plan.js';
import { type RunOptions, runPlan } from './reconcile/run.js';
import type { ReceiverTrigger } from './trigger/receiver.js';
import {
  hasKubeconfig,
  maskReceiverSecrets,
  pushFacts,
  reportTriggerOnly,
  triggerReceiver,
} from './commands/receiver.js';
import type { RunResult } from './reconcile/types.js';
import { reportedObjects, startGitHubReport } from './report/github/index.js';
import {
  collectHealth,
  collectRelated,
  collectWorkloads,
  liveLogHooks,
  type ReportContext,
  report,
  reportStopped,
} from './report/index.js';

// The report's share of time for reading unready workloads after the run; what is not read by then is left out.
const WORKLOAD_READS_MS = 10_000;

/** What bounds the step: the `timeout` input, counted from the step's start, and the job's cancellation. */
interface Limits {
  deadline: Deadline;
  cancelled: AbortSignal;
}

export async function run(): Promise<void> {
  const cancellation = onCancel();
  let summary = true;
  try {
    let config = readConfig();
    forgetInputs();
    summary = config.summary;
    if (config.trigger.kind === 'receiver') maskReceiverSecrets(config.trigger);
    const limits: Limits = {
      deadline: Deadline.after(config.reconcile.timeoutMs, performance.timeOrigin).cancelledBy(
        cancellation.signal,
      ),
      cancelled: cancellation.signal,
    };
    const flux = await installStep(config.install, { deadline: limits.deadline });
    if (config.trigger.kind === 'receiver') {
      const watched = await throughReceiver(config, config.trigger, limits);
      if (!watched) return;
      config = watched;
    }
    if (config.reconcile.resources.length === 0 && !config.reconcile.all) {
      // Install only; a kubeconfig given with it is still set up (masked, written, exported) for later steps.
      if (config.cluster.kubeconfig.trim() !== '') await prepareKubeconfig(config.cluster);
      core.info('No resources given: the flux CLI is installed, nothing to reconcile.');
      return;
    }
    if (config.reconcile.command === 'diff') return await diffCommand(config, flux, limits.deadline);
    const result = await reconcile(config, flux.version, limits);
    if (!result.ready) {
      const failed = result.results.filter((r) => !r.ok);
      core.setFailed(
        `${cancellation.signal.aborted ? 'The job was cancelled: ' : ''}${failed.length} of ${result.results.length} Flux objects did not end ${config.reconcile.command === 'suspend' ? 'suspended' : 'Ready'}: ${failed
          .map((r) => `${r.kind} ${r.namespace}/${r.name} (${r.outcome})`)
          .join(', ')}`,
      );
    }
  } catch (error) {
    // Outputs a later step may test, and a summary a person reads, even when the run never started.
    const cancelled = cancellation.signal.aborted ? 'The job was cancelled before the run was done: ' : '';
    const message = `${cancelled}${errorMessage(error)}`;
    core.setOutput('ready', 'false');
    if (summary) await reportStopped(message);
    core.setFailed(message);
  } finally {
    cancellation.dispose();
  }
}

/** The report's share of the step: its reads of events, related objects and health get this much. */
function reportShareMs(timeoutMs: number): number {
  return Math.min(5_000, timeoutMs / 10);
}

/**
 * Triggers the Receiver; then the run is `command: wait` (a webhook gives no token to follow, so the revision
 * is the proof), or nothing more when there is nothing to watch it with.
 */
async function throughReceiver(
  config: Config,
  trigger: ReceiverTrigger,
  limits: Limits,
): Promise<Config | undefined> {
  const settings = config.reconcile;
  const answer = await triggerReceiver(trigger, pushFacts(settings.revision), limits.deadline.remainingMs());
  const named = settings.resources.length > 0 || settings.all;
  const why = !named ? 'no resources given' : hasKubeconfig(config.cluster) ? '' : 'no kubeconfig given';
  if (why) {
    if (named) core.warning(`trigger: receiver: the resources were not watched: ${why}.`);
    // As an install-only run: a kubeconfig given is still set up for later steps.
    else if (config.cluster.kubeconfig.trim() !== '') await prepareKubeconfig(config.cluster);
    await reportTriggerOnly(trigger, answer, why, config.summary);
    return undefined;
  }
  return { ...config, reconcile: { ...settings, command: 'wait' } };
}

async function reconcile(config: Config, fluxVersion: string, limits: Limits): Promise<RunResult> {
  const settings = config.reconcile;
  const cluster = await prepareKubeconfig(config.cluster);
  core.info(`Cluster: ${cluster.serverHost} (context ${cluster.context})`);
  // Preflight, plan and run share the step's deadline less the report's share, which its reads keep.
  const runDeadline = limits.deadline.reserving(reportShareMs(settings.timeoutMs));
  const api = createClusterApi(cluster.kubeConfig, {
    deadline: runDeadline,
    onRetry: (what, error, delayMs) =>
      core.debug(`${what}: ${describeError(error)}; asking again in ${formatDuration(delayMs)}`),
  });
  try {
    const plan = await checkAndPlan(config, api);
    // Deployment `in_progress` and status `pending` go out beside the run; final states after report().
    const github = startGitHubReport(config.github, {
      command: settings.command,
      revision: settings.revision,
      objects: reportedObjects(plan.objects),
      serverHost: cluster.serverHost,
      timeoutMs: settings.timeoutMs,
    });
    const result = await runPlan(api, plan, runOptions(config, runDeadline, limits.cancelled)).catch(
      (error: unknown) => github.stopped(error),
    );
    core.info(`Finished in ${formatDuration(result.durationMs)}; ${api.requestCount()} API requests.`);
    api.useDeadline(limits.deadline);
    const { context, health } = await reportExtras(config, cluster, fluxVersion, api, result, limits);
    const views = await report(context, result, health, { summary: config.summary });
    await github.finish(context, result, views);
    return result;
  } finally {
    await api.close();
  }
}

/** Preflight where the run will act, then the plan. */
async function checkAndPlan(config: Config, api: KubeClusterApi): Promise<Plan> {
  const settings = config.reconcile;
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
  return core.group('Plan', async () => {
    const planned = await buildPlan(api, request);
    logPlan(planned);
    return planned;
  });
}

function runOptions(config: Config, deadline: Deadline, cancelled: AbortSignal): RunOptions {
  const settings = config.reconcile;
  return {
    command: settings.command,
    revision: settings.revision,
    timeoutMs: settings.timeoutMs,
    deadlineAt: deadline.at,
    signal: cancelled,
    failFastGraceMs: settings.failFastGraceMs,
    force: settings.force,
    reset: settings.reset,
    follow: settings.follow && settings.command !== 'suspend',
    relate: relateWith(config.install.token),
    hooks: liveLogHooks(),
  };
}

/**
 * The report's extras (events, related objects, namespace health, unready workloads) are best effort:
 * report() writes the outputs first, a read that fails or runs out of time only leaves its part out, and
 * a cancelled job reads none of them.
 */
async function reportExtras(
  config: Config,
  cluster: PreparedKubeconfig,
  fluxVersion: string,
  api: KubeClusterApi,
  result: RunResult,
  limits: Limits,
): Promise<{ context: ReportContext; health: Awaited<ReturnType<typeof collectHealth>> | undefined }> {
  const namespace = config.reconcile.namespace;
  const skipped = (what: string) => (error: unknown) => {
    core.debug(`could not read ${what}: ${errorMessage(error)}`);
    return undefined;
  };
  const workloadSignal = AbortSignal.any([AbortSignal.timeout(WORKLOAD_READS_MS), limits.deadline.signal]);
  const [related, health, workloads] = limits.cancelled.aborted
    ? [undefined, undefined, undefined]
    : await Promise.all([
        collectRelated(api, result).catch(skipped('related objects')),
        collectHealth(api, namespace).catch(skipped('namespace health')),
        collectWorkloads(api, result, { signal: workloadSignal }).catch(skipped('workloads')),
      ]);
  const context = {
    server: cluster.server,
    contextName: cluster.context,
    fluxVersion,
    namespace,
    related,
    workloads,
  };
  return { context, health };
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

// The run family (reconcile, wait, suspend, resume): session → GitHub report started → run the plan →
// report. What differs between its commands is in the command table, not here.
import * as core from '@actions/core';
import type { Deadline } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import { relateCommits } from '../git/relate.js';
import { workflowRun } from '../github/workflow-run.js';
import { commandSpec } from '../inputs/commands.js';
import type { Config } from '../inputs/types.js';
import type { KubeClusterApi } from '../kube/client.js';
import type { PreparedKubeconfig } from '../kube/kubeconfig/prepare.js';
import { type RunOptions, runPlan } from '../reconcile/run.js';
import type { RunResult } from '../reconcile/types.js';
import { reportedObjects, startGitHubReport } from '../report/github/index.js';
import {
  collectHealth,
  collectRelated,
  collectStuck,
  collectWorkloads,
  failureLine,
  liveLogHooks,
  type ReportContext,
  report,
} from '../report/index.js';
import { type Installing, type Limits, openSession } from './session.js';

// The report's share of time for reading unready workloads, and why what timed out got nowhere, after the
// run; what is not read by then is left out.
const WORKLOAD_READS_MS = 10_000;

/** The report's share of the step: its reads of events, related objects and health get this much. */
function reportShareMs(timeoutMs: number): number {
  return Math.min(5_000, timeoutMs / 10);
}

/** Runs the command; returns why the step fails, or nothing when every object ended as the command asks. */
export async function runFamily(
  config: Config,
  installing: Installing,
  limits: Limits,
): Promise<string | undefined> {
  const result = await reconcileCommand(config, installing, limits);
  return result.ready ? undefined : failureLine(result);
}

async function reconcileCommand(config: Config, installing: Installing, limits: Limits): Promise<RunResult> {
  const settings = config.reconcile;
  // Preflight, plan and run share the step's deadline less the report's share, which its reads keep.
  const runDeadline = limits.deadline.reserving(reportShareMs(settings.timeoutMs));
  const { cluster, api, plan, flux } = await openSession(config, runDeadline, installing);
  try {
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
    const { context, health } = await reportExtras(config, cluster, flux.version, api, result, limits);
    const views = await report(context, result, health, { summary: config.summary });
    await github.finish(context, result, views);
    return result;
  } finally {
    await api.close();
  }
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
    follow: settings.follow && commandSpec(settings.command).follows,
    maxObjects: settings.maxObjects,
    relate: relateWith(config.install.token),
    hooks: liveLogHooks(),
    workloads: settings.workloads,
    stableForMs: settings.stableForMs,
    verifyUrls: settings.verifyUrls,
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
  // Why what timed out got nowhere builds on what collectRelated read (sources, dependencies, events).
  const relatedAndStuck = async () => {
    const related = await collectRelated(api, result).catch(skipped('related objects'));
    const stuck = await collectStuck(api, result, { related, signal: workloadSignal }).catch(
      skipped('why objects timed out'),
    );
    return { related, stuck };
  };
  const [{ related, stuck }, health, workloads] = limits.cancelled.aborted
    ? [{ related: undefined, stuck: undefined }, undefined, undefined]
    : await Promise.all([
        relatedAndStuck(),
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
    stuck,
  };
  return { context, health };
}

/**
 * Asks the workspace's clone, then GitHub, how a fetched commit relates to the expected one; the lookup
 * (its git processes, its requests) stops when `signal` aborts, at the end of the run.
 */
export function relateWith(token: string): NonNullable<RunOptions['relate']> {
  const { workspace, apiUrl, serverUrl, repository } = workflowRun();
  const context = { workspace, apiUrl, serverUrl, token, repository };
  return (origin, expected, signal) =>
    relateCommits({ sourceUrl: origin.url, expected, fetched: origin.revision, context, signal });
}

// `command: diff`: what would change if the checkout were applied, and what drifted, for the selected
// Kustomizations (through the installed flux CLI) and HelmReleases (their controller's drift detection).
// Reads the cluster only; the plan's selector resolution picks the objects, as for every command.
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { findKind, HELM_RELEASE, KUSTOMIZATION } from '../flux/kinds.js';
import { describeRef } from '../flux/refs.js';
import { type Config, ConfigError } from '../inputs/types.js';
import { createClusterApi } from '../kube/client.js';
import { prepareKubeconfig } from '../kube/kubeconfig.js';
import { preflight } from '../kube/preflight.js';
import { buildPlan } from '../reconcile/plan.js';
import { oneLine, shorten } from '../report/text.js';
import { diffFeatures } from './cli-features.js';
import type { Checkout } from './local-folder.js';
import { logDiffResult } from './log.js';
import { repoKey } from './repo-url.js';
import { reportDiff } from './report.js';
import { runDiff } from './run.js';
import type { DiffRun } from './types.js';
import { hasDifference } from './types.js';
import { workspaceRemotes } from './workspace-remotes.js';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The folder a source's root maps to: `path-root` when given (relative to the workspace), else the workspace. */
export function resolveCheckout(pathRoot: string, env: NodeJS.ProcessEnv = process.env): Checkout {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  if (pathRoot !== '') {
    const root = resolve(workspace, pathRoot);
    if (!isFolder(root)) {
      throw new ConfigError(
        'path-root',
        `Input 'path-root' must be a folder of the checkout, such as . or ./fleet; ${JSON.stringify(pathRoot)} is not one (looked in ${root}). Check out the repository first (actions/checkout).`,
      );
    }
    return { root: realpathSync(root), given: true, remotes: [] };
  }
  let remotes: string[] = [];
  try {
    remotes = workspaceRemotes(workspace, env);
  } catch (error) {
    core.debug(`could not read the workspace's git remotes: ${String(error)}`);
  }
  // The real path: the CLI confines an in-memory build to its working directory, compared without links.
  return { root: isFolder(workspace) ? realpathSync(workspace) : workspace, given: false, remotes };
}

/** The step fails when a diff failed, or, with `fail-on-change`, when anything differs. */
function verdict(run: DiffRun, failOnChange: boolean): string | undefined {
  const name = (r: DiffRun['results'][number]) => describeRef(r);
  const failed = run.results.filter((r) => r.state === 'failed');
  if (failed.length) {
    const said = failed.map(
      (r) => `${name(r)} (${'message' in r ? shorten(oneLine(r.message), 200).text : ''})`,
    );
    return `${failed.length} of ${run.results.length} objects could not be diffed: ${said.join('; ')}`;
  }
  const differing = run.results.filter(hasDifference);
  if (failOnChange && differing.length) {
    return `fail-on-change: ${differing.length} of ${run.results.length} objects differ from the checkout or drifted: ${differing.map(name).join(', ')}`;
  }
  return undefined;
}

/** `flux`: the CLI the install step put on PATH. */
export async function diffCommand(config: Config, flux: { version: string; path: string }): Promise<void> {
  const settings = config.reconcile;
  const checkout = resolveCheckout(config.diff.pathRoot);
  const cluster = await prepareKubeconfig(config.cluster);
  core.info(`Cluster: ${cluster.serverHost} (context ${cluster.context})`);
  const api = createClusterApi(cluster.kubeConfig);
  const targets = settings.resources.map((s) => ({ kind: findKind(s.kind)!, namespace: s.namespace }));
  if (settings.all) {
    for (const kind of [KUSTOMIZATION, HELM_RELEASE]) targets.push({ kind, namespace: settings.namespace });
  }
  await preflight(api, {
    kinds: targets.map((t) => t.kind),
    namespaces: targets.map((t) => t.namespace),
    verbs: ['get', 'list'],
    targets,
  });
  const plan = await buildPlan(api, {
    selectors: settings.resources,
    all: settings.all,
    namespace: settings.namespace,
    labelSelector: settings.selector,
    withSource: false,
  });
  const features = await diffFeatures(flux.path, Date.now() + settings.timeoutMs);
  core.info(`Diffing ${plan.objects.length} objects against ${checkout.root}`);
  if (!features.inMemoryBuild) {
    core.info(`flux ${flux.version} has no --in-memory-build: diffing one Kustomization at a time.`);
  }
  const run = await runDiff(api, plan.objects, {
    checkout,
    connection: {
      fluxPath: flux.path,
      context: cluster.context,
      kubeconfigPath: cluster.writtenPath,
      inMemoryBuild: features.inMemoryBuild,
      root: checkout.root,
    },
    timeoutMs: settings.timeoutMs,
    hooks: {
      started: (object, folder) => core.info(`► ${describeRef(object.ref)}: diffing ${folder}`),
      finished: logDiffResult,
    },
  });
  const kustomizations = run.results.filter((r) => r.kind === KUSTOMIZATION.kind);
  if (kustomizations.length && kustomizations.every((r) => r.state === 'not-in-checkout')) {
    core.warning(
      `No Kustomization's source is this checkout (${checkout.remotes.map(repoKey).filter(Boolean).join(', ') || 'it has no git remote'}), so nothing was diffed; set 'path-root' to the folder that holds their spec.path.`,
    );
  }
  await reportDiff({ server: cluster.server, contextName: cluster.context, fluxVersion: flux.version }, run, {
    summary: config.summary,
  });
  const failure = verdict(run, config.diff.failOnChange);
  if (failure) core.setFailed(failure);
}

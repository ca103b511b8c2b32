// `command: diff`: what would change if the checkout were applied, and what drifted, for the selected
// Kustomizations (through the installed flux CLI) and HelmReleases (their controller's drift detection).
// Reads the cluster only; the plan's selector resolution picks the objects, as for every command.
import * as core from '@actions/core';
import type { Deadline } from '../base/deadline.js';
import { oneLine, shorten } from '../base/text.js';
import { type Checkout, resolveCheckout } from '../diff/checkout.js';
import { diffFeatures } from '../diff/cli-features.js';
import { withChildren } from '../diff/follow.js';
import { runDiff } from '../diff/run.js';
import { type DiffResult, type DiffRun, hasDifference } from '../diff/types.js';
import { findKind } from '../flux/kinds.js';
import { describeRef } from '../flux/refs.js';
import { displayRepository } from '../git/repository-url.js';
import type { Config } from '../inputs/types.js';
import { logDiffResult } from '../report/diff/log.js';
import { reportDiff } from '../report/diff/report.js';
import { type Installing, type Limits, openSession, type Session } from './session.js';

/** Why the step fails: a diff failed, or, with `fail-on-change`, when anything differs. */
function verdict(run: DiffRun, failOnChange: boolean): string | undefined {
  const name = (r: DiffResult) => describeRef(r);
  const failed = run.results.flatMap((r) => (r.state === 'failed' ? [r] : []));
  if (failed.length) {
    const said = failed.map((r) => `${name(r)} (${shorten(oneLine(r.message), 200).text})`);
    return `${failed.length} of ${run.results.length} objects could not be diffed: ${said.join('; ')}`;
  }
  const differing = run.results.filter(hasDifference);
  if (failOnChange && differing.length) {
    return `fail-on-change: ${differing.length} of ${run.results.length} objects differ from the checkout or drifted: ${differing.map(name).join(', ')}`;
  }
  return undefined;
}

/**
 * Diffs through the CLI the install puts on PATH (the session waits for it). Every API request keeps the
 * step's deadline. Returns why the step fails, or nothing.
 */
export async function runFamily(
  config: Config,
  installing: Installing,
  limits: Limits,
): Promise<string | undefined> {
  const checkout = resolveCheckout(config.diff.pathRoot);
  const session = await openSession(config, limits.deadline, installing);
  try {
    return await diffWith(config, session, checkout, limits.deadline);
  } finally {
    await session.api.close();
  }
}

async function diffWith(
  config: Config,
  { cluster, api, plan, flux }: Session,
  checkout: Checkout,
  stepDeadline: Deadline,
): Promise<string | undefined> {
  const settings = config.reconcile;
  const deadline = stepDeadline.at;
  const tree = settings.follow
    ? await withChildren(api, plan.objects, settings.maxObjects)
    : { objects: plan.objects, unreadable: [] };
  const features = await diffFeatures(flux.path, deadline);
  const children = tree.objects.length - plan.objects.length + tree.unreadable.length;
  const followed = children > 0 ? ` (${children} of them applied by the others: follow)` : '';
  core.info(
    `Diffing ${tree.objects.length + tree.unreadable.length} objects${followed} against ${checkout.root}`,
  );
  if (!features.inMemoryBuild) {
    core.info(`flux ${flux.version} has no --in-memory-build: diffing one Kustomization at a time.`);
  }
  const run = await runDiff(api, tree.objects, {
    checkout,
    deadline,
    unreadable: tree.unreadable,
    connection: {
      fluxPath: flux.path,
      context: cluster.context,
      kubeconfigPath: cluster.writtenPath,
      inMemoryBuild: features.inMemoryBuild,
      root: checkout.root,
    },
    timeoutMs: settings.timeoutMs,
    hooks: {
      started: (object, folder) => core.info(`► ${describeRef(object.ref)}: diffing ${oneLine(folder)}`),
      finished: logDiffResult,
    },
  });
  const kustomizations = run.results.filter((r) => findKind(r.kind)?.diff === 'flux-diff');
  if (kustomizations.length && kustomizations.every((r) => r.state === 'not-in-checkout')) {
    core.warning(
      `No Kustomization's source is this checkout (${checkout.remotes.map(displayRepository).join(', ') || 'it has no git remote'}), so nothing was diffed; set 'path-root' to the folder that holds their spec.path.`,
    );
  }
  await reportDiff({ server: cluster.server, contextName: cluster.context, fluxVersion: flux.version }, run, {
    summary: config.summary,
  });
  return verdict(run, config.diff.failOnChange);
}

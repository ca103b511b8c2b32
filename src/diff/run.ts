// The diff of every planned object under one deadline: Kustomizations through the flux CLI, a few at a time;
// HelmReleases by their controller's drift detection. Nothing here writes to the cluster.
import { describeRef } from '../flux/refs.js';
import type { ClusterApi } from '../kube/api.js';
import { describeError } from '../kube/errors.js';
import { notFollowedElsewhere, type UnreadableChild } from '../reconcile/follow.js';
import type { PlannedObject } from '../reconcile/plan.js';
import { mapBounded } from './bounded.js';
import type { Checkout } from './checkout.js';
import { type FluxConnection, fluxDiff } from './flux-diff.js';
import { helmDrift } from './helm-drift.js';
import { locateFolder, SourceUrls } from './local-folder.js';
import { type DiffOutcome, type DiffResult, type DiffRun, hasDifference } from './types.js';

/** Each flux diff builds and dry-runs a whole Kustomization: a few at once keep a 2-core runner responsive. */
export const DIFF_CONCURRENCY = 4;
/** A CLI that builds on disk writes into the folders it diffs: then one at a time (see cli-features.ts). */
export const ON_DISK_CONCURRENCY = 1;

export interface DiffOptions {
  checkout: Checkout;
  connection: FluxConnection;
  timeoutMs: number;
  /** The run's deadline, when it started before the diffs (reading children); default: now + timeoutMs. */
  deadline?: number;
  /** Children `follow` found but could not read: each is a failed result. */
  unreadable?: readonly UnreadableChild[];
  concurrency?: number;
  hooks?: {
    started?(object: PlannedObject, folder: string): void;
    finished?(result: DiffResult): void;
  };
}

// flux diff reads the Kustomization from this cluster and dry-runs against this cluster, whatever its
// spec.kubeConfig says (its own recursive diff skips such children for that reason).
const REMOTE_CLUSTER =
  'It applies to another cluster (spec.kubeConfig); flux diff can only dry-run against this one.';

async function diffKustomization(
  object: PlannedObject,
  urls: SourceUrls,
  options: DiffOptions,
  deadline: number,
): Promise<DiffOutcome> {
  if (object.kind.appliesToAnotherCluster?.(object.initial)) {
    const notFollowed = notFollowedElsewhere(object.kind, object.initial);
    return { state: 'skipped', message: notFollowed ? `${REMOTE_CLUSTER} ${notFollowed}.` : REMOTE_CLUSTER };
  }
  const location = await locateFolder(object, options.checkout, urls);
  if (!location.found) {
    return location.notInCheckout
      ? { state: 'not-in-checkout', message: location.message }
      : { state: 'failed', message: location.message, changes: [] };
  }
  if (Date.now() >= deadline) {
    return {
      state: 'failed',
      path: location.shown,
      message: 'Not diffed: the timeout passed before its turn came; raise `timeout`.',
      changes: [],
    };
  }
  options.hooks?.started?.(object, location.shown);
  return fluxDiff(object.ref, location, options.connection, deadline, options.timeoutMs);
}

async function diffOne(
  api: ClusterApi,
  object: PlannedObject,
  urls: SourceUrls,
  options: DiffOptions,
  deadline: number,
): Promise<DiffOutcome> {
  try {
    switch (object.kind.diff) {
      case 'drift-detection':
        return { state: 'helm-drift', drift: await helmDrift(api, object.ref, object.initial) };
      case 'flux-diff':
        return await diffKustomization(object, urls, options, deadline);
    }
    return {
      state: 'failed',
      message: `${describeRef(object.ref)}: its kind has nothing to diff.`,
      changes: [],
    };
  } catch (error) {
    return { state: 'failed', message: describeError(error), changes: [] };
  }
}

export async function runDiff(
  api: ClusterApi,
  objects: readonly PlannedObject[],
  options: DiffOptions,
): Promise<DiffRun> {
  const startedAt = Date.now();
  const deadline = options.deadline ?? startedAt + options.timeoutMs;
  const urls = new SourceUrls(api);
  const results = await mapBounded(
    objects,
    options.concurrency ?? (options.connection.inMemoryBuild ? DIFF_CONCURRENCY : ON_DISK_CONCURRENCY),
    async (object): Promise<DiffResult> => {
      const began = Date.now();
      const outcome = await diffOne(api, object, urls, options, deadline);
      const result: DiffResult = {
        ...object.ref,
        ...outcome,
        durationMs: Date.now() - began,
        ...(object.parent ? { parent: object.parent } : {}),
      };
      options.hooks?.finished?.(result);
      return result;
    },
  );
  for (const child of options.unreadable ?? []) {
    const result: DiffResult = {
      ...child.ref,
      state: 'failed',
      message: child.message,
      changes: [],
      durationMs: 0,
    };
    options.hooks?.finished?.(result);
    results.push(result);
  }
  return {
    results,
    changed: results.some(hasDifference),
    failed: results.some((r) => r.state === 'failed'),
    durationMs: Date.now() - startedAt,
  };
}

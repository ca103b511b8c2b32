// `trigger: receiver`: the POST before the run; then the run is `command: wait` (a webhook gives no token to
// follow, so the revision is the proof), or nothing more when there is nothing to watch it with.
import * as core from '@actions/core';
import { maskReceiverUrl } from '../inputs/trigger.js';
import type { ClusterConfig, Config } from '../inputs/types.js';
import { loadAmbientKubeconfig } from '../kube/kubeconfig/ambient.js';
import { prepareKubeconfig } from '../kube/kubeconfig/prepare.js';
import { reportTriggerOnly } from '../report/trigger.js';
import {
  type PushFacts,
  postToReceiver,
  type ReceiverAnswer,
  type ReceiverTrigger,
  receiverRequest,
} from '../trigger/receiver.js';
import type { Limits } from './session.js';

/** Long enough for a busy controller to annotate a few objects; a webhook that takes longer is not answering. */
const POST_TIMEOUT_MS = 30_000;

const FULL_SHA = /^[0-9a-f]{40}$/i;

/** The push this run stands for: the expected revision when it is a commit, else the workflow's commit. */
export function pushFacts(revision: string, env: NodeJS.ProcessEnv = process.env): PushFacts {
  return {
    commit: FULL_SHA.test(revision) ? revision : env.GITHUB_SHA || revision,
    ref: env.GITHUB_REF,
    repository: env.GITHUB_REPOSITORY,
    serverUrl: env.GITHUB_SERVER_URL,
  };
}

/** Masks what a log line must never show: the token, and the digest of it that the URL carries. */
export function maskReceiverSecrets(trigger: ReceiverTrigger): void {
  if (trigger.secret !== '') core.setSecret(trigger.secret);
  const digest = /\/hook\/([^/?#]+)/.exec(trigger.url)?.[1];
  if (digest) core.setSecret(digest);
}

/** POSTs to the Receiver; throws with what the answer means unless it accepted the request. */
export async function triggerReceiver(
  trigger: ReceiverTrigger,
  push: PushFacts,
  timeoutMs: number,
  fetchImpl?: typeof fetch,
): Promise<ReceiverAnswer> {
  const where = maskReceiverUrl(trigger.url);
  core.info(`Triggering the ${trigger.type} Receiver at ${where} for ${push.commit || 'this run'}`);
  const answer = await postToReceiver(receiverRequest(trigger, push), trigger.type, {
    timeoutMs: Math.min(POST_TIMEOUT_MS, timeoutMs),
    fetchImpl,
  });
  if (!answer.ok)
    throw new Error(`The Receiver at ${where} did not take the request: ${answer.explanation}.`);
  core.info(`Receiver: HTTP ${answer.status}: ${answer.explanation}.`);
  return answer;
}

/** Whether the job can read the cluster: a kubeconfig input, or one an earlier step left. */
export function hasKubeconfig(cluster: ClusterConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  if (cluster.kubeconfig.trim() !== '') return true;
  try {
    loadAmbientKubeconfig(env);
    return true;
  } catch {
    return false;
  }
}

/**
 * Triggers the Receiver; returns the config of the wait that follows, or undefined when nothing can be
 * watched (no resources, or no kubeconfig), after saying so.
 */
export async function throughReceiver(
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

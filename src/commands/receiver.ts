// `trigger: receiver`: the POST before the run; then the run is `command: wait` (a webhook gives no token to
// follow, so the revision is the proof), or nothing more when there is nothing to watch it with.
import * as core from '@actions/core';
import { errorMessage } from '../base/error-message.js';
import { maskSecret } from '../base/secrets.js';
import type { FluxObject } from '../flux/types.js';
import { workflowRun } from '../github/workflow-run.js';
import { maskReceiverUrl } from '../inputs/trigger.js';
import type { ClusterConfig, Config } from '../inputs/types.js';
import { createClusterApi } from '../kube/client.js';
import { loadAmbientKubeconfig } from '../kube/kubeconfig/ambient.js';
import { prepareKubeconfig } from '../kube/kubeconfig/prepare.js';
import { reportTriggerOnly } from '../report/trigger.js';
import { explainOidcRefusal, tokenClaims } from '../trigger/oidc-refusal.js';
import { jobOidcToken } from '../trigger/oidc-token.js';
import {
  type PushFacts,
  postToReceiver,
  type ReceiverAnswer,
  type ReceiverTrigger,
  receiverRequest,
} from '../trigger/receiver.js';
import { findReceiverByPath } from '../trigger/receiver-lookup.js';
import type { Limits } from './session.js';

/** Long enough for a busy controller to annotate a few objects; a webhook that takes longer is not answering. */
const POST_TIMEOUT_MS = 30_000;

const FULL_SHA = /^[0-9a-f]{40}$/i;

/** The push this run stands for: the expected revision when it is a commit, else the workflow's commit. */
export function pushFacts(revision: string, env: NodeJS.ProcessEnv = process.env): PushFacts {
  const run = workflowRun(env);
  return {
    commit: FULL_SHA.test(revision) ? revision : run.sha || revision,
    ref: run.ref,
    repository: run.repository,
    serverUrl: run.serverUrlGiven ? run.serverUrl : undefined,
  };
}

/**
 * Registers what nothing may show: the token, and the digest of it that the URL carries. Through the one
 * masking function, so that the summary, the outputs and GitHub bodies lose them too, not the log alone.
 */
export function maskReceiverSecrets(trigger: ReceiverTrigger): void {
  maskSecret(trigger.secret);
  maskSecret(/\/hook\/([^/?#]+)/.exec(trigger.url)?.[1]);
}

/** POSTs to the Receiver; throws with what the answer means unless it accepted the request. */
export async function triggerReceiver(
  config: Config,
  trigger: ReceiverTrigger,
  limits: Limits,
  fetchImpl?: typeof fetch,
): Promise<ReceiverAnswer> {
  const push = pushFacts(config.reconcile.revision);
  const where = maskReceiverUrl(trigger.url);
  // Asked (and masked) before anything is logged; generic-oidc only.
  const oidcToken = trigger.type === 'generic-oidc' ? await jobOidcToken(trigger.audience) : undefined;
  const credential = oidcToken ? ` with the job's OIDC token (audience ${trigger.audience})` : '';
  core.info(
    `Triggering the ${trigger.type} Receiver at ${where} for ${push.commit || 'this run'}${credential}`,
  );
  const answer = await postToReceiver(receiverRequest(trigger, push, oidcToken), trigger.type, {
    timeoutMs: Math.min(POST_TIMEOUT_MS, limits.deadline.remainingMs()),
    fetchImpl,
  });
  if (!answer.ok) {
    const why =
      oidcToken && answer.status === 400
        ? explainOidcRefusal(tokenClaims(oidcToken), await readReceiver(config, trigger.url, limits))
        : answer.explanation;
    throw new Error(`The Receiver at ${where} did not take the request: ${why}.`);
  }
  core.info(`Receiver: HTTP ${answer.status}: ${answer.explanation}.`);
  return answer;
}

/**
 * The Receiver behind the URL, when the job may read it (a kubeconfig with list on Receivers), to say why it
 * refused; undefined otherwise.
 */
async function readReceiver(config: Config, url: string, limits: Limits): Promise<FluxObject | undefined> {
  if (!hasKubeconfig(config.cluster)) return undefined;
  try {
    const cluster = await prepareKubeconfig(config.cluster);
    const api = createClusterApi(cluster.kubeConfig, { deadline: limits.deadline });
    try {
      const { namespace, resources } = config.reconcile;
      const namespaces = [namespace, ...resources.map((r) => r.namespace)];
      return await findReceiverByPath(api, new URL(url).pathname, namespaces);
    } finally {
      await api.close();
    }
  } catch (error) {
    core.debug(`The Receiver could not be read to explain the refusal: ${errorMessage(error)}`);
    return undefined;
  }
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
  const answer = await triggerReceiver(config, trigger, limits);
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

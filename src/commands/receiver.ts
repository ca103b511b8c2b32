// `trigger: receiver`: the POST before the run, and what is said when nothing can be watched after it.
import * as core from '@actions/core';
import { maskReceiverUrl } from '../inputs/trigger.js';
import type { ClusterConfig } from '../inputs/types.js';
import { loadAmbientKubeconfig } from '../kube/kubeconfig/ambient.js';
import { writeSummary } from '../report/report.js';
import { escapeHtml } from '../base/text.js';
import {
  type PushFacts,
  postToReceiver,
  type ReceiverAnswer,
  type ReceiverTrigger,
  receiverRequest,
} from '../trigger/receiver.js';

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

/** The log line, output and summary of a run that only triggered: it says plainly that nothing was checked. */
export async function reportTriggerOnly(
  trigger: ReceiverTrigger,
  answer: ReceiverAnswer,
  why: string,
  summary: boolean,
): Promise<void> {
  const words = `The Receiver answered HTTP ${answer.status}; nothing was verified (${why}): whether Flux applied the change is not known to this step.`;
  core.info(words);
  core.setOutput('ready', 'false');
  core.setOutput('results', '[]');
  if (!summary) return;
  await writeSummary(
    `<h3>Flux Reconcile: triggered through a Receiver</h3>\n<p>${escapeHtml(maskReceiverUrl(trigger.url))} (${trigger.type}): HTTP ${answer.status}.</p><p>Nothing was verified (${why}). Give a kubeconfig with read access, <code>resources</code> and <code>revision</code> to wait until Flux has applied the commit.</p>`,
  );
}

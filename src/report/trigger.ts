// What is said of a run that only triggered a Receiver: it says plainly that nothing was checked.
import * as core from '@actions/core';
import { escapeHtml } from '../base/text.js';
import { maskReceiverUrl } from '../inputs/trigger.js';
import type { ReceiverAnswer, ReceiverTrigger } from '../trigger/receiver.js';
import { setOutputs } from './outputs.js';
import { writeSummary } from './report.js';

/** The log line, output and summary of a run that only triggered: it says plainly that nothing was checked. */
export async function reportTriggerOnly(
  trigger: ReceiverTrigger,
  answer: ReceiverAnswer,
  why: string,
  summary: boolean,
): Promise<void> {
  const words = `The Receiver answered HTTP ${answer.status}; nothing was verified (${why}): whether Flux applied the change is not known to this step.`;
  core.info(words);
  setOutputs({ ready: 'false', results: '[]' });
  if (!summary) return;
  await writeSummary(
    `<h3>Flux Reconcile: triggered through a Receiver</h3>\n<p>${escapeHtml(maskReceiverUrl(trigger.url))} (${trigger.type}): HTTP ${answer.status}.</p><p>Nothing was verified (${why}). Give a kubeconfig with read access, <code>resources</code> and <code>revision</code> to wait until Flux has applied the commit.</p>`,
  );
}

// The main step: read the config → install → (trigger) → look up the command → run it → report. Thin on
// purpose: each command family lives in src/commands/, each question about a command in the command table;
// this file only wires them and turns errors into one clear failure.
import * as core from '@actions/core';
import { onCancel } from './base/cancellation.js';
import { forgetInputs } from './base/child-env.js';
import { Deadline } from './base/deadline.js';
import { errorMessage } from './base/error-message.js';
import { diffCommand } from './commands/diff.js';
import { maskReceiverSecrets, throughReceiver } from './commands/receiver.js';
import { reconcileCommand } from './commands/reconcile.js';
import type { Limits } from './commands/session.js';
import { commandSpec, goalWord } from './inputs/commands.js';
import { readConfig } from './inputs/read.js';
import type { Config } from './inputs/types.js';
import { installStep } from './install/installer.js';
import { prepareKubeconfig } from './kube/kubeconfig/prepare.js';
import { reportInstalled, reportStopped } from './report/report.js';

export async function run(): Promise<void> {
  const cancellation = onCancel();
  let summary = true;
  try {
    const config = readConfig();
    forgetInputs();
    summary = config.summary;
    if (config.trigger.kind === 'receiver') maskReceiverSecrets(config.trigger);
    const limits: Limits = {
      deadline: Deadline.after(config.reconcile.timeoutMs, performance.timeOrigin).cancelledBy(
        cancellation.signal,
      ),
      cancelled: cancellation.signal,
    };
    const failure = await runCommand(config, limits);
    if (failure) core.setFailed(`${cancellation.signal.aborted ? 'The job was cancelled: ' : ''}${failure}`);
  } catch (error) {
    // Outputs a later step may test, and a summary a person reads, even when the run never started.
    const cancelled = cancellation.signal.aborted ? 'The job was cancelled before the run was done: ' : '';
    const message = `${cancelled}${errorMessage(error)}`;
    await reportStopped(message, { summary });
    core.setFailed(message);
  } finally {
    cancellation.dispose();
  }
}

/** Runs the step; returns why it failed, or nothing when it succeeded. */
async function runCommand(given: Config, limits: Limits): Promise<string | undefined> {
  const flux = await installStep(given.install, { deadline: limits.deadline });
  reportInstalled(flux);
  let config = given;
  if (config.trigger.kind === 'receiver') {
    const watched = await throughReceiver(config, config.trigger, limits);
    if (!watched) return undefined;
    config = watched;
  }
  const settings = config.reconcile;
  if (settings.resources.length === 0 && !settings.all) {
    // Install only; a kubeconfig given with it is still set up (masked, written, exported) for later steps.
    if (config.cluster.kubeconfig.trim() !== '') await prepareKubeconfig(config.cluster);
    core.info('No resources given: the flux CLI is installed, nothing to reconcile.');
    return undefined;
  }
  if (commandSpec(settings.command).family === 'diff') return diffCommand(config, flux, limits);
  const result = await reconcileCommand(config, flux.version, limits);
  if (result.ready) return undefined;
  const failed = result.results.filter((r) => !r.ok);
  const names = failed.map((r) => `${r.kind} ${r.namespace}/${r.name} (${r.outcome})`).join(', ');
  return `${failed.length} of ${result.results.length} Flux objects did not end ${goalWord(settings.command)}: ${names}`;
}

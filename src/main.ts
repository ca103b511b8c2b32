// The main step: read the config → look up the command → run it → report. Thin on purpose: each command
// family lives in src/commands/, each question about a command in the command table; this file only wires
// them and turns errors into one clear failure.
// The install runs beside the command: kubeconfig, preflight and plan only read the cluster and need no CLI,
// and the command's own code loads meanwhile (each family is a chunk of its own in dist/). The session joins
// the install before it changes anything; the install's error, when it failed, is the step's.
import * as core from '@actions/core';
import { onCancel } from './base/cancellation.js';
import { forgetInputs } from './base/child-env.js';
import { Deadline } from './base/deadline.js';
import { errorMessage } from './base/error-message.js';
import type { Installing, Limits } from './commands/session.js';
import { type CommandFamily, commandSpec } from './inputs/commands.js';
import { readConfig } from './inputs/read.js';
import type { Config } from './inputs/types.js';
import { installStep } from './install/installer.js';
import { reportInstalled } from './report/report.js';

/** Each command family's file, loaded only when one of its commands runs. */
const FAMILIES: Record<CommandFamily, () => Promise<{ runFamily: FamilyRunner }>> = {
  run: () => import('./commands/reconcile.js'),
  diff: () => import('./commands/diff.js'),
};

type FamilyRunner = (config: Config, installing: Installing, limits: Limits) => Promise<string | undefined>;

export async function run(): Promise<void> {
  const cancellation = onCancel();
  let summary = true;
  try {
    const config = readConfig();
    forgetInputs();
    summary = config.summary;
    if (config.trigger.kind === 'receiver')
      (await import('./commands/receiver.js')).maskReceiverSecrets(config.trigger);
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
    const { reportStopped } = await import('./report/report.js');
    await reportStopped(message, { summary });
    core.setFailed(message);
  } finally {
    cancellation.dispose();
  }
}

/** Runs the step; returns why it failed, or nothing when it succeeded. */
async function runCommand(config: Config, limits: Limits): Promise<string | undefined> {
  const installing: Installing = installStep(config.install, { deadline: limits.deadline }).then((flux) => {
    reportInstalled(flux);
    return flux;
  });
  // Awaited on every path below; the catch here only keeps a failure from counting as unhandled
  // meanwhile. A tool-cache hit is over within a turn of the event loop: let it finish, and say so, before
  // the command's code loads and holds the thread for a few hundred milliseconds.
  await Promise.race([installing.catch(() => undefined), new Promise((next) => setImmediate(next))]);
  try {
    return await commandAfter(config, installing, limits);
  } catch (error) {
    // The install ran first before it ran beside the command: when both failed, its error is the step's.
    await installing;
    throw error;
  }
}

async function commandAfter(
  given: Config,
  installing: Installing,
  limits: Limits,
): Promise<string | undefined> {
  let config = given;
  if (config.trigger.kind === 'receiver') {
    const receiver = await import('./commands/receiver.js');
    // The webhook makes Flux act: only once the CLI is installed, as every change to the cluster.
    await installing;
    const watched = await receiver.throughReceiver(config, config.trigger, limits);
    if (!watched) return undefined;
    config = watched;
  }
  const settings = config.reconcile;
  if (settings.resources.length === 0 && !settings.all) {
    await installing;
    // Install only; a kubeconfig given with it is still set up (masked, written, exported) for later steps.
    if (config.cluster.kubeconfig.trim() !== '') {
      const { prepareKubeconfig } = await import('./kube/kubeconfig/prepare.js');
      await prepareKubeconfig(config.cluster);
    }
    core.info('No resources given: the flux CLI is installed, nothing to reconcile.');
    return undefined;
  }
  const family = await FAMILIES[commandSpec(settings.command).family]();
  return family.runFamily(config, installing, limits);
}

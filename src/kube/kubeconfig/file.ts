// The kubeconfig file the action writes for itself and later steps: under RUNNER_TEMP, mode 0600, a fresh
// random name, recorded in the action's state so that the post step deletes it even after a failure.
import { randomBytes } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../../base/error-message.js';

export const KUBECONFIG_STATE = 'kubeconfigPath';

/** Writes the kubeconfig text to a new private file and returns its path. */
export async function writeKubeconfigFile(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dir = env.RUNNER_TEMP || tmpdir();
  const file = join(dir, `flux-reconcile-kubeconfig-${randomBytes(12).toString('hex')}.yaml`);
  // Recorded first: if writing fails half-way, the post step still removes what was written.
  core.saveState(KUBECONFIG_STATE, file);
  try {
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    // The mode given to writeFile is filtered by the umask; make 0600 certain.
    await chmod(file, 0o600);
  } catch (error) {
    const reason = errorMessage(error);
    throw new Error(`Could not write the kubeconfig file under ${dir} (RUNNER_TEMP): ${reason}`);
  }
  return file;
}

/**
 * The post step: deletes the file recorded in the state. Never throws: a file that is already gone is
 * what we want, and any other problem is only worth a warning.
 */
export async function cleanupKubeconfig(): Promise<void> {
  const file = core.getState(KUBECONFIG_STATE);
  if (!file) {
    core.debug('kubeconfig: the main step wrote no kubeconfig file; nothing to delete');
    return;
  }
  try {
    await rm(file, { force: true });
    core.debug(`kubeconfig: deleted ${file}`);
  } catch (error) {
    core.warning(`Could not delete the kubeconfig file ${file}: ${errorMessage(error)}`);
  }
}

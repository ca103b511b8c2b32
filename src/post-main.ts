import * as core from '@actions/core';
import { errorMessage } from './base/error-message.js';
import { cleanupKubeconfig } from './kube/kubeconfig/file.js';

/** The post step: removes the kubeconfig the main step wrote, even when it failed. Never fails the job. */
export async function runPost(): Promise<void> {
  try {
    await cleanupKubeconfig();
  } catch (error) {
    core.warning(`flux-reconcile cleanup: ${errorMessage(error)}`);
  }
}

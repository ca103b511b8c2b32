// The GitHub Deployment's lifecycle: created for the commit in the environment, `in_progress` while the run
// lasts, then its final state.
import type { GitHubClient } from '../../github/client.js';
import type { ReportTarget } from './target.js';
import type { FinalState } from './wording.js';

export interface DeploymentRequest {
  environment: string;
  sha: string;
  description: string;
}

/** Creates the deployment and returns its id. */
export async function createDeployment(
  client: GitHubClient,
  target: ReportTarget,
  request: DeploymentRequest,
): Promise<number> {
  const { data } = await client.rest.repos.createDeployment({
    owner: target.owner,
    repo: target.repo,
    ref: request.sha,
    environment: request.environment,
    description: request.description,
    task: 'deploy',
    // The commit's other checks must not block this record of what Flux did, and nothing is to be merged.
    required_contexts: [],
    auto_merge: false,
  });
  // 202 answers carry a message instead of a deployment (an auto-merge happened); with auto_merge off
  // GitHub should never send one, but a deployment without an id cannot be followed.
  if (!('id' in data) || typeof data.id !== 'number') {
    throw new Error(`GitHub created no deployment: ${'message' in data ? String(data.message) : 'no id'}`);
  }
  return data.id;
}

export interface DeploymentStatus {
  state: 'in_progress' | FinalState;
  description: string;
  logUrl?: string;
  environmentUrl?: string;
}

export async function postDeploymentStatus(
  client: GitHubClient,
  target: ReportTarget,
  deploymentId: number,
  status: DeploymentStatus,
): Promise<void> {
  const final = status.state !== 'in_progress';
  await client.rest.repos.createDeploymentStatus({
    owner: target.owner,
    repo: target.repo,
    deployment_id: deploymentId,
    state: status.state,
    description: status.description,
    ...(status.logUrl ? { log_url: status.logUrl } : {}),
    ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
    // Only a success replaces what runs in the environment: then older deployments there become
    // inactive. After a failure the previous deployment is still what the cluster serves.
    ...(final ? { auto_inactive: status.state === 'success' } : {}),
  });
}

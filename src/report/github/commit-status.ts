// The commit status: `pending` while the run lasts, then the final state, under `flux/<context>`.
import type { GitHubClient } from '../../github/client.js';
import type { ReportTarget } from './target.js';
import { type FinalState, oneLineWithin } from './wording.js';

// GitHub keeps a status context to 255 characters.
const MAX_CONTEXT_CHARS = 255;

/** `flux/<status-context>`, or `flux/<API server host>` when no context is given. */
export function statusContext(given: string, serverHost: string): string {
  return oneLineWithin(`flux/${given || serverHost}`, MAX_CONTEXT_CHARS);
}

export interface CommitStatus {
  sha: string;
  context: string;
  state: 'pending' | FinalState;
  description: string;
  targetUrl?: string;
}

export async function postCommitStatus(
  client: GitHubClient,
  target: ReportTarget,
  status: CommitStatus,
): Promise<void> {
  await client.rest.repos.createCommitStatus({
    owner: target.owner,
    repo: target.repo,
    sha: status.sha,
    state: status.state,
    context: status.context,
    description: status.description,
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
  });
}

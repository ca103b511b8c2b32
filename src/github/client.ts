// The GitHub client: @actions/github's Octokit (proxy settings of the runner included) with the retry and
// throttling plugins, pointed at GITHUB_API_URL so that GitHub Enterprise Server works unchanged, and held
// to the run's deadline by the budget plugin.
import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { maskSecret } from '../base/secrets.js';
import { budgetPlugin, type Deadline, rateLimitHandlers } from './budget.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  /** From GITHUB_API_URL: https://api.github.com or https://HOST/api/v3. */
  apiUrl: string;
  deadline: Deadline;
}

export async function createGitHubClient(options: ClientOptions): Promise<GitHubClient> {
  // Registered like the kubeconfig's secrets: masked in the log and redacted from every request body.
  maskSecret(options.token);
  // Loaded only when a report is asked for: the library reads the event payload as it loads.
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      userAgent: 'flux-reconcile',
      // The plugins' own complaints go to the debug log: what failed is said once, in one warning.
      log: { debug: () => {}, info: () => {}, warn: core.debug, error: core.debug },
      throttle: rateLimitHandlers(options.deadline),
    },
    // First, so that its hook runs on every attempt the retry and throttling plugins make.
    budgetPlugin(options.deadline),
    retry,
    throttling,
  );
}

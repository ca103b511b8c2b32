// The GitHub client: @actions/github's Octokit (proxy settings of the runner included) with the retry and
// throttling plugins, pointed at GITHUB_API_URL so that GitHub Enterprise Server works unchanged, and held
// to the run's deadline by the budget plugin.
import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { maskSecret } from '../base/secrets.js';
import { budgetPlugin, type Deadline, rateLimitHandlers } from './budget.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  /** From GITHUB_API_URL: https://api.github.com or https://HOST/api/v3. */
  apiUrl: string;
  deadline: Deadline;
  /** Left out by the action: GitHub's own spacing of writes. */
  writeSpacing?: WriteSpacing;
}

/**
 * How far apart the throttling plugin spaces writes: GitHub asks for one second between writes and three
 * between those that notify (a comment), so that a burst never meets the secondary rate limit. Tests of
 * the report's calls pass groups without the wait: they test the calls, and the plugin keeps its spacing.
 */
export interface WriteSpacing {
  write: SpacingGroup;
  notifications: SpacingGroup;
}

/** A Bottleneck group as the throttling plugin takes one: a queue per key, its jobs `minTime` apart. */
export type SpacingGroup = NonNullable<ThrottlingOptions['write']>;

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
      throttle: { ...rateLimitHandlers(options.deadline), ...options.writeSpacing },
    },
    // First, so that its hook runs on every attempt the retry and throttling plugins make.
    budgetPlugin(options.deadline),
    retry,
    throttling,
  );
}

// Shared by the GitHub report tests: a fake GitHub per test, the runner's variables pointing at it, a
// pull request event payload, and a sink that keeps what the report said.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { SpacingGroup, WriteSpacing } from '../../../../src/github/client.js';
import type { GitHubReportConfig } from '../../../../src/inputs/types.js';
import { type ReportStart, type Sink, startGitHubReport } from '../../../../src/report/github/reporter.js';
import type { Env } from '../../../../src/report/github/target.js';
import { type FakeGitHub, startFakeGitHub } from '../../../helpers/github-api.js';

export const RUN_URL = 'https://github.example/acme/fleet/actions/runs/4242';
export const PR = 12;
export const PR_HEAD = 'c0ffee'.padEnd(40, '0');

/** A fake GitHub started before each test and closed after it; `fake.gh` is the current one. */
export function useFakeGitHub(): { gh: FakeGitHub; dir: string } {
  const fake = {} as { gh: FakeGitHub; dir: string };
  beforeAll(async () => {
    fake.dir = await mkdtemp(join(tmpdir(), 'github-report-'));
    await writeFile(
      join(fake.dir, 'pull_request.json'),
      JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha: PR_HEAD } } }),
    );
  });
  afterAll(async () => {
    await rm(fake.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fake.gh = await startFakeGitHub();
  });
  afterEach(async () => {
    await fake.gh.close();
  });
  return fake;
}

/**
 * A spacing group that runs each write at once: what the tests check is the calls, not the plugin's pace.
 * Of a Bottleneck group, the plugin calls `key(id).schedule(options, job, ...args)` only.
 */
const AT_ONCE = {
  key: () => ({
    schedule: (_options: object, job: (...args: unknown[]) => unknown, ...args: unknown[]) => job(...args),
  }),
} as unknown as SpacingGroup;
export const UNSPACED: WriteSpacing = { write: AT_ONCE, notifications: AT_ONCE };

/**
 * startGitHubReport with writes unspaced: GitHub's one second between writes (three before a comment)
 * would make these tests wait ~60 s in all. The bundled action in the e2e keeps the real spacing.
 */
export function startReport(
  config: GitHubReportConfig,
  start: ReportStart,
  env: Env,
  sink: Sink,
): ReturnType<typeof startGitHubReport> {
  return startGitHubReport(config, start, env, sink, UNSPACED);
}

/** The runner's variables of a pull request run, GitHub being the fake. */
export function envFor(github: FakeGitHub, dir: string, extra: Env = {}): Env {
  return {
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(dir, 'pull_request.json'),
    ...extra,
  };
}

/** Every part asked for, with the fake's token; `over` turns parts off. */
export function settings(token: string, over: Partial<GitHubReportConfig> = {}): GitHubReportConfig {
  return {
    deployment: 'staging',
    environmentUrl: 'https://staging.example.com',
    commitStatus: true,
    statusContext: '',
    prComment: true,
    prNumber: undefined,
    token,
    ...over,
  };
}

export function startOf(revision: string, over: Partial<ReportStart> = {}): ReportStart {
  return {
    command: 'reconcile',
    revision,
    objects: [
      { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      { kind: 'GitRepository', namespace: 'flux-system', name: 'fleet' },
    ],
    serverHost: '127.0.0.1:6443',
    timeoutMs: 60_000,
    ...over,
  };
}

export function sink() {
  const said = {
    info: [] as string[],
    warnings: [] as string[],
    debug: [] as string[],
    outputs: {} as Record<string, string>,
  };
  return {
    said,
    info: (m: string) => said.info.push(m),
    debug: (m: string) => said.debug.push(m),
    warning: (m: string) => said.warnings.push(m),
    setOutput: (name: string, value: string) => {
      said.outputs[name] = value;
    },
  };
}

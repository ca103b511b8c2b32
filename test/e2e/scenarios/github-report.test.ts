// Reporting back to GitHub, with the bundled action against the lab's real Flux and a loopback fake of
// GitHub's endpoints: the calls a passing and a failing reconcile make, in order; one pull request comment
// edited in place; a refused permission as one warning beside the reconcile's own result; a GitHub
// Enterprise Server base URL; `command: wait` posting the same statuses. No body holds a secret.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, type GitHubRequest, startFakeGitHub } from '../../helpers/github-api.js';
import { useLab } from '../lab/use-lab.js';
import {
  configMap,
  gitRepository,
  kustomization,
  resultsOf,
  runStep,
  type Step,
  useFleet,
} from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'github', {
  files: { 'app/config.yaml': configMap('github-config', { v: '1' }) },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
  ],
  readyKustomizations: ['app'],
});

const PR = 7;
const RUN_URL = 'https://github.example/acme/fleet/actions/runs/9001';
const EVERY_PART = { 'github-deployment': 'preview', 'commit-status': 'true', 'pr-comment': 'true' };

/** host:port of the lab's API server, as the kubeconfig names it: what the report calls the cluster. */
const apiHost = () => new URL(lab.info.apiServerUrl).host;

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

/** The runner's variables of a pull request run whose head is `sha`, GitHub being `github`. */
async function pullRequestEnv(github: FakeGitHub, sha: string): Promise<Record<string, string>> {
  const event = join(fleet.jobDir, 'event.json');
  await writeFile(event, JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha } } }));
  return {
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_RUN_ID: '9001',
    GITHUB_SHA: 'd'.repeat(40),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
  };
}

async function reconcileAt(sha: string, inputs: Record<string, string> = EVERY_PART): Promise<Step> {
  return runStep(
    lab,
    {
      resources: 'kustomization/app',
      namespace: fleet.ns,
      'with-source': 'true',
      revision: sha,
      timeout: '2m',
      token: gh.token,
      ...inputs,
    },
    { ...fleet, env: await pullRequestEnv(gh, sha) },
  );
}

/** What a person can read of the run and what went to GitHub hold no kubeconfig secret and no token. */
function expectNothingSecretSent(github: FakeGitHub, step: Step): void {
  const sent = github.requests.map((r) => JSON.stringify(r.body ?? {})).join('\n');
  for (const secret of [...lab.info.secrets, github.token]) {
    for (const line of secret.split('\n').filter((l) => l.trim().length >= 8 && !/^-----/.test(l.trim()))) {
      expect(sent.includes(line.trim()), 'a secret reached a GitHub request body').toBe(false);
    }
  }
  const log = step.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(log.join('\n')).not.toContain(github.token);
}

const warningsOf = (step: Step) => step.stdout.split('\n').filter((l) => l.startsWith('::warning'));
const reportWarnings = (step: Step) =>
  warningsOf(step).filter((l) => l.includes('Could not report to GitHub'));

describe('a pull request run with every part asked for', () => {
  it('passing: Deployment and commit status from start to success, one comment, after outputs and summary', async () => {
    const sha = await fleet.repo.commit({ 'app/config.yaml': configMap('github-config', { v: '2' }) }, 'v2');
    // What the job already had when the final calls went out.
    const seenAtFinal: Array<{ call: string; outputs: string; summary: string }> = [];
    gh.onRequest = (r: GitHubRequest) => {
      if (r.method === 'GET' || !/success|failure|error/.test(String(r.body?.state))) return;
      const files = join(fleet.jobDir, 'file-commands');
      seenAtFinal.push({
        call: r.path,
        outputs: readFileSync(join(files, 'output'), 'utf8'),
        summary: readFileSync(join(files, 'step-summary'), 'utf8'),
      });
    };
    const step = await reconcileAt(sha);
    expect(step.exitCode, step.log).toBe(0);
    expect(gh.sequence()).toEqual([
      'POST deployment',
      'POST deployment status in_progress',
      'POST commit status pending',
      'POST deployment status success',
      'POST commit status success',
      'GET comments',
      'POST comments',
    ]);
    const [deployment] = gh.deployments;
    expect(deployment).toMatchObject({ sha, environment: 'preview' });
    expect(step.outputs['deployment-id']).toBe(String(deployment!.id));
    expect(gh.requests[0]!.body).toEqual({
      ref: sha,
      environment: 'preview',
      description: `Flux reconcile on ${apiHost()}: Kustomization ${fleet.ns}/app, GitRepository ${fleet.ns}/fleet`,
      task: 'deploy',
      required_contexts: [],
      auto_merge: false,
    });
    expect(deployment!.statuses.map((s) => [s.state, s.log_url])).toEqual([
      ['in_progress', RUN_URL],
      ['success', RUN_URL],
    ]);
    expect(gh.commitStatuses.map((s) => [s.sha, s.state, s.context, s.description])).toEqual([
      [sha, 'pending', `flux/${apiHost()}`, `Reconciling 2 objects on ${apiHost()}`],
      [sha, 'success', `flux/${apiHost()}`, `2/2 Ready at ${sha.slice(0, 8)}`],
    ]);
    const [comment] = gh.comments(PR);
    expect(comment!.body).toContain('✅ Flux reconcile');
    expect(comment!.body).toContain(`${fleet.ns}/app`);
    // Outputs and summary were written before the first final call.
    expect(seenAtFinal.length).toBe(2);
    expect(seenAtFinal[0]!.outputs).toContain('ready<<');
    expect(seenAtFinal[0]!.summary).toContain(`${fleet.ns}/app`);
    expect(reportWarnings(step)).toEqual([]);
    expect(step.stdout).toContain('Reported to GitHub: deployment');
    expectNothingSecretSent(gh, step);
    const finalCalls = gh.requests.slice(3);
    console.info(
      `[figure] GitHub report: ${gh.requests.length} calls; the final ${finalCalls.length} took ${Math.round(finalCalls.at(-1)!.at - finalCalls[0]!.at)} ms from first to last (writes 1 s apart, throttling plugin); step ${Math.round(step.durationMs)} ms`,
    );

    // Failing now: the same comment is edited, every part says failure, the step fails on the reconcile.
    gh.requests.length = 0;
    const broken = await fleet.repo.commit(
      {
        'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: github-config\ndata: [oops\n',
      },
      'break it',
    );
    try {
      const failing = await reconcileAt(broken);
      expect(failing.exitCode).toBe(1);
      const [, app] = resultsOf(failing);
      expect(app).toMatchObject({ name: 'app', outcome: 'failed' });
      expect(failing.stdout).toContain(
        `::error::1 of 2 Flux objects did not end Ready: Kustomization ${fleet.ns}/app (failed)`,
      );
      expect(gh.sequence()).toEqual([
        'POST deployment',
        'POST deployment status in_progress',
        'POST commit status pending',
        'POST deployment status failure',
        'POST commit status failure',
        'GET comments',
        // Whose comment it is: GET /user refuses the job's token; GraphQL names github-actions[bot].
        'GET /user',
        'POST /graphql',
        'PATCH comment',
      ]);
      const description = `1 failed: Kustomization ${fleet.ns}/app ${app!.reason}`;
      expect(gh.commitStatuses.at(-1)).toMatchObject({ sha: broken, state: 'failure', description });
      expect(gh.deployments[1]!.statuses.at(-1)).toMatchObject({ state: 'failure', description });
      expect(gh.comments(PR)).toHaveLength(1);
      expect(gh.comments(PR)[0]!.id).toBe(comment!.id);
      expect(gh.comments(PR)[0]!.body).toContain('❌ Flux reconcile');
      expectNothingSecretSent(gh, failing);
    } finally {
      await fleet.repo.commit({ 'app/config.yaml': configMap('github-config', { v: '3' }) }, 'mend');
    }
  });
});

describe('a token without a permission', () => {
  const cases = [
    ['deployments', 'deployments: write'],
    ['statuses', 'statuses: write'],
    ['pull_requests', 'pull-requests: write'],
  ] as const;
  for (const [permission, needed] of cases) {
    it(`without ${needed}: one warning naming it, the reconcile's own result`, async () => {
      gh.deny(permission);
      const sha = await fleet.repo.commit(
        { 'app/config.yaml': configMap('github-config', { denied: permission }) },
        `without ${permission}`,
      );
      const step = await reconcileAt(sha);
      expect(step.exitCode, step.log).toBe(0);
      expect(step.outputs.ready).toBe('true');
      const warnings = reportWarnings(step);
      expect(warnings).toHaveLength(1);
      // Annotations carry newlines as %0A.
      expect(warnings[0]).toContain('HTTP 403 Resource not accessible by integration');
      expect(warnings[0]).toContain(`${permission}=write`);
      expect(warnings[0]).toContain(
        'permissions:%0A  contents: read%0A  deployments: write%0A  statuses: write%0A  pull-requests: write',
      );
      // The parts that were allowed are posted all the same.
      expect(gh.requests.filter((r) => r.status === 403)).toHaveLength(1);
      expect(gh.requests.filter((r) => r.status === 201 || r.status === 200).length).toBeGreaterThanOrEqual(
        3,
      );
    });
  }

  it('a failing reconcile stays the failure, whatever GitHub refused', async () => {
    gh.deny('deployments');
    gh.deny('statuses');
    gh.deny('pull_requests');
    const step = await runStep(
      lab,
      {
        command: 'wait',
        resources: 'kustomization/app',
        namespace: fleet.ns,
        revision: 'e'.repeat(40),
        timeout: '5s',
        token: gh.token,
        ...EVERY_PART,
      },
      { ...fleet, env: await pullRequestEnv(gh, 'e'.repeat(40)) },
    );
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toContain(
      `::error::1 of 1 Flux objects did not end Ready: Kustomization ${fleet.ns}/app (timed-out)`,
    );
    expect(reportWarnings(step)).toHaveLength(1);
    // Each refused part was asked once, not again at the end.
    expect(gh.sequence()).toEqual(['POST deployment', 'POST commit status pending', 'GET comments']);
  });
});

describe('GitHub Enterprise Server, and command: wait as a gate', () => {
  it('posts the commit status under GITHUB_API_URL’s /api/v3', async () => {
    const ghes = await startFakeGitHub({ basePath: '/api/v3' });
    try {
      const sha = await fleet.repo.commit(
        { 'app/config.yaml': configMap('github-config', { v: 'ghes' }) },
        'ghes',
      );
      // Flux gets there by itself a moment later: the gate only watches.
      const nudge = setTimeout(() => void lab.requestReconcile('GitRepository', fleet.ns, 'fleet'), 2_000);
      const step = await runStep(
        lab,
        {
          command: 'wait',
          resources: 'kustomization/app',
          namespace: fleet.ns,
          revision: sha,
          timeout: '2m',
          token: ghes.token,
          'commit-status': 'true',
          'status-context': 'staging',
        },
        { ...fleet, env: await pullRequestEnv(ghes, sha) },
      ).finally(() => clearTimeout(nudge));
      expect(step.exitCode, step.log).toBe(0);
      expect(ghes.sequence()).toEqual(['POST commit status pending', 'POST commit status success']);
      expect(ghes.requests.every((r) => r.path === `/repos/acme/fleet/statuses/${sha}`)).toBe(true);
      expect(ghes.commitStatuses.map((s) => [s.context, s.state, s.description])).toEqual([
        ['flux/staging', 'pending', `Waiting for Kustomization ${fleet.ns}/app to be Ready on ${apiHost()}`],
        ['flux/staging', 'success', `1/1 Ready at ${sha.slice(0, 8)}`],
      ]);
      expect(gh.requests).toEqual([]);
      expect(reportWarnings(step)).toEqual([]);
    } finally {
      await ghes.close();
    }
  });
});

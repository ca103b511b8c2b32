// The GitHub report over whole runs, against the loopback fake of GitHub's endpoints: which calls go out
// in which order, what their bodies say, on which commit, under which base URL.
import { describe, expect, it } from 'vitest';
import { FIRST_COMMIT, PUSHED_COMMIT, short } from '../../../fixtures/report/captured.js';
import { SCENARIOS } from '../../../fixtures/report/scenarios.js';
import { startFakeGitHub } from '../../../helpers/github-api.js';
import {
  envFor,
  PR,
  PR_HEAD,
  RUN_URL,
  settings,
  sink,
  startOf,
  startReport,
  useFakeGitHub,
} from './setup.js';

const fake = useFakeGitHub();

describe('a run that ends Ready', () => {
  it('posts in_progress and pending at the start, success at the end, then creates the comment', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    const out = sink();
    const report = startReport(settings(gh.token), startOf(PUSHED_COMMIT), envFor(gh, fake.dir), out);
    await report.finish(s.ctx, s.run);

    expect(gh.sequence()).toEqual([
      'POST deployment',
      'POST deployment status in_progress',
      'POST commit status pending',
      'POST deployment status success',
      'POST commit status success',
      'GET comments',
      'POST comments',
    ]);
    expect(out.said.warnings).toEqual([]);
    const [create, inProgress, pending, success, final] = gh.requests;
    expect(create!.body).toEqual({
      ref: PUSHED_COMMIT,
      environment: 'staging',
      description:
        'Flux reconcile on 127.0.0.1:6443: Kustomization flux-system/apps, GitRepository flux-system/fleet',
      task: 'deploy',
      required_contexts: [],
      auto_merge: false,
    });
    const id = gh.deployments[0]!.id;
    expect(out.said.outputs).toEqual({ 'deployment-id': String(id) });
    expect(inProgress!.path).toBe(`/repos/acme/fleet/deployments/${id}/statuses`);
    expect(inProgress!.body).toEqual({
      state: 'in_progress',
      description: 'Reconciling 2 objects on 127.0.0.1:6443',
      log_url: RUN_URL,
      environment_url: 'https://staging.example.com',
    });
    expect(pending!.path).toBe(`/repos/acme/fleet/statuses/${PUSHED_COMMIT}`);
    expect(pending!.body).toEqual({
      state: 'pending',
      context: 'flux/127.0.0.1:6443',
      description: 'Reconciling 2 objects on 127.0.0.1:6443',
      target_url: RUN_URL,
    });
    expect(success!.body).toMatchObject({
      state: 'success',
      description: `4/4 Ready at ${short(PUSHED_COMMIT)}`,
      auto_inactive: true,
    });
    expect(final!.body).toMatchObject({
      state: 'success',
      description: `4/4 Ready at ${short(PUSHED_COMMIT)}`,
    });
    expect(out.said.info.at(-1)).toContain(`deployment ${id} success`);
    // The token goes as authorization, never into a body.
    for (const r of gh.requests) {
      expect(r.headers.authorization).toBe(`token ${gh.token}`);
      expect(JSON.stringify(r.body ?? {})).not.toContain(gh.token);
    }
  });
});

describe('a run that fails', () => {
  it('posts failure with the failed object and its reason, and keeps older deployments active', async () => {
    const gh = fake.gh;
    const s = SCENARIOS['kustomization-build-failed']!();
    const report = startReport(settings(gh.token), startOf(FIRST_COMMIT), envFor(gh, fake.dir), sink());
    await report.finish(s.ctx, s.run);
    const failed = s.run.results.find((r) => !r.ok)!;
    const description = `1 failed: Kustomization ${failed.namespace}/${failed.name} ${failed.reason}`;
    expect(gh.calls('POST', /\/deployments\/\d+\/statuses$/).at(-1)!.body).toMatchObject({
      state: 'failure',
      description,
      auto_inactive: false,
    });
    expect(gh.calls('POST', /\/statuses\//).at(-1)!.body).toMatchObject({ state: 'failure', description });
    const [comment] = gh.comments(PR);
    expect(comment!.body).toContain('❌ Flux reconcile');
    expect(comment!.body).toContain(failed.reason);
  });

  it('says error for a timeout', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.timeout!();
    const onlyStatus = settings(gh.token, { deployment: '', prComment: false });
    await startReport(onlyStatus, startOf(PUSHED_COMMIT), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    expect(gh.calls('POST', /\/statuses\//).at(-1)!.body).toMatchObject({ state: 'error' });
    expect(String(gh.calls('POST', /\/statuses\//).at(-1)!.body!.description)).toMatch(/^2 timed out: /);
  });

  it('says error, with the message, when the run stops with an error', async () => {
    const gh = fake.gh;
    const report = startReport(
      settings(gh.token, { prComment: false }),
      startOf(PUSHED_COMMIT),
      envFor(gh, fake.dir),
      sink(),
    );
    await expect(report.stopped(new Error('dependsOn cycle: a -> b -> a'))).rejects.toThrow(
      'dependsOn cycle',
    );
    expect(gh.calls('POST', /\/statuses\//).at(-1)!.body).toMatchObject({
      state: 'error',
      description: 'Stopped: dependsOn cycle: a -> b -> a',
    });
    expect(gh.deployments[0]!.statuses.map((status) => status.state)).toEqual(['in_progress', 'error']);
  });
});

describe('which commit', () => {
  it('is the pull request head on a pull request run when revision names no commit', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    await startReport(
      settings(gh.token, { deployment: '', prComment: false }),
      startOf(''),
      envFor(gh, fake.dir),
      sink(),
    ).finish(s.ctx, s.run);
    expect(gh.commitStatuses.map((c) => c.sha)).toEqual([PR_HEAD, PR_HEAD]);
  });

  it('is GITHUB_SHA on a push run, and the revision when it names a full SHA', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    const env = envFor(gh, fake.dir, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: undefined });
    const onlyStatus = settings(gh.token, { deployment: '', prComment: false });
    await startReport(onlyStatus, startOf('v1.2.3'), env, sink()).finish(s.ctx, s.run);
    await startReport(onlyStatus, startOf(`main@sha1:${FIRST_COMMIT}`), env, sink()).finish(s.ctx, s.run);
    expect(gh.commitStatuses.map((c) => c.sha)).toEqual([
      'a'.repeat(40),
      'a'.repeat(40),
      FIRST_COMMIT,
      FIRST_COMMIT,
    ]);
  });
});

describe('GitHub Enterprise Server', () => {
  it('sends every call under GITHUB_API_URL’s /api/v3', async () => {
    const ghes = await startFakeGitHub({ basePath: '/api/v3' });
    try {
      const s = SCENARIOS.success!();
      const out = sink();
      const statusAndComment = settings(ghes.token, { deployment: '' });
      const env = envFor(ghes, fake.dir);
      await startReport(statusAndComment, startOf(PUSHED_COMMIT), env, out).finish(s.ctx, s.run);
      // Nothing reached the fake outside its /api/v3 (such a request is recorded as `(outside …)`).
      expect(ghes.apiUrl).toMatch(/\/api\/v3$/);
      expect(out.said.warnings).toEqual([]);
      expect(ghes.sequence()).toEqual([
        'POST commit status pending',
        'POST commit status success',
        'GET comments',
        'POST comments',
      ]);
      expect(ghes.requests.every((r) => r.path.startsWith('/repos/acme/fleet/'))).toBe(true);
    } finally {
      await ghes.close();
    }
  });
});

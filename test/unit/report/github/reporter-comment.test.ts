// The pull request comment: one per cluster, found again by its hidden marker (past the first page of
// comments) and edited in place; cluster text in it mentions nobody and holds no secret.
import { afterEach, describe, expect, it } from 'vitest';
import { maskSecret } from '../../../../src/base/secrets.js';
import { FIRST_COMMIT, PUSHED_COMMIT } from '../../../fixtures/report/captured.js';
import { SCENARIOS } from '../../../fixtures/report/scenarios.js';
import { type FakeGitHub, startFakeGitHub } from '../../../helpers/github-api.js';
import { envFor, PR, settings, sink, startOf, startReport, useFakeGitHub } from './setup.js';

const fake = useFakeGitHub();

describe('the pull request comment', () => {
  it('is found again by its marker and edited in place, past the first page of comments', async () => {
    const gh = fake.gh;
    // Someone else's chatter fills more than one page of 100.
    gh.seedComments(
      PR,
      Array.from({ length: 130 }, (_, i) => `comment ${i}`),
    );
    const s = SCENARIOS.success!();
    const only = settings(gh.token, { deployment: '', commitStatus: false });
    await startReport(only, startOf(PUSHED_COMMIT), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    const first = gh.comments(PR).at(-1)!;
    expect(first.body).toMatch(/^<!-- flux-reconcile flux%2F127.0.0.1%3A6443 -->\n<h2>✅/);
    gh.seedComments(PR, ['a later comment']);

    const failed = SCENARIOS['kustomization-build-failed']!();
    const out = sink();
    await startReport(only, startOf(FIRST_COMMIT), envFor(gh, fake.dir), out).finish(failed.ctx, failed.run);
    const comments = gh.comments(PR);
    expect(comments).toHaveLength(132);
    expect(comments.filter((c) => c.body.startsWith('<!-- flux-reconcile'))).toHaveLength(1);
    expect(gh.comments(PR).find((c) => c.id === first.id)!.body).toContain('❌ Flux reconcile');
    // The second page came from GitHub's Link header, in its /repositories/<id>/ form.
    const secondRun = gh.requests.slice(gh.requests.findIndex((r) => r.method === 'POST') + 1);
    // Who the token is, asked once a comment with the marker is found: GET /user refuses an app's token,
    // and GraphQL's viewer names its bot.
    expect(secondRun.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`)).toEqual([
      'GET /repos/acme/fleet/issues/N/comments',
      'GET /repositories/N/issues/N/comments',
      'GET /user',
      'POST /graphql',
      'PATCH /repos/acme/fleet/issues/comments/N',
    ]);
    expect(out.said.info.at(-1)).toContain(`comment ${first.id} updated on pull request #${PR}`);
  });

  it('keeps one comment per status context: another cluster gets its own', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    const only = (statusContext: string) =>
      settings(gh.token, { deployment: '', commitStatus: false, statusContext });
    await startReport(only('production'), startOf(''), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    await startReport(only('staging'), startOf(''), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    await startReport(only('production'), startOf(''), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    expect(gh.comments(PR).map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- flux-reconcile flux%2Fproduction -->',
      '<!-- flux-reconcile flux%2Fstaging -->',
    ]);
  });

  it('stops mentions and redacts registered secrets in cluster text', async () => {
    const gh = fake.gh;
    const s = SCENARIOS['kustomization-build-failed']!();
    const failed = s.run.results.find((r) => !r.ok)!;
    const secret = 'kubeconfig-token-value-0123456789';
    maskSecret(secret);
    failed.message = `ping @platform-team and @octocat: token ${secret} leaked`;
    await startReport(
      settings(gh.token, { deployment: '', commitStatus: false }),
      startOf(''),
      envFor(gh, fake.dir),
      sink(),
    ).finish(s.ctx, s.run);
    const body = gh.comments(PR)[0]!.body;
    expect(body).toContain('@&#8203;platform-team');
    expect(body).not.toMatch(/(^|\W)@(platform-team|octocat)/);
    expect(body).not.toContain(secret);
  });

  it('is not written outside a pull request run without pr-number', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    const out = sink();
    const env = envFor(gh, fake.dir, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: undefined });
    await startReport(settings(gh.token, { deployment: '' }), startOf(''), env, out).finish(s.ctx, s.run);
    expect(gh.sequence()).toEqual(['POST commit status pending', 'POST commit status success']);
    expect(out.said.warnings).toEqual([]);
    expect(out.said.info.join('\n')).toContain('no pull request comment');
  });
});

describe('whose comment is edited', () => {
  const MARKER = '<!-- flux-reconcile flux%2F127.0.0.1%3A6443 -->';
  const only = (token: string) => settings(token, { deployment: '', commitStatus: false });
  let own: FakeGitHub | undefined;
  afterEach(async () => {
    await own?.close();
    own = undefined;
  });

  async function reportTwice(gh: FakeGitHub) {
    const first = SCENARIOS.success!();
    await startReport(only(gh.token), startOf(''), envFor(gh, fake.dir), sink()).finish(first.ctx, first.run);
    const failed = SCENARIOS['kustomization-build-failed']!();
    const out = sink();
    await startReport(only(gh.token), startOf(''), envFor(gh, fake.dir), out).finish(failed.ctx, failed.run);
    return out;
  }

  it("never a look-alike by someone else: the job token's comment is github-actions[bot]'s", async () => {
    const gh = fake.gh;
    const forged = `${MARKER}\n<h2>✅ Flux reconcile: all objects Ready</h2> (not written by the action)`;
    gh.seedComments(PR, [forged], 'mallory');
    await reportTwice(gh);
    const comments = gh.comments(PR);
    expect(comments.map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]']);
    expect(comments[0]!.body).toBe(forged);
    expect(comments[1]!.body).toContain('❌ Flux reconcile');
    expect(gh.calls('PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/fleet/issues/comments/${comments[1]!.id}`,
    ]);
  });

  it("with a person's token, only that person's comment, found through GET /user", async () => {
    own = await startFakeGitHub({
      token: 'ghp_person',
      identity: { login: 'deploy-bot', id: 4242, type: 'User' },
    });
    own.seedComments(PR, [`${MARKER}\nby the job token`], 'github-actions[bot]');
    await reportTwice(own);
    const comments = own.comments(PR);
    expect(comments.map((c) => c.user.login)).toEqual(['github-actions[bot]', 'deploy-bot']);
    expect(comments[0]!.body).toBe(`${MARKER}\nby the job token`);
    expect(comments[1]!.body).toContain('❌ Flux reconcile');
    expect(own.calls('POST', /graphql/)).toEqual([]);
  });

  it('when GitHub does not say who the token is, writes a new comment and says why in a debug line', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    await startReport(only(gh.token), startOf(''), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    gh.fail('POST', /graphql/, 403);
    const out = sink();
    await startReport(only(gh.token), startOf(''), envFor(gh, fake.dir), out).finish(s.ctx, s.run);
    expect(gh.comments(PR)).toHaveLength(2);
    expect(gh.calls('PATCH')).toEqual([]);
    expect(out.said.debug.join('\n')).toMatch(
      /could not tell which GitHub account the token is.*new comment/,
    );
    expect(out.said.warnings).toEqual([]);
  });
});

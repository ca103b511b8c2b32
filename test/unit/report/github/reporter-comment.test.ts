// The pull request comment: one per cluster, found again by its hidden marker (past the first page of
// comments) and edited in place; cluster text in it mentions nobody and holds no secret.
import { describe, expect, it } from 'vitest';
import { maskSecret } from '../../../../src/base/secrets.js';
import { startGitHubReport } from '../../../../src/report/github/reporter.js';
import { FIRST_COMMIT, PUSHED_COMMIT } from '../../../fixtures/report/captured.js';
import { SCENARIOS } from '../../../fixtures/report/scenarios.js';
import { envFor, PR, settings, sink, startOf, useFakeGitHub } from './setup.js';

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
    await startGitHubReport(only, startOf(PUSHED_COMMIT), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    const first = gh.comments(PR).at(-1)!;
    expect(first.body).toMatch(/^<!-- flux-reconcile flux%2F127.0.0.1%3A6443 -->\n<h2>✅/);
    gh.seedComments(PR, ['a later comment']);

    const failed = SCENARIOS['kustomization-build-failed']!();
    const out = sink();
    await startGitHubReport(only, startOf(FIRST_COMMIT), envFor(gh, fake.dir), out).finish(
      failed.ctx,
      failed.run,
    );
    const comments = gh.comments(PR);
    expect(comments).toHaveLength(132);
    expect(comments.filter((c) => c.body.startsWith('<!-- flux-reconcile'))).toHaveLength(1);
    expect(gh.comments(PR).find((c) => c.id === first.id)!.body).toContain('❌ Flux reconcile');
    // The second page came from GitHub's Link header, in its /repositories/<id>/ form.
    const secondRun = gh.requests.slice(gh.requests.findIndex((r) => r.method === 'POST') + 1);
    expect(secondRun.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`)).toEqual([
      'GET /repos/acme/fleet/issues/N/comments',
      'GET /repositories/N/issues/N/comments',
      'PATCH /repos/acme/fleet/issues/comments/N',
    ]);
    expect(out.said.info.at(-1)).toContain(`comment ${first.id} updated on pull request #${PR}`);
  });

  it('keeps one comment per status context: another cluster gets its own', async () => {
    const gh = fake.gh;
    const s = SCENARIOS.success!();
    const only = (statusContext: string) =>
      settings(gh.token, { deployment: '', commitStatus: false, statusContext });
    await startGitHubReport(only('production'), startOf(''), envFor(gh, fake.dir), sink()).finish(
      s.ctx,
      s.run,
    );
    await startGitHubReport(only('staging'), startOf(''), envFor(gh, fake.dir), sink()).finish(s.ctx, s.run);
    await startGitHubReport(only('production'), startOf(''), envFor(gh, fake.dir), sink()).finish(
      s.ctx,
      s.run,
    );
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
    await startGitHubReport(
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
    await startGitHubReport(settings(gh.token, { deployment: '' }), startOf(''), env, out).finish(
      s.ctx,
      s.run,
    );
    expect(gh.sequence()).toEqual(['POST commit status pending', 'POST commit status success']);
    expect(out.said.warnings).toEqual([]);
    expect(out.said.info.join('\n')).toContain('no pull request comment');
  });
});

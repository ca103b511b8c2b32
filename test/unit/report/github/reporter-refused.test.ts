// When GitHub refuses or fails: one warning naming the permission and the block to add, the other parts
// still posted, retries only within the run's deadline and its reserved share.
import { describe, expect, it } from 'vitest';
import { PUSHED_COMMIT } from '../../../fixtures/report/captured.js';
import { SCENARIOS } from '../../../fixtures/report/scenarios.js';
import { envFor, settings, sink, startOf, startReport, useFakeGitHub } from './setup.js';

const fake = useFakeGitHub();

describe('when GitHub refuses', () => {
  const cases = [
    [
      'deployments',
      'deployments: write',
      [
        'POST deployment',
        'POST commit status pending',
        'POST commit status success',
        'GET comments',
        'POST comments',
      ],
    ],
    [
      'statuses',
      'statuses: write',
      [
        'POST deployment',
        'POST deployment status in_progress',
        'POST commit status pending',
        'POST deployment status success',
        'GET comments',
        'POST comments',
      ],
    ],
    [
      'pull_requests',
      'pull-requests: write',
      [
        'POST deployment',
        'POST deployment status in_progress',
        'POST commit status pending',
        'POST deployment status success',
        'POST commit status success',
        'GET comments',
      ],
    ],
  ] as const;
  for (const [permission, needed, sequence] of cases) {
    it(`a token without ${needed} gives one warning with the block to add; the other parts are posted`, async () => {
      const gh = fake.gh;
      gh.deny(permission);
      const s = SCENARIOS.success!();
      const out = sink();
      await startReport(settings(gh.token), startOf(PUSHED_COMMIT), envFor(gh, fake.dir), out).finish(
        s.ctx,
        s.run,
      );
      expect(out.said.warnings).toHaveLength(1);
      const [warning] = out.said.warnings;
      expect(warning).toContain('HTTP 403 Resource not accessible by integration');
      expect(warning).toMatch(new RegExp(`GitHub says it needs [^)]*\\b${permission}=write`));
      expect(warning).toContain(
        'permissions:\n  contents: read\n  deployments: write\n  statuses: write\n  pull-requests: write',
      );
      // The refused part is asked once and not again at the end; the others go through.
      expect(gh.sequence()).toEqual(sequence);
      expect(gh.requests.filter((r) => r.status === 403)).toHaveLength(1);
    });
  }

  it('says when the token is empty, and calls nothing', async () => {
    const gh = fake.gh;
    const out = sink();
    const s = SCENARIOS.success!();
    await startReport(
      settings(gh.token, { token: '' }),
      startOf(PUSHED_COMMIT),
      envFor(gh, fake.dir),
      out,
    ).finish(s.ctx, s.run);
    expect(gh.requests).toEqual([]);
    expect(out.said.warnings).toEqual([
      "Could not report to GitHub; the result of the run stands as it is:\n- the 'token' input is empty; leave it out to use the job's github.token",
    ]);
  });

  it('waits out a secondary rate limit once when the wait fits, and says nothing', async () => {
    const gh = fake.gh;
    gh.rateLimit('POST', /\/statuses\//, 'secondary', 1);
    const out = sink();
    const s = SCENARIOS.success!();
    const onlyStatus = settings(gh.token, { deployment: '', prComment: false });
    await startReport(onlyStatus, startOf(PUSHED_COMMIT), envFor(gh, fake.dir), out).finish(s.ctx, s.run);
    expect(gh.requests.map((r) => r.status)).toEqual([403, 201, 201]);
    expect(out.said.warnings).toEqual([]);
  });

  it('does not wait for a rate limit that lifts after the deadline, and blames no permission', async () => {
    // Nor is the final status tried: the limit is still there.
    const gh = fake.gh;
    gh.rateLimit('POST', /\/statuses\//, 'primary', 3600);
    const out = sink();
    const s = SCENARIOS.success!();
    const onlyStatus = settings(gh.token, { deployment: '', prComment: false });
    await startReport(onlyStatus, startOf(PUSHED_COMMIT), envFor(gh, fake.dir), out).finish(s.ctx, s.run);
    expect(gh.requests.map((r) => r.status)).toEqual([403]);
    expect(out.said.warnings).toHaveLength(1);
    expect(out.said.warnings[0]).toContain(
      '- post the pending commit status: HTTP 403 API rate limit exceeded for installation ID 4242.\n',
    );
  });

  it('retries a server error and then succeeds', async () => {
    const gh = fake.gh;
    gh.fail('POST', /\/statuses\//, 502, 1);
    const out = sink();
    const s = SCENARIOS.success!();
    const onlyStatus = settings(gh.token, { deployment: '', prComment: false });
    await startReport(onlyStatus, startOf(PUSHED_COMMIT), envFor(gh, fake.dir), out).finish(s.ctx, s.run);
    expect(gh.requests.map((r) => r.status)).toEqual([502, 201, 201]);
    expect(out.said.warnings).toEqual([]);
  });

  it('gives up within the budget when GitHub keeps failing, and says so once', async () => {
    const gh = fake.gh;
    gh.fail('POST', /\/statuses\//, 502, Number.POSITIVE_INFINITY);
    const out = sink();
    const s = SCENARIOS.success!();
    const onlyStatus = settings(gh.token, { deployment: '', prComment: false });
    // No time left of the run: only the reserved share (10 s) is there for the calls.
    const report = startReport(
      onlyStatus,
      startOf(PUSHED_COMMIT, { timeoutMs: 0 }),
      envFor(gh, fake.dir),
      out,
    );
    await report.finish(s.ctx, s.run);
    expect(out.said.warnings).toHaveLength(1);
    expect(out.said.warnings[0]).toContain('post the pending commit status: HTTP 502 Server Error');
    expect(out.said.warnings[0]).toContain('post the commit status success: HTTP 502 Server Error');
    // Of the 10 s: the pending status is tried, then again after 1 s and 4 s (a wait of 9 s more would
    // not fit); the final status gets what is left: one try, and one more after 1 s.
    expect(gh.sequence()).toEqual([
      'POST commit status pending',
      'POST commit status pending',
      'POST commit status pending',
      'POST commit status success',
      'POST commit status success',
    ]);
  }, 30_000);
});

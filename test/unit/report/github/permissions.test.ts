// The one warning a failed report becomes.
import { describe, expect, it } from 'vitest';
import { DeadlineError } from '../../../../src/github/budget.js';
import { failureOf, reportWarning } from '../../../../src/report/github/permissions.js';

// The shape of @octokit/request-error's RequestError for a 403 from GitHub.
function requestError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`${message} - https://docs.github.com/rest`), {
    status,
    response: {
      status,
      url: '',
      headers,
      data: { message, documentation_url: 'https://docs.github.com/rest' },
    },
  });
}

describe('failureOf', () => {
  it("keeps GitHub's message, status and accepted permissions", () => {
    const error = requestError(403, 'Resource not accessible by integration', {
      'x-accepted-github-permissions': 'statuses=write',
    });
    expect(failureOf('status', 'post the pending commit status', error)).toEqual({
      part: 'status',
      doing: 'post the pending commit status',
      status: 403,
      message: 'Resource not accessible by integration',
      accepted: 'statuses=write',
    });
  });

  it('has no status when GitHub never answered', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { status: 500 });
    expect(failureOf('deployment', 'create the deployment', refused)).toEqual({
      part: 'deployment',
      doing: 'create the deployment',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(failureOf('comment', 'comment', new DeadlineError()).message).toBe(
      "the run's deadline passed before GitHub answered",
    );
  });
});

describe('reportWarning', () => {
  it('names each failure, the permission it needs and the block to add', () => {
    const warning = reportWarning(
      [],
      [
        failureOf(
          'deployment',
          'create the deployment',
          requestError(403, 'Resource not accessible by integration'),
        ),
        failureOf('comment', 'comment on pull request #3', requestError(404, 'Not Found')),
      ],
      ['deployment', 'comment'],
    );
    expect(warning).toBe(
      [
        'Could not report to GitHub; the result of the run stands as it is:',
        '- create the deployment: HTTP 403 Resource not accessible by integration (needs deployments: write)',
        '- comment on pull request #3: HTTP 404 Not Found (the repository, commit or pull request is not visible to this token)',
        "The job's token needs deployments: write, pull-requests: write. Add to the workflow or the job:",
        'permissions:',
        '  contents: read',
        '  deployments: write',
        '  pull-requests: write',
      ].join('\n'),
    );
  });

  it('does not blame a permission for a rate limit', () => {
    const limited = requestError(403, 'API rate limit exceeded for installation ID 1.', {
      'x-ratelimit-remaining': '0',
    });
    const warning = reportWarning(
      [],
      [failureOf('status', 'post the commit status success', limited)],
      ['status'],
    );
    expect(warning).toContain(
      '- post the commit status success: HTTP 403 API rate limit exceeded for installation ID 1.\n',
    );
  });

  it('is a list of problems alone when no call was made', () => {
    expect(reportWarning(['no commit to report on'], [], ['status'])).toBe(
      'Could not report to GitHub; the result of the run stands as it is:\n- no commit to report on',
    );
  });
});

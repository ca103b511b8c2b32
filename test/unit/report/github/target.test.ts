// Where the report goes, from the runner's variables and the event payload.
import { describe, expect, it } from 'vitest';
import {
  apiBaseUrl,
  commitOfRevision,
  reportedCommit,
  reportTarget,
} from '../../../../src/report/github/target.js';

const SHA = '3f2c1a9e'.padEnd(40, '1');
const OTHER = 'b'.repeat(40);

describe('commitOfRevision', () => {
  it('reads a full commit in each form Flux and people write', () => {
    expect(commitOfRevision(SHA)).toBe(SHA);
    expect(commitOfRevision(SHA.toUpperCase())).toBe(SHA);
    expect(commitOfRevision(`sha1:${SHA}`)).toBe(SHA);
    expect(commitOfRevision(`main@sha1:${SHA}`)).toBe(SHA);
    expect(commitOfRevision(`refs/heads/main@sha1:${SHA}`)).toBe(SHA);
    expect(commitOfRevision(`main/${SHA}`)).toBe(SHA);
  });

  it('finds no commit in a short SHA, a tag, a digest or a chart version', () => {
    for (const revision of [
      '',
      SHA.slice(0, 7),
      'v1.2.3',
      `sha256:${'c'.repeat(64)}`,
      `latest@sha256:${'c'.repeat(64)}`,
      '6.0.3+abcdef123456',
    ]) {
      expect(commitOfRevision(revision), revision).toBeUndefined();
    }
  });
});

describe('reportedCommit', () => {
  const pr = { pull_request: { number: 3, head: { sha: OTHER } } };

  it('prefers the revision, then a pull request head, then GITHUB_SHA', () => {
    expect(reportedCommit(SHA, { GITHUB_SHA: 'a'.repeat(40), GITHUB_EVENT_NAME: 'pull_request' }, pr)).toBe(
      SHA,
    );
    expect(reportedCommit('', { GITHUB_SHA: 'a'.repeat(40), GITHUB_EVENT_NAME: 'pull_request' }, pr)).toBe(
      OTHER,
    );
    expect(
      reportedCommit('', { GITHUB_SHA: 'a'.repeat(40), GITHUB_EVENT_NAME: 'pull_request_target' }, pr),
    ).toBe(OTHER);
    expect(reportedCommit('', { GITHUB_SHA: 'a'.repeat(40), GITHUB_EVENT_NAME: 'push' }, pr)).toBe(
      'a'.repeat(40),
    );
    expect(reportedCommit('v1.0.0', {}, {})).toBeUndefined();
  });
});

describe('apiBaseUrl', () => {
  it('is GITHUB_API_URL without a trailing slash, api.github.com without one', () => {
    expect(apiBaseUrl({})).toBe('https://api.github.com');
    expect(apiBaseUrl({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })).toBe(
      'https://ghe.example.com/api/v3',
    );
    expect(apiBaseUrl({ GITHUB_API_URL: 'ftp://x' })).toBeUndefined();
    expect(apiBaseUrl({ GITHUB_API_URL: 'not a url' })).toBeUndefined();
  });
});

describe('reportTarget', () => {
  const env = {
    GITHUB_REPOSITORY: 'acme/fleet',
    GITHUB_SERVER_URL: 'https://ghe.example.com/',
    GITHUB_API_URL: 'https://ghe.example.com/api/v3',
    GITHUB_RUN_ID: '77',
    GITHUB_SHA: SHA,
    GITHUB_EVENT_NAME: 'pull_request',
  };

  it('takes the repository, the run page and the pull request from the run', () => {
    expect(
      reportTarget(env, { revision: '' }, { pull_request: { number: 9, head: { sha: OTHER } } }),
    ).toEqual({
      apiUrl: 'https://ghe.example.com/api/v3',
      owner: 'acme',
      repo: 'fleet',
      sha: OTHER,
      prNumber: 9,
      runUrl: 'https://ghe.example.com/acme/fleet/actions/runs/77',
    });
  });

  it('takes pr-number over the event, and no pull request outside pull request events', () => {
    const target = (over: object, prNumber?: number) =>
      reportTarget({ ...env, ...over }, { revision: '', prNumber }, { pull_request: { number: 9 } });
    expect(target({}, 41)).toMatchObject({ prNumber: 41 });
    expect(target({ GITHUB_EVENT_NAME: 'push' })).toMatchObject({ prNumber: undefined });
    expect(target({ GITHUB_EVENT_NAME: 'push' }, 41)).toMatchObject({ prNumber: 41 });
  });

  it('says what is missing outside a GitHub Actions run', () => {
    expect(reportTarget({}, { revision: '' }, {})).toEqual({
      problem: 'GITHUB_REPOSITORY is not set as owner/repository (is this a GitHub Actions run?)',
    });
    expect(reportTarget({ GITHUB_REPOSITORY: 'a/b', GITHUB_API_URL: 'x' }, { revision: '' }, {})).toEqual({
      problem: 'GITHUB_API_URL is not an http(s) URL',
    });
  });
});

// relateCommits end to end: the workspace first, GitHub second, both against real git histories.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { relateWith } from '../../../src/commands/reconcile.js';
import { type AncestryContext, commitHex, describeRelation, relateCommits } from '../../../src/git/relate.js';
import { type GitServer, startGitServer } from '../../e2e/lab/git-server.js';
import { GitHistory, git } from '../../helpers/git-history.js';
import { type FakeGitHub, startFakeGitHub } from '../../helpers/github-api.js';

const TOKEN = 'ghs_relateToken321';
let history: GitHistory;
let gitServer: GitServer;
let api: FakeGitHub;
let sourceUrl: string;
let c1: string;
let c2: string;
let c3: string;

beforeAll(async () => {
  // Named as the lab names its repositories (`<name>.git` at the git server's root).
  history = await GitHistory.create('fleet');
  c1 = await history.commit('c1');
  c2 = await history.commit('c2');
  c3 = await history.commit('c3');
  // One address serves the repository over git and the API, as a GitHub server does.
  gitServer = await startGitServer(history.projectRoot);
  api = await startFakeGitHub({
    owner: 'org',
    repo: 'fleet',
    history: history.bareDir,
    token: TOKEN,
    gitServer: { url: gitServer.url, path: 'fleet.git' },
  });
  sourceUrl = `${api.origin}/Org/Fleet`;
});

afterAll(async () => {
  await api?.close();
  await gitServer?.stop();
  await history?.remove();
});

beforeEach(() => {
  vi.stubEnv('GIT_CONFIG_GLOBAL', '/dev/null');
  vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
});

afterEach(() => {
  vi.unstubAllEnvs();
  api.requests.length = 0;
});

const github = (): AncestryContext => ({ apiUrl: api.apiUrl, serverUrl: api.origin, token: TOKEN });

/** A clone of the source repository, as actions/checkout makes it; the source names it with another case and without .git. */
const workspaceClone = (options: { depth?: number; at?: string } = {}) =>
  history.clone(`${api.origin}/org/fleet.git`, options);

describe('relateCommits', () => {
  it('answers from the workspace first, without asking GitHub', async () => {
    const workspace = await workspaceClone();
    const relation = await relateCommits({
      sourceUrl,
      expected: c2,
      fetched: c3,
      context: { ...github(), workspace },
    });
    expect(relation).toEqual({ relation: 'contains', via: 'workspace' });
    expect(api.requests).toHaveLength(0);
  });

  it('asks GitHub when there is no workspace', async () => {
    const relation = await relateCommits({ sourceUrl, expected: c3, fetched: c1, context: github() });
    expect(relation).toEqual({ relation: 'behind', via: 'github' });
    expect(api.requests).toHaveLength(1);
  });

  it("asks GitHub when a shallow workspace's history cannot show the answer", async () => {
    const workspace = await workspaceClone({ depth: 1, at: c3 });
    const context = { ...github(), workspace };
    expect(await relateCommits({ sourceUrl, expected: c3, fetched: c1, context })).toEqual({
      relation: 'behind',
      via: 'github',
    });
    expect(api.requests).toHaveLength(1);
    // The workspace fetched c1 itself first: it tried, and only its "no" was not to be trusted.
    expect(await git(workspace, ['cat-file', '-t', c1])).toBe('commit');
  });

  it('says why for each place when the workspace is shallow and GitHub refuses', async () => {
    const workspace = await workspaceClone({ depth: 1, at: c3 });
    const context = { ...github(), token: 'ghs_wrong', workspace };
    const relation = await relateCommits({ sourceUrl, expected: c3, fetched: c1, context });
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation !== 'unknown') return;
    expect(relation.why).toMatch(
      /^the checkout in the workspace is shallow: .*; GitHub \(http:\/\/127\.0\.0\.1:\d+\) refused the token/,
    );
    expect(relation.fix).toBe('set `fetch-depth: 0` on `actions/checkout`, or pass a valid `token`');
  });

  it('accepts Flux revision forms for both commits', async () => {
    const context = github();
    expect(
      await relateCommits({ sourceUrl, expected: `main@sha1:${c2}`, fetched: `sha1:${c3}`, context }),
    ).toEqual({
      relation: 'contains',
      via: 'github',
    });
    expect(
      await relateCommits({
        sourceUrl,
        expected: `main/${c3}`,
        fetched: `refs/heads/main@sha1:${c2}`,
        context,
      }),
    ).toEqual({
      relation: 'behind',
      via: 'github',
    });
  });

  it('calls one commit in two forms the same without looking anywhere', async () => {
    const relation = await relateCommits({
      sourceUrl,
      expected: c3.slice(0, 8),
      fetched: `main@sha1:${c3}`,
      context: {},
    });
    expect(relation).toEqual({ relation: 'same' });
    expect(api.requests).toHaveLength(0);
  });

  it('refuses what is not a git commit: an OCI digest, a chart version', async () => {
    const digest = `latest@sha256:${'a'.repeat(64)}`;
    const relation = await relateCommits({ sourceUrl, expected: c2, fetched: digest, context: github() });
    expect(relation).toMatchObject({
      relation: 'unknown',
      why: expect.stringContaining('is not a git commit'),
    });
    expect(
      await relateCommits({ sourceUrl, expected: '6.0.3', fetched: c2, context: github() }),
    ).toMatchObject({
      relation: 'unknown',
    });
  });

  it('when nothing can tell, says why for each place and how to enable one, without the token', async () => {
    const relation = await relateCommits({
      sourceUrl: 'https://git.example.com/org/fleet.git',
      expected: c2,
      fetched: c3,
      context: { serverUrl: 'https://github.com', token: TOKEN },
    });
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation !== 'unknown') return;
    expect(relation.why).toBe(
      'there is no workspace (GITHUB_WORKSPACE is not set); git.example.com/org/fleet is not a repository on https://github.com',
    );
    expect(relation.fix).toBe('add `actions/checkout` with `fetch-depth: 0` before this step');
    expect(JSON.stringify(relation)).not.toContain(TOKEN);
  });

  it('joins both fixes when both could help', async () => {
    const relation = await relateCommits({
      sourceUrl,
      expected: c2,
      fetched: c3,
      context: { ...github(), token: '' },
    });
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation !== 'unknown') return;
    expect(relation.fix).toBe(
      'add `actions/checkout` with `fetch-depth: 0` before this step, or check that `revision` is a commit pushed to Org/Fleet; for a private repository, pass `token` with `contents: read` on the repository',
    );
  });
});

describe('commitHex', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['main@sha1:0123456789ABCDEF0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['sha1:0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['main/0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['0123abc', '0123abc'],
  ])('%s → %s', (revision, hex) => {
    expect(commitHex(revision)).toBe(hex);
  });

  it.each([
    `latest@sha256:${'a'.repeat(64)}`,
    `sha256:${'b'.repeat(64)}`,
    '6.0.3',
    '6.0.3+0123456789ab',
    'main',
    '012345',
    '',
  ])('%s is no commit', (revision) => {
    expect(commitHex(revision)).toBeUndefined();
  });
});

describe('describeRelation', () => {
  const A = `main@sha1:${'a'.repeat(8)}${'1'.repeat(32)}`;
  const B = `${'b'.repeat(8)}${'2'.repeat(32)}`;
  it.each([
    [{ relation: 'same' } as const, 'at bbbbbbbb'],
    [{ relation: 'contains', via: 'workspace' } as const, 'at bbbbbbbb, which contains aaaaaaaa'],
    [
      { relation: 'behind', via: 'github' } as const,
      'at bbbbbbbb, which is older than aaaaaaaa: aaaaaaaa has not arrived yet',
    ],
    [
      { relation: 'diverged', via: 'github' } as const,
      'diverged: history was rewritten, aaaaaaaa is not in bbbbbbbb',
    ],
    [
      { relation: 'unknown', why: 'no checkout', fix: 'add `actions/checkout`' } as const,
      'cannot tell whether bbbbbbbb contains aaaaaaaa: no checkout. To find out, add `actions/checkout`',
    ],
    [
      { relation: 'unknown', why: 'the run stopped', fix: '' } as const,
      'cannot tell whether bbbbbbbb contains aaaaaaaa: the run stopped',
    ],
  ])('%o', (relation, words) => {
    expect(describeRelation(relation, A, B)).toBe(words);
  });

  it('keeps the words on one line whatever the reason says', () => {
    const words = describeRelation(
      { relation: 'unknown', why: 'line one\n::error::x', fix: 'fix\r\nit' },
      A,
      B,
    );
    expect(words).not.toMatch(/[\r\n]/);
  });
});

describe('the run’s lookup', () => {
  it('ends when the run ends: the git fetch and its transport helper are stopped, and GitHub is not asked', async () => {
    let arrived!: () => void;
    const seen = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // An origin that takes the fetch and never answers: a slow `git fetch`.
    const hanging = createServer(() => arrived());
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/org/fleet.git`;
    const workspace = await workspaceClone();
    await git(workspace, ['remote', 'set-url', 'origin', origin]);
    vi.stubEnv('GITHUB_WORKSPACE', workspace);
    vi.stubEnv('GITHUB_SERVER_URL', api.origin);
    vi.stubEnv('GITHUB_API_URL', api.apiUrl);
    try {
      const runEnded = new AbortController();
      const asked = relateWith(TOKEN)(
        { url: origin, revision: `main@sha1:${'d'.repeat(40)}` },
        c1,
        runEnded.signal,
      );
      await seen;
      runEnded.abort();
      const relation = await asked;
      expect(relation).toMatchObject({ relation: 'unknown', why: 'the run stopped before git answered' });
      expect(api.requests).toEqual([]);
      // No git process of that fetch is left: the whole process group was stopped.
      const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(origin));
      expect(left).toEqual([]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});

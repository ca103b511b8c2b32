// The GitHub lookup against the fake GitHub, whose compare endpoint answers from a real git history.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubQuestion, relateOnGitHub } from '../../../src/git/github-compare.js';
import { closeServer } from '../../e2e/lab/git-server.js';
import { GitHistory } from '../../helpers/git-history.js';
import { type FakeGitHub, startFakeGitHub } from '../../helpers/github-api.js';

const TOKEN = 'ghs_compareToken456';
let history: GitHistory;
let api: FakeGitHub;
// main: c1 ← c2 ← c3; branch `rewritten`: c1 ← d1; branch `unrelated`: u1 with no parent.
let c1: string;
let c2: string;
let c3: string;
let d1: string;
let u1: string;

beforeAll(async () => {
  history = await GitHistory.create('fleet');
  c1 = await history.commit('c1');
  c2 = await history.commit('c2');
  c3 = await history.commit('c3');
  await history.resetTo(c1);
  d1 = await history.commit('d1', 'rewritten');
  await history.resetTo(c3);
  u1 = await history.commitUnrelated('u1', 'unrelated');
  api = await startFakeGitHub({ owner: 'Org', repo: 'Fleet', history: history.bareDir, token: TOKEN });
});

afterAll(async () => {
  await api?.close();
  await history?.remove();
});

afterEach(() => {
  api.requests.length = 0;
});

function ask(expected: string, fetched: string, extra: Partial<GitHubQuestion> = {}) {
  return relateOnGitHub({
    sourceUrl: `${api.origin}/org/fleet.git`,
    expected,
    fetched,
    apiUrl: api.apiUrl,
    serverUrl: api.origin,
    token: TOKEN,
    // GitHub's one second between attempts, shortened: what is tested is which answers are asked again.
    retryDelayMs: 10,
    ...extra,
  });
}

async function unknownOf(pending: Promise<unknown>): Promise<{ why: string; fix: string }> {
  const relation = (await pending) as { relation: string; why: string; fix: string };
  expect(relation.relation).toBe('unknown');
  return relation;
}

describe('GitHub compare answers', () => {
  it('ahead: the fetched commit contains the expected one', async () => {
    expect(await ask(c2, c3)).toEqual({ relation: 'contains', via: 'github' });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request!.path).toBe(`/repos/org/fleet/compare/${c2}...${c3}`);
    expect(request!.query).toEqual({ per_page: '1' });
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers.accept).toBe('application/vnd.github+json');
    expect(request!.headers['x-github-api-version']).toBe('2022-11-28');
  });

  it('behind: the push has not arrived yet', async () => {
    expect(await ask(c3, c1)).toEqual({ relation: 'behind', via: 'github' });
  });

  it('diverged: history was rewritten', async () => {
    expect(await ask(c2, d1)).toEqual({ relation: 'diverged', via: 'github' });
  });

  it('identical: the same commit, written short', async () => {
    expect(await ask(c3.slice(0, 7), c3)).toEqual({ relation: 'same' });
  });

  it('"No common ancestor" (an unrelated history) is diverged', async () => {
    expect(await ask(c2, u1)).toEqual({ relation: 'diverged', via: 'github' });
  });

  it('reads an ssh source URL as the same repository', async () => {
    const sourceUrl = `ssh://git@127.0.0.1/Org/Fleet.git`;
    expect(await ask(c2, c3, { sourceUrl })).toEqual({ relation: 'contains', via: 'github' });
  });

  it('asks a public repository without a token', async () => {
    const open = await startFakeGitHub({
      repo: 'fleet',
      owner: 'org',
      history: history.bareDir,
      private: false,
    });
    try {
      const answer = await ask(c2, c3, {
        apiUrl: open.apiUrl,
        serverUrl: open.origin,
        sourceUrl: `${open.origin}/org/fleet`,
        token: '',
      });
      expect(answer).toEqual({ relation: 'contains', via: 'github' });
      expect(open.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});

describe('GitHub Enterprise Server', () => {
  it('finds the API at <server>/api/v3 when GITHUB_API_URL is not given', async () => {
    const ghes = await startFakeGitHub({
      owner: 'team',
      repo: 'fleet',
      history: history.bareDir,
      token: TOKEN,
      basePath: '/api/v3',
    });
    try {
      const answer = await ask(c1, c3, {
        apiUrl: undefined,
        serverUrl: ghes.origin,
        sourceUrl: `${ghes.origin}/team/fleet`,
      });
      expect(answer).toEqual({ relation: 'contains', via: 'github' });
      // The fake records the path under its base path; one outside it would not have been answered.
      expect(ghes.apiUrl).toBe(`${ghes.origin}/api/v3`);
      expect(ghes.requests[0]!.path).toMatch(/^\/repos\/team\/fleet\/compare\//);
    } finally {
      await ghes.close();
    }
  });
});

describe('GitHub refusals', () => {
  it('404 for a commit GitHub does not know: cannot tell, and says to check the revision', async () => {
    const neverPushed = await history.commitUnpushed('local only');
    const { why, fix } = await unknownOf(ask(c2, neverPushed));
    expect(why).toContain('knows no repository org/fleet with both commits');
    expect(why).toContain('HTTP 404: Not Found');
    expect(fix).toContain('is a commit pushed to org/fleet');
  });

  it('404 for a private repository asked without a token: says to pass one', async () => {
    const { why, fix } = await unknownOf(ask(c2, c3, { token: '' }));
    expect(why).toContain('without a token');
    expect(fix).toContain('pass `token` with `contents: read`');
  });

  it("404 for another repository than the workflow's: says GITHUB_TOKEN reads its own only", async () => {
    const { fix } = await unknownOf(ask(c2, c3, { token: '', repository: 'org/app' }));
    expect(fix).toContain('set `token` to a token that can read org/fleet');
    expect(fix).toContain('reads org/app only');
  });

  it('404 for a repository GitHub does not have', async () => {
    const { why } = await unknownOf(ask(c2, c3, { sourceUrl: `${api.origin}/org/missing` }));
    expect(why).toContain('knows no repository org/missing');
  });

  it('401 for a wrong token, never quoting it', async () => {
    const relation = await ask(c2, c3, { token: 'ghs_wrongToken789' });
    const { why, fix } = await unknownOf(Promise.resolve(relation));
    expect(why).toContain('refused the token (HTTP 401: Bad credentials)');
    expect(fix).toContain('valid `token`');
    expect(JSON.stringify(relation)).not.toContain('ghs_wrongToken789');
  });

  it('403 for a token without contents: read', async () => {
    const denied = await startFakeGitHub({
      owner: 'org',
      repo: 'fleet',
      history: history.bareDir,
      token: TOKEN,
    });
    denied.deny('contents');
    try {
      const { why, fix } = await unknownOf(
        ask(c2, c3, {
          apiUrl: denied.apiUrl,
          serverUrl: denied.origin,
          sourceUrl: `${denied.origin}/org/fleet`,
        }),
      );
      expect(why).toContain('Resource not accessible by integration');
      expect(fix).toContain('permissions: contents: read');
    } finally {
      await denied.close();
    }
  });
});

describe('GitHub rate limits and failures', () => {
  it('a used-up rate limit: cannot tell until it resets, without waiting for it', async () => {
    api.rateLimit('GET', /\/compare\//, 'primary', 3600);
    const { why } = await unknownOf(ask(c2, c3));
    expect(why).toMatch(
      /rate limit of GitHub \(http:\/\/127\.0\.0\.1:\d+\) for the token is used up until \d\d:\d\d:\d\d UTC/,
    );
    expect(api.requests).toHaveLength(1);
  });

  it('a used-up rate limit without a token: says to pass one', async () => {
    const open = await startFakeGitHub({
      repo: 'fleet',
      owner: 'org',
      history: history.bareDir,
      private: false,
    });
    try {
      open.rateLimit('GET', /\/compare\//, 'primary', 600);
      const target = {
        apiUrl: open.apiUrl,
        serverUrl: open.origin,
        sourceUrl: `${open.origin}/org/fleet`,
      };
      const { why, fix } = await unknownOf(ask(c2, c3, { ...target, token: '' }));
      expect(why).toContain('for requests without a token is used up');
      expect(fix).toContain('pass `token`');
    } finally {
      await open.close();
    }
  });

  it('a secondary rate limit with a short Retry-After is waited out', async () => {
    api.rateLimit('GET', /\/compare\//, 'secondary', 0);
    expect(await ask(c2, c3)).toEqual({ relation: 'contains', via: 'github' });
    expect(api.requests).toHaveLength(2);
  });

  it('a server error is asked again', async () => {
    api.fail('GET', /\/compare\//, 502);
    expect(await ask(c2, c3)).toEqual({ relation: 'contains', via: 'github' });
    expect(api.requests).toHaveLength(2);
  });

  it('a server error that lasts: cannot tell, saying what GitHub answered', async () => {
    api.fail('GET', /\/compare\//, 503, 3);
    const { why } = await unknownOf(ask(c2, c3));
    expect(why).toContain('HTTP 503');
    expect(api.requests).toHaveLength(3);
  });

  it('an API that cannot be reached: cannot tell, saying what the connection answered', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await closeServer(closed);
    const { why } = await unknownOf(
      ask(c2, c3, { apiUrl: base, serverUrl: base, sourceUrl: `${base}/org/fleet` }),
    );
    expect(why).toBe(
      `GitHub (${base}) could not be reached: connect ECONNREFUSED ${base.slice('http://'.length)}`,
    );
  });

  it('a source on another server: cannot tell, without asking', async () => {
    const { why } = await unknownOf(ask(c2, c3, { sourceUrl: 'https://gitlab.example.com/org/fleet' }));
    expect(why).toBe(`gitlab.example.com/org/fleet is not a repository on ${api.origin}`);
    expect(api.requests).toHaveLength(0);
  });

  it('stops a request that hangs when the run stops', async () => {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => {
      seen = resolve;
    });
    const silent = createServer(() => seen());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const controller = new AbortController();
      const pending = ask(c2, c3, {
        apiUrl: base,
        serverUrl: base,
        sourceUrl: `${base}/org/fleet`,
        signal: controller.signal,
      });
      await arrived;
      controller.abort();
      const { why } = await unknownOf(pending);
      expect(why).toContain('stopped');
    } finally {
      await closeServer(silent);
    }
  });
});

// The loopback fake of GitHub answers as api.github.com does where the action depends on it: the token,
// the validation GitHub applies, deployments made inactive, comments listed page by page with Link headers,
// a private repository hidden from a request without a token, compare answered from a git history.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHistory } from '../helpers/git-history.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-api.js';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

const SHA = 'a'.repeat(40);

async function call(method: string, path: string, body?: object, token = gh.token) {
  const res = await fetch(`${gh.apiUrl}${path}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe('the fake GitHub', () => {
  it('refuses a wrong token with 401 Bad credentials', async () => {
    const res = await call('POST', `/repos/acme/fleet/statuses/${SHA}`, { state: 'pending' }, 'nope');
    expect(res.status).toBe(401);
    expect(res.json.message).toBe('Bad credentials');
  });

  it('refuses a description over 140 characters, as GitHub validates it', async () => {
    const res = await call('POST', `/repos/acme/fleet/statuses/${SHA}`, {
      state: 'failure',
      description: 'x'.repeat(141),
    });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([
      {
        resource: 'Status',
        code: 'custom',
        field: 'description',
        message: 'description is too long (maximum is 140 characters)',
      },
    ]);
  });

  it('blocks a deployment on failing statuses unless required_contexts is empty', async () => {
    await call('POST', `/repos/acme/fleet/statuses/${SHA}`, { state: 'failure', context: 'ci' });
    expect(
      (await call('POST', '/repos/acme/fleet/deployments', { ref: SHA, environment: 'qa' })).status,
    ).toBe(409);
    const ok = await call('POST', '/repos/acme/fleet/deployments', {
      ref: SHA,
      environment: 'qa',
      required_contexts: [],
    });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ sha: SHA, environment: 'qa', production_environment: false });
  });

  it('makes an earlier successful deployment inactive, unless auto_inactive is false', async () => {
    const deploy = async () =>
      (
        await call('POST', '/repos/acme/fleet/deployments', {
          ref: SHA,
          environment: 'qa',
          required_contexts: [],
        })
      ).json.id as number;
    const first = await deploy();
    await call('POST', `/repos/acme/fleet/deployments/${first}/statuses`, { state: 'success' });
    const second = await deploy();
    await call('POST', `/repos/acme/fleet/deployments/${second}/statuses`, {
      state: 'failure',
      auto_inactive: false,
    });
    expect(gh.deployments[0]!.statuses.map((s) => s.state)).toEqual(['success']);
    await call('POST', `/repos/acme/fleet/deployments/${second}/statuses`, { state: 'success' });
    expect(gh.deployments[0]!.statuses.map((s) => s.state)).toEqual(['success', 'inactive']);
  });

  it('lists comments page by page, with next and last links in the /repositories/<id>/ form', async () => {
    gh.seedComments(3, ['a', 'b', 'c', 'd', 'e']);
    const first = await call('GET', '/repos/acme/fleet/issues/3/comments?per_page=2');
    expect((first.json as unknown as Array<{ body: string }>).map((c) => c.body)).toEqual(['a', 'b']);
    const link = first.headers.get('link')!;
    expect(link).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/issues\/3\/comments\?per_page=2&page=2>; rel="next"/,
    );
    expect(link).toContain('page=3>; rel="last"');
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    const second = await fetch(next, { headers: { authorization: `token ${gh.token}` } });
    expect(((await second.json()) as Array<{ body: string }>).map((c) => c.body)).toEqual(['c', 'd']);
  });

  it('answers a denied permission as GitHub does', async () => {
    gh.deny('statuses');
    const res = await call('POST', `/repos/acme/fleet/statuses/${SHA}`, { state: 'pending' });
    expect(res.status).toBe(403);
    expect(res.json.message).toBe('Resource not accessible by integration');
    expect(res.headers.get('x-accepted-github-permissions')).toBe('statuses=write');
    expect(res.headers.get('x-ratelimit-remaining')).not.toBe('0');
  });
});

describe('who may ask', () => {
  it('hides a private repository from a request without a token (404), and lets a public one be read', async () => {
    const anonymous = (path: string, method = 'GET') =>
      fetch(`${gh.apiUrl}${path}`, { method, body: method === 'GET' ? undefined : '{}' });
    expect((await anonymous('/repos/acme/fleet/issues/3/comments')).status).toBe(404);
    const open = await startFakeGitHub({ private: false });
    try {
      const read = await fetch(`${open.apiUrl}/repos/acme/fleet/issues/3/comments`);
      expect(read.status).toBe(200);
      const write = await fetch(`${open.apiUrl}/repos/acme/fleet/issues/3/comments`, {
        method: 'POST',
        body: JSON.stringify({ body: 'hi' }),
      });
      expect(write.status).toBe(401);
      expect(((await write.json()) as { message: string }).message).toBe('Requires authentication');
    } finally {
      await open.close();
    }
  });

  it('reads owner and repository in any case, as GitHub does', async () => {
    const res = await call('POST', `/repos/ACME/Fleet/statuses/${SHA}`, { state: 'pending' });
    expect(res.status).toBe(201);
    expect(res.json.url).toBe(`${gh.apiUrl}/repos/acme/fleet/statuses/${SHA}`);
  });
});

describe('compare, answered from a git history', () => {
  let history: GitHistory;
  let c1: string;
  let c2: string;
  let compared: FakeGitHub;
  beforeAll(async () => {
    history = await GitHistory.create('fleet');
    c1 = await history.commit('c1');
    c2 = await history.commit('c2');
    compared = await startFakeGitHub({ history: history.bareDir });
  });
  afterAll(async () => {
    await compared?.close();
    await history?.remove();
  });
  const compare = async (range: string, query = '') =>
    fetch(`${compared.apiUrl}/repos/acme/fleet/compare/${range}${query}`, {
      headers: { authorization: `Bearer ${compared.token}` },
    });

  it('says ahead, with the counts, the commits and the files, in the shape GitHub returns', async () => {
    const res = await compare(`${c1}...${c2}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ahead',
      ahead_by: 1,
      behind_by: 0,
      total_commits: 1,
      merge_base_commit: { sha: c1 },
      commits: [{ sha: c2, commit: { message: 'c2' }, parents: [{ sha: c1 }] }],
      files: [{ filename: 'file-2.txt', status: 'added', additions: 1, deletions: 0 }],
    });
    expect(body.html_url).toBe(`${compared.origin}/acme/fleet/compare/${c1}...${c2}`);
  });

  it('says behind the other way round, and lists no files past the first page', async () => {
    const res = await compare(`${c2}...${c1}`, '?per_page=1&page=2');
    expect(await res.json()).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 1, commits: [] });
    expect((await (await compare(`${c2}...${c1}`, '?page=2')).json()) as object).not.toHaveProperty('files');
  });

  it('answers 404 for a commit it does not have, and 403 for a token without contents: read', async () => {
    expect((await compare(`${c1}...${'0'.repeat(40)}`)).status).toBe(404);
    compared.deny('contents');
    const denied = await compare(`${c1}...${c2}`);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-accepted-github-permissions')).toBe('contents=read');
  });
});

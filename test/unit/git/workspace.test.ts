// The workspace lookup against real git repositories in a temp directory, served over HTTP by the lab's
// git server (git http-backend), cloned the way actions/checkout clones.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { relateInWorkspace } from '../../../src/git/workspace.js';
import { type GitServer, startGitServer } from '../../e2e/lab/git-server.js';
import { type AuthProxy, startAuthProxy } from '../../helpers/auth-proxy.js';
import { GitHistory, git } from '../../helpers/git-history.js';

let history: GitHistory;
let server: GitServer;
let url: string;
// main: c1 ← c2 ← c3; branch `rewritten`: c1 ← d1 (what a force-push leaves behind).
let c1: string;
let c2: string;
let c3: string;
let d1: string;

beforeAll(async () => {
  history = await GitHistory.create('fleet');
  server = await startGitServer(history.projectRoot);
  url = `${server.url}/fleet.git`;
  c1 = await history.commit('c1');
  c2 = await history.commit('c2');
  c3 = await history.commit('c3');
  await history.resetTo(c1);
  d1 = await history.commit('d1', 'rewritten');
  await history.resetTo(c3);
});

afterAll(async () => {
  await server?.stop();
  await history?.remove();
});

beforeEach(() => {
  // The code under test reads git's configuration like any git: keep this machine's out of it.
  vi.stubEnv('GIT_CONFIG_GLOBAL', '/dev/null');
  vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
  return () => vi.unstubAllEnvs();
});

const relate = (workspace: string | undefined, expected: string, fetched: string, sourceUrl = url) =>
  relateInWorkspace({ workspace, sourceUrl, expected, fetched });

const hasCommit = (dir: string, sha: string) =>
  git(dir, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false,
  );

describe('a full clone of the source repository', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await history.clone(url);
  });

  it('says a newer commit contains the expected one', async () => {
    expect(await relate(workspace, c2, c3)).toEqual({ relation: 'contains', via: 'workspace' });
    expect(await relate(workspace, c1, c3)).toEqual({ relation: 'contains', via: 'workspace' });
  });

  it('says an older commit is behind the expected one', async () => {
    expect(await relate(workspace, c3, c2)).toEqual({ relation: 'behind', via: 'workspace' });
  });

  it('says the same commit written short is the same', async () => {
    expect(await relate(workspace, c3.slice(0, 7), c3)).toEqual({ relation: 'same' });
  });

  it('fetches a commit of a rewritten history from origin and says the histories diverged', async () => {
    expect(await hasCommit(workspace, d1)).toBe(false);
    expect(await relate(workspace, c2, d1)).toEqual({ relation: 'diverged', via: 'workspace' });
    expect(await hasCommit(workspace, d1)).toBe(true);
  });

  it('matches the remote loosely: another case, no .git, a trailing slash', async () => {
    const loose = `${server.url}/FLEET/`;
    expect(await relate(workspace, c2, c3, loose)).toEqual({ relation: 'contains', via: 'workspace' });
  });

  it('cannot tell about a commit its origin does not have, and says what git answered', async () => {
    const neverPushed = await history.commitUnpushed('local only');
    const relation = await relate(workspace, c2, neverPushed);
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation !== 'unknown') return;
    expect(relation.why).toContain(`does not have ${neverPushed.slice(0, 8)}`);
    expect(relation.why).toContain('`git fetch origin` could not get it');
  });

  it('cannot fetch an abbreviated commit it lacks', async () => {
    const relation = await relate(
      workspace,
      c2,
      d1.slice(0, 7).replace(/.$/, (x) => (x === '0' ? '1' : '0')),
    );
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation === 'unknown') expect(relation.fix).toContain('full 40-character commit SHA');
  });
});

describe('a clone made before the newer commit was pushed', () => {
  it('fetches the newer commit from origin and says it contains the expected one', async () => {
    const workspace = await history.clone(url, { at: c3 });
    const c4 = await history.commit('c4');
    expect(await hasCommit(workspace, c4)).toBe(false);
    expect(await relate(workspace, c3, c4)).toEqual({ relation: 'contains', via: 'workspace' });
  });
});

describe('a shallow clone (fetch-depth: 1)', () => {
  it('still says a newer commit contains the expected one: that path is in what it fetched', async () => {
    const head = await history.commit('pushed before the checkout');
    const workspace = await history.clone(url, { depth: 1, at: head });
    const newer = await history.commit('pushed after the checkout');
    expect(await relate(workspace, head, newer)).toEqual({ relation: 'contains', via: 'workspace' });
  });

  it('does not call an older commit diverged: its cut history cannot show the path, so it cannot tell', async () => {
    const workspace = await history.clone(url, { depth: 1, at: c3 });
    const relation = await relate(workspace, c3, c1);
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation !== 'unknown') return;
    expect(relation.why).toContain('shallow');
    expect(relation.fix).toContain('fetch-depth: 0');
  });
});

describe('a workspace that cannot answer', () => {
  it('is not a clone of the source repository', async () => {
    const other = await GitHistory.create('other');
    try {
      await other.commit('another repository');
      const workspace = await other.clone(other.bareDir);
      const relation = await relate(workspace, c2, c3);
      expect(relation).toMatchObject({ relation: 'unknown' });
      if (relation.relation !== 'unknown') return;
      expect(relation.why).toMatch(/holds a checkout of \S*other(\.git)?, not of 127\.0\.0\.1:\d+\/fleet/);
      expect(relation.fix).toContain('fetch-depth: 0');
    } finally {
      await other.remove();
    }
  });

  it('is not a git repository, even inside one', async () => {
    const plain = await mkdtemp(join(history.projectRoot, '..', 'plain-'));
    expect(await relate(plain, c2, c3)).toMatchObject({
      relation: 'unknown',
      why: expect.stringContaining('not a git checkout'),
    });
    const clone = await history.clone(url);
    const inside = join(clone, 'sub');
    await mkdir(inside);
    expect(await relate(inside, c2, c3)).toMatchObject({
      relation: 'unknown',
      why: expect.stringContaining('not a git checkout'),
    });
  });

  it('is not set, or does not exist', async () => {
    expect(await relate(undefined, c2, c3)).toMatchObject({
      relation: 'unknown',
      why: expect.stringContaining('GITHUB_WORKSPACE'),
    });
    expect(await relate('/nonexistent/workspace', c2, c3)).toMatchObject({
      relation: 'unknown',
      why: expect.stringContaining('does not exist'),
    });
  });

  it.skipIf(process.getuid?.() !== 0)(
    'belongs to another user: says how to trust it, rather than overriding git',
    async () => {
      const workspace = await history.clone(url);
      execFileSync('chown', ['-R', '65534', workspace]);
      const relation = await relate(workspace, c2, c3);
      expect(relation).toMatchObject({ relation: 'unknown' });
      if (relation.relation !== 'unknown') return;
      expect(relation.why).toContain('belongs to another user');
      expect(relation.fix).toContain('safe.directory');
    },
  );

  it('answers at once when the run has already stopped', async () => {
    const workspace = await history.clone(url);
    const relation = await relateInWorkspace({
      workspace,
      sourceUrl: url,
      expected: c2,
      fetched: c3,
      signal: AbortSignal.abort(),
    });
    expect(relation).toMatchObject({ relation: 'unknown', why: expect.stringContaining('stopped') });
  });
});

describe('a private repository (the server wants the credentials actions/checkout stored)', () => {
  const TOKEN = 'ghs_checkoutToken123';
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
  let proxy: AuthProxy;
  let privateUrl: string;
  beforeAll(async () => {
    proxy = await startAuthProxy(server.url, header.slice('AUTHORIZATION: '.length));
    privateUrl = `${proxy.url}/fleet.git`;
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('fetches the missing commit with the extraheader actions/checkout left in the local config', async () => {
    const workspace = await history.clone(privateUrl, { at: c2, extraHeader: header });
    const newer = await history.commit('pushed after a private checkout');
    const before = proxy.requests.length;
    expect(await relate(workspace, c2, newer, privateUrl)).toEqual({
      relation: 'contains',
      via: 'workspace',
    });
    const fetches = proxy.requests.slice(before);
    expect(fetches.length).toBeGreaterThan(0);
    expect(fetches.every((r) => r.authorized)).toBe(true);
  });

  it('without those credentials (persist-credentials: false) fails at once, without prompting or leaking', async () => {
    const workspace = await history.clone(privateUrl, { at: c2, extraHeader: header });
    await git(workspace, ['config', '--local', '--unset-all', `http.${proxy.url}/.extraheader`]);
    const newer = await history.commit('pushed after a checkout without credentials');
    const relation = await relate(workspace, c2, newer, privateUrl);
    expect(relation).toMatchObject({ relation: 'unknown' });
    if (relation.relation !== 'unknown') return;
    expect(relation.why).toMatch(/could not get it: .*(Authentication failed|could not read Username)/);
    expect(relation.fix).toContain('persist-credentials');
    expect(JSON.stringify(relation)).not.toContain(TOKEN);
  });

  it('never repeats credentials written into the remote URL', async () => {
    const workspace = await history.clone(privateUrl, { at: c2, extraHeader: header });
    await git(workspace, ['config', '--local', '--unset-all', `http.${proxy.url}/.extraheader`]);
    const withPassword = privateUrl.replace('http://', 'http://x-access-token:ghs_staleInUrl@');
    await git(workspace, ['remote', 'set-url', 'origin', withPassword]);
    const newer = await history.commit('pushed after a checkout with a stale password in its URL');
    const relation = await relate(workspace, c2, newer, privateUrl);
    expect(relation).toMatchObject({ relation: 'unknown' });
    expect(JSON.stringify(relation)).not.toContain('ghs_staleInUrl');
  });
});

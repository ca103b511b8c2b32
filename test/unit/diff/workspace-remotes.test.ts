import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remoteUrls, workspaceRemotes } from '../../../src/diff/workspace-remotes.js';

const CONFIG = `[core]
\trepositoryformatversion = 0
[remote "origin"]
\turl = https://github.com/org/fleet
\tfetch = +refs/heads/*:refs/remotes/origin/*
[branch "main"]
\turl = https://not-a-remote.example.com/x
[remote "upstream"]
\turl = "git@github.com:upstream/fleet.git"
`;

describe('remoteUrls', () => {
  it('reads the url of every remote section and nothing else', () => {
    expect(remoteUrls(CONFIG)).toEqual(['https://github.com/org/fleet', 'git@github.com:upstream/fleet.git']);
  });
});

describe('workspaceRemotes', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remotes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads .git/config of a checkout', async () => {
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'config'), CONFIG);
    expect(workspaceRemotes(dir, {})).toHaveLength(2);
  });

  it('follows a .git file to a worktree and its common directory', async () => {
    const common = join(dir, 'main.git');
    await mkdir(join(common, 'worktrees', 'wt'), { recursive: true });
    await writeFile(join(common, 'config'), CONFIG);
    await writeFile(join(common, 'worktrees', 'wt', 'commondir'), '../..\n');
    const checkout = join(dir, 'wt');
    await mkdir(checkout);
    await writeFile(join(checkout, '.git'), `gitdir: ${join(common, 'worktrees', 'wt')}\n`);
    expect(workspaceRemotes(checkout, {})[0]).toBe('https://github.com/org/fleet');
  });

  it('falls back to the repository the workflow runs for when there is no .git', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com/', GITHUB_REPOSITORY: 'org/fleet' };
    expect(workspaceRemotes(dir, env)).toEqual(['https://github.com/org/fleet']);
    expect(workspaceRemotes(dir, {})).toEqual([]);
  });
});

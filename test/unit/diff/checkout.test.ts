import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCheckout } from '../../../src/diff/checkout.js';
import { ConfigError } from '../../../src/inputs/types.js';

let workspace = '';
beforeAll(async () => {
  workspace = await realpath(await mkdtemp(join(tmpdir(), 'workspace-')));
  await mkdir(join(workspace, '.git'));
  await writeFile(
    join(workspace, '.git', 'config'),
    '[remote "origin"]\n\turl = https://github.com/org/fleet\n',
  );
  await mkdir(join(workspace, 'fleet'));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('resolveCheckout', () => {
  it('is the workspace and its remotes when path-root is empty', () => {
    expect(resolveCheckout('', { GITHUB_WORKSPACE: workspace })).toEqual({
      root: workspace,
      given: false,
      remotes: ['https://github.com/org/fleet'],
    });
  });

  it('is path-root, relative to the workspace, for every source', () => {
    expect(resolveCheckout('./fleet', { GITHUB_WORKSPACE: workspace })).toEqual({
      root: join(workspace, 'fleet'),
      given: true,
      remotes: [],
    });
  });

  it('refuses a path-root that is not a folder, naming the input', () => {
    let caught: unknown;
    try {
      resolveCheckout('./clusters', { GITHUB_WORKSPACE: workspace });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).inputs).toEqual(['path-root']);
    expect((caught as ConfigError).message).toMatch(
      /^Input 'path-root' must be a folder of the checkout, such as \. or \.\/fleet; "\.\/clusters" is not one/,
    );
  });
});

// The inputs that report back to GitHub, read through readConfig as the runner passes them.
import { describe, expect, it } from 'vitest';
import { ConfigError, type InputName, readConfig } from '../../../src/inputs/read.js';

function read(values: Partial<Record<InputName, string>>) {
  const warnings: string[] = [];
  const config = readConfig(
    (name) => values[name as InputName] ?? '',
    (message) => warnings.push(message),
  );
  return { github: config.github, warnings };
}

function errorOf(values: Partial<Record<InputName, string>>): string {
  try {
    read(values);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

const APPS = { resources: 'kustomization/apps' };

describe('GitHub report inputs', () => {
  it('are read with the token', () => {
    const { github, warnings } = read({
      ...APPS,
      'github-deployment': ' production ',
      'environment-url': 'https://shop.example.com',
      'commit-status': 'true',
      'status-context': 'prod-eu',
      'pr-comment': 'true',
      'pr-number': '42',
      token: 'ghs_x',
    });
    expect(github).toEqual({
      deployment: 'production',
      environmentUrl: 'https://shop.example.com',
      commitStatus: true,
      statusContext: 'prod-eu',
      prComment: true,
      prNumber: 42,
      token: 'ghs_x',
    });
    expect(warnings).toEqual([]);
  });

  it('refuse bad values, naming the input and a right value', () => {
    expect(errorOf({ 'pr-number': '#12' })).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the message shows
      "Input 'pr-number' must be a pull request number such as 42 (e.g. ${{ github.event.number }}); got '#12'.",
    );
    expect(errorOf({ 'environment-url': 'shop.example.com' })).toBe(
      "Input 'environment-url' must be an http(s) URL such as https://shop.example.com; got 'shop.example.com'.",
    );
    expect(errorOf({ 'environment-url': 'https://user:hunter2@shop.example.com' })).toMatch(
      /^Input 'environment-url' must not hold a user name or password/,
    );
    expect(errorOf({ 'environment-url': 'https://user:hunter2@shop.example.com' })).not.toContain('hunter2');
    expect(errorOf({ 'commit-status': 'yes' })).toBe(
      "Input 'commit-status' must be true or false; got 'yes'.",
    );
    expect(errorOf({ 'github-deployment': 'x'.repeat(256) })).toMatch(
      /^Input 'github-deployment' must be one line of at most 255 characters, such as production/,
    );
  });

  it('warn when they cannot act', () => {
    expect(read({ ...APPS, 'environment-url': 'https://x.example.com' }).warnings).toEqual([
      "Input 'environment-url' is the link of the GitHub Deployment, and 'github-deployment' is empty; set it to an environment name such as production.",
    ]);
    expect(read({ ...APPS, 'pr-number': '3' }).warnings).toEqual([
      "Input 'pr-number' has no effect without 'pr-comment: true'.",
    ]);
    expect(read({ ...APPS, command: 'suspend', 'commit-status': 'true' }).warnings).toEqual([
      "Inputs 'github-deployment', 'commit-status' and 'pr-comment' report a reconcile or a wait; 'command' is suspend, which deploys nothing, so nothing is posted to GitHub.",
    ]);
    expect(read({ ...APPS, command: 'diff', 'pr-comment': 'true' }).warnings).toContain(
      "Inputs 'github-deployment', 'commit-status' and 'pr-comment' report a reconcile or a wait; 'command' is diff, which deploys nothing, so nothing is posted to GitHub.",
    );
    expect(read({ 'pr-comment': 'true' }).warnings).toEqual([
      "Inputs 'github-deployment', 'commit-status' and 'pr-comment' report a reconcile or a wait; 'resources' is empty, so nothing is posted to GitHub.",
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { diffArgs, outcomeOf } from '../../../src/diff/flux-diff.js';
import { diffFixture, programRunOf } from './fixtures.js';

const ROOT = '/home/runner/work/fleet/fleet';
const outcome = (name: string) => outcomeOf(programRunOf(diffFixture(name, ROOT)), './app', ROOT, 60_000);

describe('outcomeOf: the exit status of the real CLI', () => {
  it('0 is no change', () => {
    expect(outcome('no-change')).toEqual({ state: 'unchanged', path: './app', changes: [] });
    expect(outcome('skipped')).toMatchObject({ state: 'unchanged', changes: [{ change: 'skipped' }] });
  });

  it('1 with the CLI warning is changes, drift included', () => {
    expect(outcome('changes')).toMatchObject({ state: 'changed', path: './app' });
    expect(outcome('cluster-drift')).toMatchObject({ state: 'changed', changes: [{ name: 'keep' }] });
  });

  it('a build error is a failure in the CLI words, with the checkout path made relative', () => {
    const result = outcome('build-error');
    expect(result).toMatchObject({ state: 'failed', changes: [] });
    expect(result.state === 'failed' && result.message).toBe(
      "failed to generate kustomization.yaml: failed to decode Kubernetes YAML from ./broken/keep.yaml: MalformedYAMLError: yaml: line 5: did not find expected ',' or ']' <nil>",
    );
  });

  it('an object the API server refuses, and a Kustomization that does not exist, are failures', () => {
    const rejected = outcome('dry-run-rejected');
    expect(rejected.state === 'failed' && rejected.message).toMatch(
      /^ConfigMap\/diffs-[0-9a-f]+\/Not_A_Valid_Name dry-run failed \(Invalid\): ConfigMap "Not_A_Valid_Name" is invalid/,
    );
    const missing = outcome('kustomization-not-found');
    expect(missing.state === 'failed' && missing.message).toBe(
      'failed to get kustomization object: kustomizations.kustomize.toolkit.fluxcd.io "does-not-exist" not found',
    );
  });

  it('exit 1 without the changes warning is an error (flag and argument errors exit 1 too)', () => {
    const result = outcomeOf(
      {
        exitCode: 1,
        stdout: '',
        stderr: '✗ unknown flag: --in-memory-build\n',
        timedOut: false,
        aborted: false,
      },
      './app',
      ROOT,
      60_000,
    );
    expect(result).toEqual({
      state: 'failed',
      path: './app',
      message: 'unknown flag: --in-memory-build',
      changes: [],
    });
  });

  it('a run killed at the deadline says so, and keeps what it had printed', () => {
    const result = outcomeOf(
      { exitCode: null, stdout: '► ConfigMap/a/b created\n', stderr: '', timedOut: true, aborted: false },
      './app',
      ROOT,
      90_000,
    );
    expect(result).toEqual({
      state: 'failed',
      path: './app',
      message: 'The diff did not finish within the timeout (1m30s); raise `timeout`.',
      changes: [{ kind: 'ConfigMap', namespace: 'a', name: 'b', change: 'created' }],
    });
  });

  it('a silent failure says how the CLI ended', () => {
    const result = outcomeOf(
      { exitCode: 137, stdout: '', stderr: '', timedOut: false, aborted: false },
      './',
      ROOT,
      1,
    );
    expect(result.state === 'failed' && result.message).toBe(
      'flux exited with status 137 and printed nothing',
    );
  });
});

describe('diffArgs', () => {
  it('names the Kustomization, its namespace, the folder, the context and the kubeconfig, as separate arguments', () => {
    const args = diffArgs(
      { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      '/w/fleet/apps dir',
      {
        fluxPath: '/t/flux',
        context: 'prod',
        kubeconfigPath: '/tmp/kc',
        inMemoryBuild: true,
        root: '/w/fleet',
      },
      90_500,
    );
    expect(args).toEqual([
      'diff',
      'kustomization',
      'apps',
      '--namespace',
      'flux-system',
      '--path',
      '/w/fleet/apps dir',
      '--progress-bar=false',
      '--timeout',
      '90s',
      '--context',
      'prod',
      '--in-memory-build',
      '--kubeconfig',
      '/tmp/kc',
    ]);
  });

  it('leaves out --kubeconfig for the ambient config and --in-memory-build for a CLI without it', () => {
    const args = diffArgs(
      { kind: 'Kustomization', namespace: 'a', name: 'b' },
      '/x',
      { fluxPath: 'flux', context: 'c', inMemoryBuild: false, root: '/' },
      200,
    );
    expect(args).not.toContain('--kubeconfig');
    expect(args).not.toContain('--in-memory-build');
    expect(args[args.indexOf('--timeout') + 1]).toBe('1s');
  });
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDiffOutput } from '../../../src/diff/parse.js';
import { diffFixture, FIXTURE_NAMES } from './fixtures.js';

// What the capture wrote into the cluster's Secret and into the branch: never in any output.
const SECRET_VALUES = ['fixture-secret-value-v1', 'fixture-secret-value-v2'];

describe('parseDiffOutput on the real CLI output', () => {
  it('has a test for every captured fixture', () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'fixtures', 'diff')).map((f) =>
      f.replace(/\.json$/, ''),
    );
    expect(files.sort()).toEqual([...FIXTURE_NAMES].sort());
  });

  it('reads created, configured (drifted) and deleted objects with their kind, namespace and name', () => {
    const { namespace: ns, stdout } = diffFixture('changes');
    const changes = parseDiffOutput(stdout);
    expect(changes.map((c) => [c.change, c.kind, c.namespace, c.name])).toEqual([
      ['created', 'ConfigMap', ns, 'added'],
      ['configured', 'ConfigMap', ns, 'change'],
      ['configured', 'Namespace', '', ns],
      ['configured', 'Secret', ns, 'creds'],
      ['deleted', 'ConfigMap', ns, 'remove'],
    ]);
  });

  it('keeps each configured object its own diff, without the blank lines around it', () => {
    const changes = parseDiffOutput(diffFixture('changes').stdout);
    const change = changes.find((c) => c.name === 'change')!;
    expect(change.diff).toBe(
      [
        'data.mode',
        '± value change',
        '- blue',
        '+ green',
        '',
        'data.settings.ini',
        '± value change in multiline text (two inserts, one deletion)',
        '- b=2',
        '+ b=20',
        '+ d=4',
        '',
        '',
        'data.v',
        '± value change',
        '- 1',
        '+ 2',
      ].join('\n'),
    );
    expect(changes.find((c) => c.kind === 'Namespace')!.diff).toMatch(
      /^metadata\.labels\n\+ two map entries added:/,
    );
    expect(changes.filter((c) => c.change !== 'configured').every((c) => c.diff === undefined)).toBe(true);
  });

  it('shows a Secret change only as masks, as the CLI prints it', () => {
    const fixture = diffFixture('changes');
    const creds = parseDiffOutput(fixture.stdout).find((c) => c.kind === 'Secret')!;
    expect(creds.diff).toBe('data.password\n± value change\n- *** (before)\n+ *** (after)');
    for (const name of FIXTURE_NAMES) {
      const text = JSON.stringify(diffFixture(name));
      for (const value of SECRET_VALUES) {
        expect(text).not.toContain(value);
        expect(text).not.toContain(Buffer.from(value).toString('base64'));
      }
    }
  });

  it('reads drift in the cluster as a configured object', () => {
    const { namespace: ns, stdout } = diffFixture('cluster-drift');
    expect(parseDiffOutput(stdout)).toEqual([
      {
        kind: 'ConfigMap',
        namespace: ns,
        name: 'keep',
        change: 'configured',
        diff: 'data.v\n± value change\n- edited-by-hand\n+ 1',
      },
    ]);
  });

  it('reads a skipped object, even the one the CLI names by its kind alone', () => {
    expect(parseDiffOutput(diffFixture('skipped').stdout)).toEqual([
      { kind: 'ConfigMap', namespace: '', name: '', change: 'skipped' },
    ]);
  });

  it('finds nothing in the output of a diff without changes or one that failed', () => {
    for (const name of ['no-change', 'build-error', 'kustomization-not-found']) {
      expect(parseDiffOutput(diffFixture(name).stdout), name).toEqual([]);
    }
  });

  it('ignores colour codes and Windows line ends', () => {
    const coloured =
      '\u001b[32m► ConfigMap/a/b created\u001b[0m\r\n► ConfigMap/a/c drifted\r\n\r\ndata.v\r\n± value change\r\n';
    expect(parseDiffOutput(coloured)).toEqual([
      { kind: 'ConfigMap', namespace: 'a', name: 'b', change: 'created' },
      { kind: 'ConfigMap', namespace: 'a', name: 'c', change: 'configured', diff: 'data.v\n± value change' },
    ]);
  });

  it('does not take a changed value that looks like an object line for one', () => {
    const output =
      '► ConfigMap/a/c drifted\n\ndata.script\n± value change in multiline text\n+ ► Secret/a/x deleted\n';
    const changes = parseDiffOutput(output);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.diff).toContain('+ ► Secret/a/x deleted');
  });
});

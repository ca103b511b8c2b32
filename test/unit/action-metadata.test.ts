import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionMetadata,
  checkActionMetadata,
  readActionMetadata,
  repoRoot,
} from '../../scripts/action-metadata.mjs';

const valid = (): ActionMetadata => ({
  name: 'Flux Reconcile',
  description: 'Reconcile Flux objects.',
  branding: { icon: 'refresh-cw', color: 'blue' },
  inputs: {
    resources: { description: 'The objects.', required: false, default: '' },
    'with-source': { description: 'Sources first.', default: 'false' },
  },
  outputs: { ready: { description: 'true or false' } },
  runs: { using: 'node24', main: 'dist/index.js', post: 'dist/post.js' },
});

describe('action.yml of this repository', () => {
  it('is valid YAML and passes every check', () => {
    const meta = readActionMetadata(join(repoRoot, 'action.yml'));
    expect(checkActionMetadata(meta, repoRoot)).toEqual([]);
  });
});

describe('checkActionMetadata', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'action-metadata-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/index.js'), '');
    writeFileSync(join(root, 'dist/post.js'), '');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a complete node24 action whose entry points exist', () => {
    expect(checkActionMetadata(valid(), root)).toEqual([]);
  });

  it('requires runs.using node24', () => {
    const meta = valid();
    meta.runs = { using: 'node20', main: 'dist/index.js' };
    expect(checkActionMetadata(meta, root)).toEqual(['runs.using: must be node24 (found "node20")']);
  });

  it('says to bundle when an entry point is missing', () => {
    const meta = valid();
    meta.runs = { using: 'node24', main: 'dist/main.js' };
    expect(checkActionMetadata(meta, root)).toEqual([
      'runs.main: dist/main.js does not exist: run `npm run bundle` and commit dist/',
    ]);
  });

  it('requires a description for every input and output', () => {
    const meta = valid();
    meta.inputs = { ...meta.inputs, timeout: { default: '5m' } };
    meta.outputs = { ...meta.outputs, failed: { description: '  ' } };
    expect(checkActionMetadata(meta, root)).toEqual([
      'inputs.timeout.description: required, a non-empty string',
      'outputs.failed.description: required, a non-empty string',
    ]);
  });

  it('refuses an unquoted default, which YAML reads as a boolean or a number', () => {
    const meta = valid();
    meta.inputs = { force: { description: 'Force.', default: false } };
    expect(checkActionMetadata(meta, root)).toEqual([
      "inputs.force.default: must be a string: quote it, e.g. 'false'",
    ]);
  });

  it('refuses keys the runner does not know, and `value` on a JavaScript action output', () => {
    const meta = valid();
    meta.inputs = { resources: { description: 'x', requried: true } as never };
    meta.outputs = { ready: { description: 'x', value: `\${{ steps.a.outputs.b }}` } as never };
    meta.imports = 'x';
    expect(checkActionMetadata(meta, root)).toEqual([
      'imports: unknown top-level key (allowed: name, author, description, inputs, outputs, runs, branding)',
      'inputs.resources.requried: unknown key (allowed: description, required, default, deprecationMessage)',
      'outputs.ready.value: unknown key for a JavaScript action (only description)',
    ]);
  });

  it('wants kebab-case names and a Marketplace branding color', () => {
    const meta = valid();
    meta.inputs = { withSource: { description: 'x' } };
    meta.branding = { icon: 'refresh-cw', color: 'teal' };
    const problems = checkActionMetadata(meta, root);
    expect(problems).toContain(
      'inputs.withSource: input names are lower-case kebab-case, e.g. `with-source`',
    );
    expect(problems.some((p) => p.startsWith('branding.color: must be one of white, black'))).toBe(true);
  });

  it('requires name and description', () => {
    const meta = valid();
    delete meta.name;
    meta.description = '';
    expect(checkActionMetadata(meta, root)).toEqual([
      'name: required, a non-empty string',
      'description: required, a non-empty string',
    ]);
  });
});

describe('readActionMetadata', () => {
  it('names the file and the line when the YAML does not parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-metadata-'));
    try {
      const path = join(dir, 'action.yml');
      // A plain scalar may not contain ": " — the runner's parser refuses this too.
      writeFileSync(
        path,
        'name: x\ninputs:\n  context:\n    description: The context. Empty: the default.\n',
      );
      expect(() => readActionMetadata(path)).toThrow(`${path}: not valid YAML:`);
      expect(() => readActionMetadata(path)).toThrow('line 4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

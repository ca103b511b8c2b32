import { describe, expect, it } from 'vitest';
import type { ActionMetadata } from '../../scripts/action-metadata.mjs';
import { expectedReadme, renderInputsTable, renderOutputsTable, renderReadme } from '../../scripts/docs.mjs';

const meta: ActionMetadata = {
  inputs: {
    resources: {
      description: 'Kinds: kustomization|ks, helmrelease|hr.\nEmpty: install only.',
      required: false,
      default: '',
    },
    'download-url': {
      description: 'Laid out like <base>/v<version>/ (`<base>/v<version>/flux_<version>.tar.gz`).',
      default: 'https://example.com/a|b',
    },
    kubeconfig: { description: 'A kubeconfig.', required: true },
  },
  outputs: {
    ready: { description: '`true` or `false`.' },
  },
};

const skeleton = [
  '# Title',
  '<!-- inputs:start -->',
  'stale',
  '<!-- inputs:end -->',
  'between',
  '<!-- outputs:start -->',
  '<!-- outputs:end -->',
  '<!-- example:start examples/a.yml -->',
  'old example',
  '<!-- example:end -->',
  'end',
].join('\n');

const examples: Record<string, string> = { 'examples/a.yml': 'on: push\njobs: {}\n' };
const readExample = (path: string): string => {
  const text = examples[path];
  if (text === undefined) throw new Error(`no ${path}`);
  return text;
};

describe('README.md', () => {
  it('has the inputs and outputs tables and the examples that `npm run docs` writes', () => {
    const { current, expected } = expectedReadme();
    // On failure: run `npm run docs` and commit README.md.
    expect(current).toBe(expected);
  });
});

describe('renderInputsTable', () => {
  const table = renderInputsTable(meta);
  const rows = table.split('\n');

  it('writes a header and one row per input, in action.yml order', () => {
    expect(rows[0]).toBe('| Input | Description | Default |');
    expect(rows.slice(2).map((row) => row.split(' | ')[0])).toEqual([
      '| `resources`',
      '| `download-url`',
      '| `kubeconfig`',
    ]);
  });

  it('keeps each row on one line and escapes pipes so the table does not break', () => {
    expect(rows).toHaveLength(5);
    expect(rows[2]).toBe(
      '| `resources` | Kinds: kustomization\\|ks, helmrelease\\|hr. Empty: install only. | *(empty)* |',
    );
    expect(rows[3]).toContain('| `https://example.com/a\\|b` |');
  });

  it('escapes < outside code spans only, so placeholders are not taken for HTML', () => {
    expect(rows[3]).toContain(
      'Laid out like &lt;base>/v&lt;version>/ (`<base>/v<version>/flux_<version>.tar.gz`)',
    );
  });

  it('marks required inputs and leaves their default empty', () => {
    expect(rows[4]).toBe('| `kubeconfig` | **Required.** A kubeconfig. |  |');
  });
});

describe('renderOutputsTable', () => {
  it('writes one row per output', () => {
    expect(renderOutputsTable(meta).split('\n')).toEqual([
      '| Output | Description |',
      '| --- | --- |',
      '| `ready` | `true` or `false`. |',
    ]);
  });
});

describe('renderReadme', () => {
  const rendered = renderReadme(skeleton, { meta, readExample });

  it('replaces only what is between the markers', () => {
    expect(rendered).not.toContain('stale');
    expect(rendered).not.toContain('old example');
    expect(rendered.startsWith('# Title\n<!-- inputs:start -->\n| Input |')).toBe(true);
    expect(rendered).toContain('<!-- inputs:end -->\nbetween\n<!-- outputs:start -->\n| Output |');
    expect(rendered).toContain(
      '<!-- example:start examples/a.yml -->\n```yaml\non: push\njobs: {}\n```\n<!-- example:end -->\nend',
    );
  });

  it('is stable: rendering a rendered README changes nothing', () => {
    expect(renderReadme(rendered, { meta, readExample })).toBe(rendered);
  });

  it('changes when action.yml gains an input, so a README left behind fails the test above', () => {
    const grown: ActionMetadata = {
      ...meta,
      inputs: { ...meta.inputs, 'new-input': { description: 'New.', default: 'x' } },
    };
    const regenerated = renderReadme(rendered, { meta: grown, readExample });
    expect(regenerated).not.toBe(rendered);
    expect(regenerated).toContain('| `new-input` | New. | `x` |');
  });

  it('changes when an example file changes', () => {
    examples['examples/a.yml'] = 'on: pull_request\njobs: {}\n';
    try {
      expect(renderReadme(rendered, { meta, readExample })).toContain('```yaml\non: pull_request\n');
    } finally {
      examples['examples/a.yml'] = 'on: push\njobs: {}\n';
    }
  });

  it('names the markers to add when one is missing', () => {
    const noOutputs = skeleton.replace('<!-- outputs:end -->', '');
    expect(() => renderReadme(noOutputs, { meta, readExample })).toThrow(
      'README.md: add the markers <!-- outputs:start --> and <!-- outputs:end -->',
    );
  });

  it('refuses a marker that appears twice', () => {
    const twice = `${skeleton}\n<!-- inputs:start -->\n<!-- inputs:end -->`;
    expect(() => renderReadme(twice, { meta, readExample })).toThrow('must appear once each');
  });

  it('refuses an example marker without its end', () => {
    const unpaired = `${skeleton}\n<!-- example:start examples/a.yml -->\ntext`;
    expect(() => renderReadme(unpaired, { meta, readExample })).toThrow('has no `<!-- example:end -->`');
  });

  it('passes on the error for an example that cannot be read', () => {
    const missing = skeleton.replace('examples/a.yml', 'examples/missing.yml');
    expect(() => renderReadme(missing, { meta, readExample })).toThrow('no examples/missing.yml');
  });
});

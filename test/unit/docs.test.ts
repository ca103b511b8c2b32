import { describe, expect, it } from 'vitest';
import type { ActionMetadata } from '../../scripts/action-metadata.mjs';
import {
  documentationFiles,
  documentationProblems,
  expectedDocs,
  headingSlug,
  linkProblems,
  markdownAnchors,
  markdownLinks,
  navigationProblems,
  renderExamples,
  renderInputsTable,
  renderOutputsTable,
  renderReadme,
} from '../../scripts/docs.mjs';

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

describe('the documentation (README.md and docs/*.md)', () => {
  it('has the tables and the examples that `npm run docs` writes', () => {
    const pages = expectedDocs();
    // README.md and the pages under docs/ were all read.
    expect(pages.map(({ path }) => path)).toEqual(documentationFiles());
    expect(pages.length).toBeGreaterThan(10);
    for (const { path, current, expected } of pages) {
      // On failure: run `npm run docs` and commit the page.
      expect(current, path).toBe(expected);
    }
  });

  it('has no broken relative link, and every docs page is linked from the README and back', () => {
    expect(documentationProblems()).toEqual([]);
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

describe('renderExamples', () => {
  const page = ['# Page', '<!-- example:start examples/a.yml -->', 'old', '<!-- example:end -->', ''].join(
    '\n',
  );

  it('rewrites the examples of a docs page, which has no inputs or outputs table', () => {
    expect(renderExamples(page, { readExample, path: 'docs/page.md' })).toBe(
      '# Page\n<!-- example:start examples/a.yml -->\n```yaml\non: push\njobs: {}\n```\n<!-- example:end -->\n',
    );
  });

  it('names the page whose example marker is unpaired', () => {
    expect(() =>
      renderExamples(`${page}<!-- example:start examples/a.yml -->\n`, { readExample, path: 'docs/page.md' }),
    ).toThrow('docs/page.md: an `<!-- example:start PATH -->` marker has no `<!-- example:end -->`');
  });
});

describe('headingSlug', () => {
  it.each([
    ['Quick start', 'quick-start'],
    ['Why not `flux reconcile` in a `run:` step?', 'why-not-flux-reconcile-in-a-run-step'],
    [
      "After merge, with a Deployment and the environment's address",
      'after-merge-with-a-deployment-and-the-environments-address',
    ],
    ['Trees: what a Kustomization applied is judged too', 'trees-what-a-kustomization-applied-is-judged-too'],
    ['The `changed` and `changes` outputs', 'the-changed-and-changes-outputs'],
    ['See [Inputs](#inputs) & more', 'see-inputs--more'],
    ['❌ flux-reconcile reconcile: 2 of 4', '-flux-reconcile-reconcile-2-of-4'],
    ['snake_case Ünïcode', 'snake_case-ünïcode'],
  ])('%s → %s', (heading, slug) => {
    expect(headingSlug(heading)).toBe(slug);
  });
});

describe('markdownAnchors', () => {
  it('numbers repeated headings as GitHub does, skips code blocks and reads explicit ids', () => {
    const markdown = [
      '# Usage',
      '## Usage',
      '### Usage ###',
      '```yaml',
      '# Not a heading',
      '```',
      '> ## Quoted',
      '<a id="custom-place"></a>',
      '~~~',
      '## Also not',
      '~~~',
    ].join('\n');
    expect([...markdownAnchors(markdown)].sort()).toEqual(
      ['custom-place', 'quoted', 'usage', 'usage-1', 'usage-2'].sort(),
    );
  });
});

describe('markdownLinks', () => {
  it('finds inline links, images, badges, reference definitions and HTML links outside code, with their lines', () => {
    const markdown = [
      'See [a](docs/a.md) and [b](#b "title").', // 1
      '[![CI](https://ci.example/badge.svg)](LICENSE)', // 2
      '`[not](a-link.md)` and <img src="images/x.png">', // 3
      '```', // 4
      '[inside](code.md)', // 5
      '```', // 6
      '[ref]: ../README.md', // 7
    ].join('\n');
    expect(markdownLinks(markdown)).toEqual([
      { line: 1, target: 'docs/a.md' },
      { line: 1, target: '#b' },
      { line: 2, target: 'https://ci.example/badge.svg' },
      { line: 2, target: 'LICENSE' },
      { line: 3, target: 'images/x.png' },
      { line: 7, target: '../README.md' },
    ]);
  });
});

describe('linkProblems', () => {
  const files: Record<string, string> = {
    'README.md': '# Title\n## Inputs\nSee [the trees](docs/trees.md#follow) and [inputs](#inputs).\n',
    'docs/trees.md':
      '# Trees\n## Follow\n[Back](../README.md#inputs) · [examples](../examples/) · [site](https://fluxcd.io)\n',
    'examples/a.yml': 'on: push\n',
  };
  const read = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Error(`no ${path}`);
    return text;
  };
  const exists = (path: string): boolean =>
    path in files || Object.keys(files).some((file) => file.startsWith(`${path}/`));

  it('accepts links to files, folders and headings that exist, and leaves other sites alone', () => {
    expect(linkProblems(['README.md', 'docs/trees.md'], { read, exists })).toEqual([]);
  });

  it('reports a missing file, a missing heading and a path out of the repository, at the line of the link', () => {
    files['docs/bad.md'] = [
      '# Bad',
      '[gone](gone.md)',
      '[heading](../README.md#outputs) [here](#nowhere)',
      '[out](../../etc/passwd)',
    ].join('\n');
    try {
      expect(linkProblems(['docs/bad.md'], { read, exists })).toEqual([
        'docs/bad.md:2: link gone.md: docs/gone.md does not exist',
        'docs/bad.md:3: link ../README.md#outputs: README.md has no heading or id with the anchor #outputs',
        'docs/bad.md:3: link #nowhere: docs/bad.md has no heading or id with the anchor #nowhere',
        'docs/bad.md:4: link ../../etc/passwd: points outside the repository',
      ]);
    } finally {
      delete files['docs/bad.md'];
    }
  });

  it('asks for a docs page to be linked from the README and to link back', () => {
    files['docs/lonely.md'] = '# Lonely\nNo way home.\n';
    try {
      expect(navigationProblems(['README.md', 'docs/trees.md', 'docs/lonely.md'], read)).toEqual([
        'README.md: add a link to docs/lonely.md',
        'docs/lonely.md: add a link back to the README (../README.md)',
      ]);
    } finally {
      delete files['docs/lonely.md'];
    }
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActionMetadata } from '../../scripts/action-metadata.mjs';
import { repoRoot } from '../../scripts/action-metadata.mjs';
import { documentationFiles } from '../../scripts/docs.mjs';
import {
  ACTION_REPOSITORY,
  checkUsage,
  lintMarkdown,
  lintRepository,
  lintWorkflow,
  markdownSnippets,
} from '../../scripts/lint-actions.mjs';

const meta: ActionMetadata = {
  inputs: { resources: { description: 'x' }, revision: { description: 'x' } },
  outputs: { ready: { description: 'x' }, revisions: { description: 'x' } },
};

const workflow = (steps: string): string =>
  ['on: push', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', '    steps:', steps].join('\n');

describe('the repository', () => {
  it('has clean workflows, examples, documentation snippets and action.yml', async () => {
    const { problems, files, snippets, pages } = await lintRepository();
    expect(problems).toEqual([]);
    // The workflows under .github/workflows and examples/, and the step snippets of README.md and of every
    // page under docs/, were all read.
    expect(files).toBeGreaterThanOrEqual(8);
    expect(Object.keys(pages)).toEqual(documentationFiles());
    expect(pages['README.md']).toBeGreaterThanOrEqual(1);
    expect(pages['docs/trees.md']).toBeGreaterThanOrEqual(1);
    expect(snippets).toBeGreaterThanOrEqual(4);
  });

  it('reports a broken snippet in a docs page at its line in that page', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lint-docs-'));
    try {
      copyFileSync(join(repoRoot, 'action.yml'), join(root, 'action.yml'));
      writeFileSync(join(root, 'README.md'), '# Title\n');
      mkdirSync(join(root, 'docs'));
      const page = ['# Page', '', '```yaml', `- run: echo \${{ matrix.os }}`, '```', ''].join('\n');
      writeFileSync(join(root, 'docs', 'page.md'), page);
      const { problems, pages } = await lintRepository(root);
      expect(pages).toEqual({ 'README.md': 0, 'docs/page.md': 1 });
      const inPage = problems.filter((problem) => problem.startsWith('docs/'));
      expect(inPage).toHaveLength(1);
      expect(inPage[0]).toMatch(/^docs\/page\.md:4:\d+: property "os" is not defined/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('lintWorkflow', () => {
  it('passes a correct workflow', async () => {
    const text = workflow(`      - uses: actions/checkout@v6\n      - run: echo "\${{ github.sha }}"`);
    expect(await lintWorkflow(text, 'ok.yml', meta)).toEqual([]);
  });

  it("reports actionlint's findings with file, line and column", async () => {
    const text = workflow(
      `      - run: echo "\${{ github.event.head_commit.message }}"\n      - run: echo \${{ matrix.os }}`,
    );
    const problems = await lintWorkflow(text, 'bad.yml', meta);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^bad\.yml:6:\d+: .*potentially untrusted.* \[expression\]$/);
    expect(problems[1]).toMatch(/^bad\.yml:7:\d+: property "os" is not defined/);
  });

  it('reports a job without runs-on', async () => {
    const text = 'on: push\njobs:\n  a:\n    steps:\n      - run: echo\n';
    const problems = await lintWorkflow(text, 'w.yml', meta);
    expect(problems.join('\n')).toContain('"runs-on" section is missing in job "a"');
  });

  it('reports an input this action does not declare', async () => {
    const text = workflow(
      `      - uses: ${ACTION_REPOSITORY}@v1\n        with:\n          resource: ks/apps`,
    );
    expect(await lintWorkflow(text, 'w.yml', meta)).toEqual([
      'w.yml: jobs.deploy.steps[0]: input "resource" is not declared in action.yml (inputs: resources, revision)',
    ]);
  });
});

describe('checkUsage', () => {
  const steps = (uses: string, output: string) => ({
    jobs: {
      deploy: {
        steps: [
          { id: 'flux', uses, with: { resources: 'all', revision: 'abc' } },
          { run: `echo \${{ steps.flux.outputs.${output} }}` },
        ],
      },
    },
  });

  it('accepts declared inputs and outputs, for `./` and the published name', () => {
    expect(checkUsage(steps('./', 'ready'), meta)).toEqual([]);
    expect(checkUsage(steps(`${ACTION_REPOSITORY}@v1`, 'revisions'), meta)).toEqual([]);
  });

  it('reports an output this action does not declare', () => {
    expect(checkUsage(steps('./', 'revision'), meta)).toEqual([
      'jobs.deploy: steps.flux.outputs.revision is not declared in action.yml (outputs: ready, revisions)',
    ]);
  });

  it("leaves other actions' inputs and outputs to actionlint", () => {
    const other = steps('someone/else@v1', 'anything');
    other.jobs.deploy.steps[0]!.with = { anything: 'x' } as never;
    expect(checkUsage(other, meta)).toEqual([]);
  });
});

describe('markdownSnippets', () => {
  const markdown = [
    '# Title', // 1
    '```yaml', // 2
    '- uses: actions/checkout@v6', // 3
    '- run: echo hi', // 4
    '```', // 5
    '```yaml', // 6
    'apiVersion: v1', // 7
    'kind: ConfigMap', // 8
    '---', // 9
    'apiVersion: v1', // 10
    'kind: Secret', // 11
    '```', // 12
    '<!-- example:start examples/a.yml -->', // 13
    '```yaml', // 14
    'on: push', // 15
    '```', // 16
    '<!-- example:end -->', // 17
    '```yml', // 18
    'on: push', // 19
    'jobs:', // 20
    '  a:', // 21
    '    runs-on: ubuntu-latest', // 22
    '    steps: [{run: echo}]', // 23
    '```', // 24
    '```sh', // 25
    'npm test', // 26
    '```', // 27
  ].join('\n');

  it('keeps workflows and step lists, skips manifests, shell and embedded example files', () => {
    const snippets = markdownSnippets(markdown);
    expect(snippets.map((s) => [s.firstLine, s.offset])).toEqual([
      [3, 5],
      [19, 0],
    ]);
    expect(snippets[0]!.text).toContain(
      '    steps:\n      - uses: actions/checkout@v6\n      - run: echo hi',
    );
  });

  it('reports problems at the Markdown line where they are', async () => {
    const broken = markdown.replace('- run: echo hi', `- run: echo \${{ matrix.os }}`);
    const problems = await lintMarkdown(broken, 'README.md', meta);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^README\.md:4:\d+: property "os" is not defined/);
  });
});

// Writes the parts of README.md that other files own: the inputs and outputs tables (action.yml's
// descriptions are the source) and the example workflows (examples/*.yml, which actionlint checks).
// `npm run docs` rewrites them; `--check` only reports. test/unit/docs.test.ts fails when README.md
// differs from what this script would write, so a changed action.yml without `npm run docs` fails `npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readActionMetadata, repoRoot } from './action-metadata.mjs';

const EXAMPLE_BLOCK = /<!-- example:start (\S+) -->\n[\s\S]*?<!-- example:end -->/g;
const EXAMPLE_START = /<!-- example:start (\S+) -->/g;

/** Markdown table of the action's inputs: name, description, default. */
export function renderInputsTable(meta) {
  const rows = Object.entries(meta.inputs ?? {}).map(([name, input]) => {
    const required = input.required === true ? '**Required.** ' : '';
    return `| ${code(name)} | ${required}${cell(input.description ?? '')} | ${defaultCell(input.default)} |`;
  });
  return ['| Input | Description | Default |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Markdown table of the action's outputs: name, description. */
export function renderOutputsTable(meta) {
  const rows = Object.entries(meta.outputs ?? {}).map(
    ([name, output]) => `| ${code(name)} | ${cell(output.description ?? '')} |`,
  );
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

/**
 * README text with every generated section rewritten. `readExample(path)` returns the text of a file the
 * README embeds (a path relative to the repository root). Throws when a marker is missing or unpaired.
 */
export function renderReadme(readme, { meta, readExample }) {
  let text = replaceSection(readme, 'inputs', renderInputsTable(meta));
  text = replaceSection(text, 'outputs', renderOutputsTable(meta));

  const starts = [...text.matchAll(EXAMPLE_START)].length;
  const blocks = [...text.matchAll(EXAMPLE_BLOCK)].length;
  if (starts !== blocks) {
    throw new Error(
      'README.md: an `<!-- example:start PATH -->` marker has no `<!-- example:end -->` after it',
    );
  }
  return text.replace(EXAMPLE_BLOCK, (_block, path) => {
    const body = readExample(path).trimEnd();
    return `<!-- example:start ${path} -->\n\`\`\`yaml\n${body}\n\`\`\`\n<!-- example:end -->`;
  });
}

function replaceSection(text, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(
      `README.md: add the markers ${start} and ${end} (in that order) where the ${name} table goes`,
    );
  }
  if (text.indexOf(start, from + 1) !== -1 || text.indexOf(end, to + 1) !== -1) {
    throw new Error(`README.md: the markers ${start} and ${end} must appear once each`);
  }
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** One table cell: a single line, pipes escaped (also inside code spans, as GitHub requires), and `<`
 * outside code spans escaped so that placeholders like <version> are not taken for HTML tags. */
function cell(text) {
  return String(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;')))
    .join('')
    .replace(/\|/g, '\\|');
}

function code(text) {
  return `\`${String(text).replace(/\|/g, '\\|')}\``;
}

function defaultCell(value) {
  if (value === undefined) return '';
  if (value === '') return '*(empty)*';
  return code(value);
}

/** The README as `npm run docs` writes it, from the files in the repository. */
export function expectedReadme(root = repoRoot) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const meta = readActionMetadata(join(root, 'action.yml'));
  const readExample = (path) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      throw new Error(
        `README.md embeds ${path}, which cannot be read: fix the path in its example:start marker`,
      );
    }
  };
  return { current: readme, expected: renderReadme(readme, { meta, readExample }) };
}

if (import.meta.main) {
  try {
    const { current, expected } = expectedReadme();
    if (current === expected) {
      console.log('README.md is up to date with action.yml and examples/.');
    } else if (process.argv.includes('--check')) {
      console.error(
        'README.md differs from action.yml or examples/: run `npm run docs` and commit README.md.',
      );
      process.exitCode = 1;
    } else {
      writeFileSync(join(repoRoot, 'README.md'), expected);
      console.log('README.md: rewrote the inputs and outputs tables and the examples.');
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

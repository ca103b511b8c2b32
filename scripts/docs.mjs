// Keeps the documentation (README.md and docs/*.md) true to the files it describes. It writes the parts
// that other files own: the README's inputs and outputs tables (action.yml's descriptions are the source)
// and the example workflows embedded in any page (examples/*.yml, which actionlint checks). It checks that
// every relative link points at a file that exists (and at a heading or id there, for a Markdown file), and
// that every docs page is linked from the README and links back to it.
// `npm run docs` rewrites the generated parts; `--check` only reports. test/unit/docs.test.ts fails when a
// page differs from what this script would write or a link is broken, so `npm test` catches both.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readActionMetadata, repoRoot } from './action-metadata.mjs';

/** The front page; the only page with the generated inputs and outputs tables. */
export const README = 'README.md';
/** The folder of the other pages, each linked from the README and back. */
export const DOCS_DIR = 'docs';

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
  return renderExamples(text, { readExample, path: README });
}

/** A page's text with every `example:start PATH` … `example:end` block rewritten from the file PATH. */
export function renderExamples(text, { readExample, path }) {
  const starts = [...text.matchAll(EXAMPLE_START)].length;
  const blocks = [...text.matchAll(EXAMPLE_BLOCK)].length;
  if (starts !== blocks) {
    throw new Error(
      `${path}: an \`<!-- example:start PATH -->\` marker has no \`<!-- example:end -->\` after it`,
    );
  }
  return text.replace(EXAMPLE_BLOCK, (_block, example) => {
    const body = readExample(example).trimEnd();
    return `<!-- example:start ${example} -->\n\`\`\`yaml\n${body}\n\`\`\`\n<!-- example:end -->`;
  });
}

function replaceSection(text, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(
      `${README}: add the markers ${start} and ${end} (in that order) where the ${name} table goes`,
    );
  }
  if (text.indexOf(start, from + 1) !== -1 || text.indexOf(end, to + 1) !== -1) {
    throw new Error(`${README}: the markers ${start} and ${end} must appear once each`);
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

/** The documentation pages, relative to the repository root: README.md, then docs/*.md by name. */
export function documentationFiles(root = repoRoot) {
  const dir = join(root, DOCS_DIR);
  const pages = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => posix.join(DOCS_DIR, name))
    : [];
  return [README, ...pages];
}

/** Every documentation page as it is and as `npm run docs` writes it, from the files in the repository. */
export function expectedDocs(root = repoRoot) {
  const meta = readActionMetadata(join(root, 'action.yml'));
  return documentationFiles(root).map((path) => {
    const readExample = (example) => {
      try {
        return readFileSync(join(root, example), 'utf8');
      } catch {
        throw new Error(
          `${path} embeds ${example}, which cannot be read: fix the path in its example:start marker`,
        );
      }
    };
    const current = readFileSync(join(root, path), 'utf8');
    const expected =
      path === README
        ? renderReadme(current, { meta, readExample })
        : renderExamples(current, { readExample, path });
    return { path, current, expected };
  });
}

// ---- Links ----------------------------------------------------------------------------------------------

/** The anchor GitHub gives a heading: lower case, punctuation and symbols dropped, spaces as hyphens. */
export function headingSlug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text stays, its target goes
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Each line of a Markdown text with what a renderer sees on it: `prose` is the line without its blockquote
 * markers, and `code` is true inside a fenced code block (fence lines included).
 */
function markdownLines(markdown) {
  let fence;
  return markdown.split('\n').map((raw, index) => {
    const prose = raw.replace(/^(\s{0,3}>\s?)+/, '');
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(prose);
    if (fence === undefined && opener) {
      fence = opener[1];
      return { line: index + 1, prose, code: true };
    }
    if (fence !== undefined) {
      if (
        opener &&
        opener[1][0] === fence[0] &&
        opener[1].length >= fence.length &&
        prose.trim() === opener[1]
      ) {
        fence = undefined;
      }
      return { line: index + 1, prose, code: true };
    }
    return { line: index + 1, prose, code: false };
  });
}

/** The anchors a Markdown page has: its headings' (repeats numbered as GitHub numbers them) and explicit ids. */
export function markdownAnchors(markdown) {
  const anchors = new Set();
  const occurrences = new Map();
  for (const { prose, code } of markdownLines(markdown)) {
    if (code) continue;
    for (const [, id] of prose.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g)) anchors.add(id);
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(prose);
    if (!heading) continue;
    const base = headingSlug(heading[1]);
    let slug = base;
    while (occurrences.has(slug)) {
      const count = occurrences.get(base) + 1;
      occurrences.set(base, count);
      slug = `${base}-${count}`;
    }
    occurrences.set(slug, 0);
    anchors.add(slug);
  }
  return anchors;
}

/** The link targets of a Markdown text outside code, each with its line: `[text](target)`, images,
 * reference definitions and HTML `href`/`src`. */
export function markdownLinks(markdown) {
  const links = [];
  for (const { line, prose, code } of markdownLines(markdown)) {
    if (code) continue;
    const text = prose.replace(/(`+)[\s\S]*?\1/g, ''); // code spans hold no links
    const found = [
      ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)].map((m) => m[1]),
      ...[...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/g)].map((m) => m[1]),
      ...[...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
    ];
    for (const target of found) links.push({ line, target });
  }
  return links;
}

/** A link to another site or protocol, which this check leaves alone. */
function isExternal(target) {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/**
 * Every broken relative link in the given pages, as `page:line: link TARGET: what is wrong` lines.
 * `read(path)` returns a file's text and `exists(path)` says whether a file or folder is there (paths
 * relative to the repository root, with `/`). A link to a Markdown file with `#anchor` must name a
 * heading or an id of that file.
 */
export function linkProblems(pages, { read, exists }) {
  const problems = [];
  const anchorsOf = new Map();
  const anchors = (path) => {
    if (!anchorsOf.has(path)) anchorsOf.set(path, markdownAnchors(read(path)));
    return anchorsOf.get(path);
  };
  for (const page of pages) {
    for (const { line, target } of markdownLinks(read(page))) {
      if (isExternal(target)) continue;
      const problem = linkProblem(page, target.split('?')[0], { exists, anchors });
      if (problem) problems.push(`${page}:${line}: link ${target}: ${problem}`);
    }
  }
  return problems;
}

function linkProblem(page, target, { exists, anchors }) {
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved =
    pathPart === ''
      ? page
      : posix.normalize(
          pathPart.startsWith('/') ? pathPart.slice(1) : posix.join(posix.dirname(page), pathPart),
        );
  if (resolved === '..' || resolved.startsWith('../')) return 'points outside the repository';
  const file = resolved.replace(/\/$/, '') || '.';
  if (!exists(file)) return `${file} does not exist`;
  if (anchor === undefined || anchor === '' || !file.endsWith('.md')) return undefined;
  if (anchors(file).has(anchor)) return undefined;
  return `${file} has no heading or id with the anchor #${anchor}`;
}

/** Docs pages the README does not link to, and docs pages that do not link back to the README. */
export function navigationProblems(pages, read) {
  const problems = [];
  const linkedFromReadme = new Set(
    markdownLinks(read(README))
      .filter(({ target }) => !isExternal(target))
      .map(({ target }) => posix.normalize(target.split('#')[0])),
  );
  for (const page of pages.filter((p) => p !== README)) {
    if (!linkedFromReadme.has(page)) problems.push(`${README}: add a link to ${page}`);
    const back = markdownLinks(read(page)).some(
      ({ target }) => posix.normalize(posix.join(posix.dirname(page), target.split('#')[0])) === README,
    );
    if (!back) problems.push(`${page}: add a link back to the README (../${README})`);
  }
  return problems;
}

/** Every link and navigation problem of the repository's documentation. */
export function documentationProblems(root = repoRoot) {
  const pages = documentationFiles(root);
  const read = (path) => readFileSync(join(root, path), 'utf8');
  const exists = (path) => existsSync(join(root, path));
  return [...linkProblems(pages, { read, exists }), ...navigationProblems(pages, read)];
}

if (import.meta.main) {
  try {
    const stale = expectedDocs().filter(({ current, expected }) => current !== expected);
    if (stale.length > 0 && process.argv.includes('--check')) {
      for (const { path } of stale) {
        console.error(`${path} differs from action.yml or examples/: run \`npm run docs\` and commit it.`);
      }
      process.exitCode = 1;
    } else {
      for (const { path, expected } of stale) {
        writeFileSync(join(repoRoot, path), expected);
        console.log(`${path}: rewrote the generated tables and examples.`);
      }
    }
    const problems = documentationProblems();
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) process.exitCode = 1;
    if (process.exitCode !== 1) {
      console.log(
        'README.md and docs/ are up to date with action.yml and examples/, and every link resolves.',
      );
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

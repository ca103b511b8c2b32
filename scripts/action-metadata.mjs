// Reads action.yml and checks it the way the runner and the Marketplace read it. actionlint checks
// workflows, not action metadata, so this is the check for the one action.yml this repository publishes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const TOP_LEVEL_KEYS = ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'];
const INPUT_KEYS = ['description', 'required', 'default', 'deprecationMessage'];
// JavaScript actions' outputs are set by the code; `value` exists only for composite actions.
const OUTPUT_KEYS = ['description'];
const RUNS_KEYS = ['using', 'main', 'pre', 'post', 'pre-if', 'post-if'];
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Reads and parses an action.yml; throws a message naming the file when it is not a YAML mapping. */
export function readActionMetadata(path) {
  const text = readFileSync(path, 'utf8');
  let meta;
  try {
    meta = parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isMapping(meta)) throw new Error(`${path}: expected a YAML mapping at the top level`);
  return meta;
}

/**
 * Every problem in the metadata, as `where: what is wrong` lines; empty when it is fine.
 * `root` is the directory the action lives in, used to check that the entry points exist.
 */
export function checkActionMetadata(meta, root) {
  const problems = [];
  const report = (where, what) => problems.push(`${where}: ${what}`);

  for (const key of Object.keys(meta)) {
    if (!TOP_LEVEL_KEYS.includes(key))
      report(key, `unknown top-level key (allowed: ${TOP_LEVEL_KEYS.join(', ')})`);
  }
  for (const key of ['name', 'description']) {
    if (!isText(meta[key])) report(key, 'required, a non-empty string');
  }

  checkRuns(meta.runs, root, report);
  checkInputs(meta.inputs, report);
  checkOutputs(meta.outputs, report);
  checkBranding(meta.branding, report);
  return problems;
}

function checkRuns(runs, root, report) {
  if (!isMapping(runs)) {
    report('runs', 'required, a mapping with `using` and `main`');
    return;
  }
  for (const key of Object.keys(runs)) {
    if (!RUNS_KEYS.includes(key)) report(`runs.${key}`, `unknown key (allowed: ${RUNS_KEYS.join(', ')})`);
  }
  if (runs.using !== 'node24') report('runs.using', `must be node24 (found ${JSON.stringify(runs.using)})`);
  for (const entry of ['main', 'pre', 'post']) {
    const file = runs[entry];
    if (entry === 'main' && file === undefined) report('runs.main', 'required for a JavaScript action');
    if (file === undefined) continue;
    if (!isText(file) || !file.endsWith('.js')) {
      report(`runs.${entry}`, `must name a .js file (found ${JSON.stringify(file)})`);
    } else if (root !== undefined && !existsSync(join(root, file))) {
      report(`runs.${entry}`, `${file} does not exist: run \`npm run bundle\` and commit dist/`);
    }
  }
}

function checkInputs(inputs, report) {
  if (inputs === undefined) return;
  if (!isMapping(inputs)) {
    report('inputs', 'must be a mapping of input names');
    return;
  }
  for (const [name, input] of Object.entries(inputs)) {
    const where = `inputs.${name}`;
    if (!NAME_PATTERN.test(name)) report(where, 'input names are lower-case kebab-case, e.g. `with-source`');
    if (!isMapping(input)) {
      report(where, 'must be a mapping with at least a description');
      continue;
    }
    for (const key of Object.keys(input)) {
      if (!INPUT_KEYS.includes(key))
        report(`${where}.${key}`, `unknown key (allowed: ${INPUT_KEYS.join(', ')})`);
    }
    if (!isText(input.description)) report(`${where}.description`, 'required, a non-empty string');
    if (input.required !== undefined && typeof input.required !== 'boolean') {
      report(`${where}.required`, 'must be true or false');
    }
    if (input.default !== undefined && typeof input.default !== 'string') {
      // The runner passes every input as a string; an unquoted `true` or `5` reads differently in YAML.
      report(`${where}.default`, `must be a string: quote it, e.g. '${String(input.default)}'`);
    }
  }
}

function checkOutputs(outputs, report) {
  if (outputs === undefined) return;
  if (!isMapping(outputs)) {
    report('outputs', 'must be a mapping of output names');
    return;
  }
  for (const [name, output] of Object.entries(outputs)) {
    const where = `outputs.${name}`;
    if (!NAME_PATTERN.test(name))
      report(where, 'output names are lower-case kebab-case, e.g. `flux-version`');
    if (!isMapping(output)) {
      report(where, 'must be a mapping with a description');
      continue;
    }
    for (const key of Object.keys(output)) {
      if (!OUTPUT_KEYS.includes(key))
        report(`${where}.${key}`, 'unknown key for a JavaScript action (only description)');
    }
    if (!isText(output.description)) report(`${where}.description`, 'required, a non-empty string');
  }
}

function checkBranding(branding, report) {
  if (branding === undefined) return;
  if (!isMapping(branding)) {
    report('branding', 'must be a mapping with icon and color');
    return;
  }
  if (!isText(branding.icon)) report('branding.icon', 'required, a Feather icon name');
  if (!BRANDING_COLORS.includes(branding.color)) {
    report('branding.color', `must be one of ${BRANDING_COLORS.join(', ')}`);
  }
}

function isMapping(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value) {
  return typeof value === 'string' && value.trim().length > 0;
}

/** The repository root: the directory above scripts/. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

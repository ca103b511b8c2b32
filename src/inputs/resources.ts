// The `resources` input: which Flux objects the run is about.
//
// Syntax (see README): one entry per line or comma-separated, `#` starts a comment;
//   kind/name            in the `namespace` input's namespace
//   kind/namespace/name
//   kind/* , kind/namespace/*   every object of the kind (narrowed by `selector`)
//   all                  every Kustomization and HelmRelease of `namespace` (sources too with `with-source`)
// or a YAML list whose items are such strings or {kind, name, namespace?} mappings.
//
// Decisions: the same object named twice is an error naming both lines (it is almost always a copy-paste
// mistake, and silently dropping one hides which of the two the person meant to change). `all` may be mixed
// with other entries (`all, gitrepository/flux-system`); overlaps between `all`, wildcards and names are not
// errors: the planner resolves them to one object each. Every problem is collected and reported together.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { FLUX_KINDS, findKind } from '../flux/kinds.js';
import { ConfigError, type ResourceSelector } from './types.js';

export const RESOURCES_INPUT = 'resources';
export const WILDCARD = '*';
const MAX_REPORTED_PROBLEMS = 10;

export interface ParsedResources {
  selectors: ResourceSelector[];
  /** `all` was given. */
  all: boolean;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An RFC 1123 label, as Kubernetes requires of a namespace name. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && LABEL.test(value);
}

/** An RFC 1123 subdomain, as Kubernetes requires of the name of a Flux object. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && SUBDOMAIN.test(value);
}

export const LABEL_RULE =
  "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
const SUBDOMAIN_RULE =
  "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";

/** `Kind/namespace/name`: the form a person can paste back into `resources`. */
export function formatSelector(selector: ResourceSelector): string {
  return `${selector.kind}/${selector.namespace}/${selector.name}`;
}

/** The `resources` text for a selection; parseResources reads it back to the same selection. */
export function formatResources(parsed: ParsedResources): string {
  return [...(parsed.all ? ['all'] : []), ...parsed.selectors.map(formatSelector)].join('\n');
}

/** A quoted excerpt of what the person wrote, short enough for one line of a log. */
export function quoteInput(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return `'${shown.replace(/\r?\n/g, '\\n')}'`;
}

interface Problem {
  line?: number;
  message: string;
}

/** Collects problems; only the first few are worded in full so that a huge bad input stays linear. */
class Problems {
  readonly shown: Problem[] = [];
  count = 0;
  unknownKind = false;

  add(line: number | undefined, message: () => string): void {
    this.count++;
    if (this.shown.length < MAX_REPORTED_PROBLEMS) this.shown.push({ line, message: message() });
  }

  error(yaml: boolean): ConfigError {
    const lines = this.shown.map((p) => (p.line === undefined ? p.message : `line ${p.line}: ${p.message}`));
    if (this.count > this.shown.length) lines.push(`… and ${this.count - this.shown.length} more`);
    const head =
      this.count === 1
        ? `Input '${RESOURCES_INPUT}' has a problem:`
        : `Input '${RESOURCES_INPUT}' has ${this.count} problems:`;
    const known = this.unknownKind ? `\nKnown kinds: ${KIND_CHOICES}.` : '';
    const fix = yaml
      ? 'Write a YAML list of {kind, name, namespace} mappings or of strings, e.g. kustomization/apps.'
      : 'Write one entry per line or comma-separated: kind/name, kind/namespace/name, kind/* or all, ' +
        'e.g. kustomization/apps, helmrelease/podinfo/podinfo.';
    return new ConfigError(
      RESOURCES_INPUT,
      `${head}\n${lines.map((l) => `  ${l}`).join('\n')}${known}\n${fix}`,
    );
  }
}

/** What one entry says, before duplicates are looked for. */
interface Entry {
  line?: number;
  /** The entry as written, for messages. */
  text: string;
  kind: string;
  namespace?: string;
  name: string;
}

const ALL = 'all';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const KIND_WORDS = FLUX_KINDS.flatMap((k) => [k.kind.toLowerCase(), ...k.aliases]);

/** `kustomization|ks, helmrelease|hr, ...`: every kind with its short names (plurals left out). */
const KIND_CHOICES = FLUX_KINDS.map((k) =>
  [k.kind.toLowerCase(), ...k.aliases.filter((a) => a !== k.kind.toLowerCase() && a !== k.plural)].join('|'),
).join(', ');

function didYouMean(kind: string): string {
  const word = kind.toLowerCase();
  if (word.length > 40) return '';
  let best = '';
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of KIND_WORDS) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean '${best}'?)` : '';
}

function nameProblem(what: 'name' | 'namespace', value: string): string | undefined {
  const valid = what === 'name' ? isDnsSubdomain(value) : isDnsLabel(value);
  if (valid) return undefined;
  const rule = what === 'name' ? SUBDOMAIN_RULE : LABEL_RULE;
  const lower = value.toLowerCase();
  const hint =
    lower !== value && (what === 'name' ? isDnsSubdomain(lower) : isDnsLabel(lower))
      ? `; did you mean '${lower}'?`
      : '';
  const wildcard = value.includes(WILDCARD) ? `; only a lone '*' means every object` : '';
  return `${what} ${quoteInput(value, 60)} is not a valid Kubernetes ${what} (${rule})${wildcard}${hint}`;
}

/** Checks one entry's parts and turns them into a selector, or records why not. */
function toSelector(
  entry: Entry,
  defaultNamespace: string,
  problems: Problems,
): ResourceSelector | undefined {
  const where = quoteInput(entry.text);
  const kindWord = entry.kind.trim();
  if (kindWord === '') {
    problems.add(entry.line, () => `${where}: empty kind; write kind/name, e.g. kustomization/apps`);
    return undefined;
  }
  const found = findKind(kindWord);
  if (!found) {
    problems.unknownKind = true;
    problems.add(
      entry.line,
      () => `${where}: unknown kind ${quoteInput(entry.kind, 40)}${didYouMean(entry.kind)}`,
    );
    return undefined;
  }
  let bad = false;
  if (entry.namespace !== undefined) {
    const namespace = entry.namespace;
    if (namespace === '') {
      problems.add(
        entry.line,
        () => `${where}: empty namespace; write kind/namespace/name, e.g. ${kindWord}/flux-system/apps`,
      );
      bad = true;
    } else if (namespace === WILDCARD) {
      problems.add(
        entry.line,
        () =>
          `${where}: '*' as namespace is not supported; name the namespace, e.g. ${kindWord}/flux-system/*`,
      );
      bad = true;
    } else {
      const problem = nameProblem('namespace', namespace);
      if (problem) {
        problems.add(entry.line, () => `${where}: ${problem}`);
        bad = true;
      }
    }
  }
  if (entry.name === '') {
    problems.add(
      entry.line,
      () => `${where}: empty name; write ${kindWord}/<name>, or ${kindWord}/* for every ${found.kind}`,
    );
    bad = true;
  } else if (entry.name !== WILDCARD) {
    const problem = nameProblem('name', entry.name);
    if (problem) {
      problems.add(entry.line, () => `${where}: ${problem}`);
      bad = true;
    }
  }
  if (bad) return undefined;
  return { kind: found.kind, namespace: entry.namespace ?? defaultNamespace, name: entry.name };
}

/** Splits one `kind/name`-style entry; `all` is handled by the caller. */
function splitEntry(text: string, line: number | undefined, problems: Problems): Entry | undefined {
  const parts = text.split('/').map((p) => p.trim());
  const where = quoteInput(text);
  if (parts.length === 1) {
    const kind = findKind(text);
    problems.add(line, () =>
      kind
        ? `${where}: missing the name; write ${text}/<name>, or ${text}/* for every ${kind.kind}`
        : `${where}: missing the kind; write <kind>/${text}, e.g. kustomization/${text}`,
    );
    return undefined;
  }
  if (parts[0]!.toLowerCase() === ALL) {
    problems.add(
      line,
      () =>
        `${where}: 'all' takes no namespace or name; for another namespace write kustomization/<namespace>/* and helmrelease/<namespace>/*`,
    );
    return undefined;
  }
  if (parts.length > 3) {
    problems.add(line, () => `${where}: too many '/'; write kind/name or kind/namespace/name`);
    return undefined;
  }
  if (parts.length === 2) return { line, text, kind: parts[0]!, name: parts[1]! };
  return { line, text, kind: parts[0]!, namespace: parts[1]!, name: parts[2]! };
}

/** One comma-separated piece of a line or a YAML string item. */
interface Piece {
  text: string;
  line?: number;
}

function piecesOfLine(line: string, lineNumber: number | undefined, into: Piece[]): void {
  const hash = line.indexOf('#');
  const code = hash >= 0 ? line.slice(0, hash) : line;
  for (const piece of code.split(',')) {
    const text = piece.trim();
    if (text !== '') into.push({ text, line: lineNumber });
  }
}

function firstMeaningfulLine(text: string): string {
  for (const line of text.split(/\r?\n/, 1000)) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return trimmed;
  }
  return '';
}

function looksLikeYamlList(text: string): boolean {
  const first = firstMeaningfulLine(text);
  return first.startsWith('[') || first === '-' || first.startsWith('- ') || first.startsWith('-\t');
}

const MAPPING_KEYS = ['kind', 'name', 'namespace'] as const;
type MappingKey = (typeof MAPPING_KEYS)[number];

function scalarText(node: unknown): string | undefined {
  if (node === null || node === undefined) return '';
  if (isScalar(node)) return node.value === null || node.value === undefined ? '' : String(node.value);
  return undefined;
}

/** Reads a YAML list into pieces (string items) and entries (mappings). */
function readYamlList(text: string, pieces: Piece[], entries: Entry[], problems: Problems): void {
  const lineCounter = new LineCounter();
  // The failsafe schema keeps every scalar a string: a name like `0123` stays `0123`.
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const line = lineCounter.linePos(error.pos[0]).line;
      const hint = text.includes('*') ? " (in YAML a '*' must be quoted: name: '*')" : '';
      problems.add(line, () => `not valid YAML: ${error.message.split('\n')[0]}${hint}`);
    }
    return;
  }
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  if (!isSeq(doc.contents)) {
    problems.add(lineOf(doc.contents), () => 'a YAML list of {kind, name, namespace} mappings was expected');
    return;
  }
  for (const item of doc.contents.items) {
    const line = lineOf(item as Node);
    const asText = scalarText(item);
    if (asText !== undefined) {
      piecesOfLine(asText.replace(/\r?\n/g, ' '), line, pieces);
      continue;
    }
    if (!isMap(item)) {
      problems.add(
        line,
        () =>
          'each list item must be a mapping {kind, name, namespace} or a string such as kustomization/apps',
      );
      continue;
    }
    const fields: Partial<Record<MappingKey, string>> = {};
    let bad = false;
    for (const pair of item.items) {
      const key = scalarText(pair.key);
      const value = scalarText(pair.value);
      if (key === undefined || !(MAPPING_KEYS as readonly string[]).includes(key)) {
        problems.add(
          line,
          () => `unknown key ${quoteInput(key ?? '?', 40)}; the keys are kind, name and namespace`,
        );
        bad = true;
      } else if (value === undefined) {
        problems.add(line, () => `'${key}' must be a string`);
        bad = true;
      } else {
        fields[key as MappingKey] = value.trim();
      }
    }
    if (bad) continue;
    const shown = `{kind: ${fields.kind ?? ''}, name: ${fields.name ?? ''}${fields.namespace !== undefined ? `, namespace: ${fields.namespace}` : ''}}`;
    if (fields.kind === undefined || fields.name === undefined) {
      const missing = fields.kind === undefined ? 'kind' : 'name';
      problems.add(
        line,
        () => `${quoteInput(shown)}: missing '${missing}', e.g. {kind: kustomization, name: apps}`,
      );
      continue;
    }
    entries.push({ line, text: shown, kind: fields.kind, name: fields.name, namespace: fields.namespace });
  }
}

/**
 * Parses the `resources` input. Linear in the size of the text. Throws a ConfigError naming the `resources`
 * input and listing the problems (with line numbers) when anything is wrong.
 */
export function parseResources(text: string, defaultNamespace: string): ParsedResources {
  const problems = new Problems();
  const pieces: Piece[] = [];
  const entries: Entry[] = [];
  const yaml = looksLikeYamlList(text);
  if (yaml) {
    readYamlList(text, pieces, entries, problems);
  } else {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) piecesOfLine(lines[i]!, i + 1, pieces);
  }

  let all = false;
  let allLine: number | undefined;
  for (const piece of pieces) {
    if (piece.text.toLowerCase() === ALL) {
      if (all) {
        problems.add(
          piece.line,
          () =>
            `'all' is given twice${allLine !== undefined ? ` (first on line ${allLine})` : ''}; remove one`,
        );
      }
      all = true;
      allLine ??= piece.line;
      continue;
    }
    const entry = splitEntry(piece.text, piece.line, problems);
    if (entry) entries.push(entry);
  }
  // Keep the person's order: YAML mappings and strings are interleaved by line.
  entries.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

  const selectors: ResourceSelector[] = [];
  const firstSeen = new Map<string, Entry>();
  for (const entry of entries) {
    const selector = toSelector(entry, defaultNamespace, problems);
    if (!selector) continue;
    const key = formatSelector(selector);
    const first = firstSeen.get(key);
    if (first) {
      const firstWhere = first.line !== undefined ? `line ${first.line}` : quoteInput(first.text);
      problems.add(
        entry.line,
        () =>
          `${quoteInput(entry.text)} names ${selector.kind} ${selector.namespace}/${selector.name} again (first on ${firstWhere}); remove one`,
      );
      continue;
    }
    firstSeen.set(key, entry);
    selectors.push(selector);
  }
  if (problems.count > 0) throw problems.error(yaml);
  return { selectors, all };
}

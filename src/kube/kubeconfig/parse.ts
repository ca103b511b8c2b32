// Turns kubeconfig text (YAML, or base64 of YAML) into a parsed object and its YAML document, with errors
// that name where the text came from and never quote it: a kubeconfig is full of secrets.
import { isAbsolute, resolve } from 'node:path';
import { type Document, parseDocument, YAMLParseError } from 'yaml';
import type { ValueEdit } from './edit.js';
import type { RawKubeconfig } from './types.js';

export type InputEncoding = 'yaml' | 'base64';

const BASE64_LINE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Detects whether the `kubeconfig` input is base64 of YAML: one line, or lines wrapped by `base64`, of
 * base64 characters only. Any kubeconfig written as YAML (or JSON) has a colon, which base64 never has.
 */
export function decodeKubeconfigInput(input: string): { text: string; encoding: InputEncoding } {
  const lines = input
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim());
  if (!lines.every((line) => BASE64_LINE.test(line))) return { text: input, encoding: 'yaml' };
  const compact = lines.join('');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    throw new Error(
      'The `kubeconfig` input looks like base64 but does not decode to text. ' +
        'Give the kubeconfig YAML itself, or its base64 (`base64 -w0 < kubeconfig`).',
    );
  }
  if (!text.includes(':')) {
    throw new Error(
      'The `kubeconfig` input looks like base64 but the decoded text is not a kubeconfig. ' +
        'Give the kubeconfig YAML itself, or its base64 (`base64 -w0 < kubeconfig`).',
    );
  }
  return { text, encoding: 'base64' };
}

function where(error: YAMLParseError): string {
  const pos = error.linePos?.[0];
  return pos ? ` (line ${pos.line}, column ${pos.col})` : '';
}

export interface ParsedKubeconfig {
  config: RawKubeconfig;
  /** The document as written, for edits in place: nothing else of it is ever re-serialised. */
  doc: Document;
}

/**
 * Parses kubeconfig YAML. `source` names it in errors, e.g. "the `kubeconfig` input" or a file path.
 * Parse errors keep only the position: the YAML library's own message quotes the offending text.
 */
export function parseKubeconfigDocument(text: string, source: string): ParsedKubeconfig {
  const notYaml = (error: unknown) =>
    new Error(
      `${capitalize(source)} is not valid YAML${error instanceof YAMLParseError ? where(error) : ''}. ` +
        'Give a kubeconfig file as YAML (as in ~/.kube/config) or as its base64.',
    );
  let doc: Document;
  let value: unknown;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors[0]) throw doc.errors[0];
    value = doc.toJS();
  } catch (error) {
    throw notYaml(error);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(
      `${capitalize(source)} is not a kubeconfig: expected a YAML mapping with clusters, users and contexts.`,
    );
  }
  const config = value as RawKubeconfig;
  for (const list of ['clusters', 'users', 'contexts'] as const) {
    const entries = config[list];
    if (entries !== undefined && entries !== null && !Array.isArray(entries)) {
      throw new Error(`${capitalize(source)} is not a kubeconfig: \`${list}\` must be a list.`);
    }
    for (const [i, entry] of (entries ?? []).entries()) {
      if (!entry || typeof entry !== 'object' || typeof entry.name !== 'string' || entry.name === '') {
        throw new Error(`${capitalize(source)} is not a kubeconfig: ${list}[${i}] has no name.`);
      }
    }
  }
  return { config, doc };
}

/** The parsed object alone, for kubeconfigs the action reads but never writes. */
export function parseKubeconfig(text: string, source: string): RawKubeconfig {
  return parseKubeconfigDocument(text, source).config;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function absolute(baseDir: string, file: unknown): unknown {
  return typeof file === 'string' && file !== '' && !isAbsolute(file) ? resolve(baseDir, file) : file;
}

/**
 * Makes the file paths of a kubeconfig absolute, as kubectl reads them: relative to the file's directory.
 * The action writes its own copy elsewhere, so relative paths would otherwise point nowhere. Changes the
 * parsed object and returns the same changes as edits for the written document.
 */
export function makePathsAbsolute(config: RawKubeconfig, baseDir: string): ValueEdit[] {
  const edits: ValueEdit[] = [];
  const fix = (holder: Record<string, unknown>, key: string, path: (string | number)[]) => {
    const value = holder[key];
    const fixed = absolute(baseDir, value);
    if (fixed === value || typeof fixed !== 'string') return;
    holder[key] = fixed;
    edits.push({ path: [...path, key], value: fixed });
  };
  (config.clusters ?? []).forEach((entry, i) => {
    if (entry.cluster) fix(entry.cluster, 'certificate-authority', ['clusters', i, 'cluster']);
  });
  (config.users ?? []).forEach((entry, i) => {
    const user = entry.user;
    if (!user) return;
    for (const key of ['client-certificate', 'client-key', 'token-file'])
      fix(user, key, ['users', i, 'user']);
    // client-go resolves a relative exec command that contains a path separator against the file's directory.
    const command = user.exec?.command;
    if (user.exec && typeof command === 'string' && command.includes('/')) {
      fix(user.exec, 'command', ['users', i, 'user', 'exec']);
    }
  });
  return edits;
}

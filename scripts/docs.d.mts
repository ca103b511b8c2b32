// Types for docs.mjs (a plain Node script, so that `npm run docs` runs without a build step).
import type { ActionMetadata } from './action-metadata.mjs';

export const README: string;
export const DOCS_DIR: string;
export function renderInputsTable(meta: ActionMetadata): string;
export function renderOutputsTable(meta: ActionMetadata): string;
export function renderReadme(
  readme: string,
  sources: { meta: ActionMetadata; readExample: (path: string) => string },
): string;
export function renderExamples(
  text: string,
  sources: { readExample: (path: string) => string; path: string },
): string;
export function documentationFiles(root?: string): string[];
export function expectedDocs(root?: string): { path: string; current: string; expected: string }[];
export function headingSlug(heading: string): string;
export function markdownAnchors(markdown: string): Set<string>;
export function markdownLinks(markdown: string): { line: number; target: string }[];
export function linkProblems(
  pages: string[],
  files: { read: (path: string) => string; exists: (path: string) => boolean },
): string[];
export function navigationProblems(pages: string[], read: (path: string) => string): string[];
export function documentationProblems(root?: string): string[];

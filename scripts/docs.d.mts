// Types for docs.mjs (a plain Node script, so that `npm run docs` runs without a build step).
import type { ActionMetadata } from './action-metadata.mjs';

export function renderInputsTable(meta: ActionMetadata): string;
export function renderOutputsTable(meta: ActionMetadata): string;
export function renderReadme(
  readme: string,
  sources: { meta: ActionMetadata; readExample: (path: string) => string },
): string;
export function expectedReadme(root?: string): { current: string; expected: string };

// Types for lint-actions.mjs (a plain Node script, so that `npm run lint:actions` runs without a build step).
import type { ActionMetadata } from './action-metadata.mjs';

export const ACTION_REPOSITORY: string;
export function isThisAction(uses: unknown): boolean;
export function lintWorkflow(text: string, path: string, meta: ActionMetadata): Promise<string[]>;
export function checkUsage(workflow: unknown, meta: ActionMetadata): string[];
export interface MarkdownSnippet {
  /** A complete workflow: the block itself, or a list of steps wrapped in a one-job workflow. */
  text: string;
  /** The Markdown line (1-based) of the block's first line. */
  firstLine: number;
  /** Lines added in front of the block to make it a workflow. */
  offset: number;
}
export function markdownSnippets(markdown: string): MarkdownSnippet[];
export function lintMarkdown(markdown: string, path: string, meta: ActionMetadata): Promise<string[]>;
export function lintRepository(
  root?: string,
): Promise<{ problems: string[]; files: number; snippets: number; pages: Record<string, number> }>;

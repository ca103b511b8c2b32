// Types for action-metadata.mjs (a plain Node script, so that it runs without a build step).
export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: unknown;
  deprecationMessage?: string;
}

export interface ActionOutput {
  description?: string;
}

export interface ActionMetadata {
  name?: string;
  author?: string;
  description?: string;
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, ActionOutput>;
  runs?: Record<string, unknown>;
  branding?: { icon?: string; color?: string };
  [key: string]: unknown;
}

export function readActionMetadata(path: string): ActionMetadata;
export function checkActionMetadata(meta: ActionMetadata, root?: string): string[];
export const repoRoot: string;

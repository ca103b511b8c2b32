// Types for baseline.mjs (a plain Node script).
export const DEFAULT_BASELINE: string;
export interface Baseline {
  /** The commit's short hash. */
  commit: string;
  /** Its bundle's folder (index.js, post.js and their chunks). */
  dist: string;
  remove(): Promise<void>;
}
export function buildBaseline(requested?: string): Promise<Baseline | undefined>;

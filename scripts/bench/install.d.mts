// Types for install.mjs (a plain Node script).
export const THIS_BUNDLE: string;
export interface InstallFigures {
  /** Spawn to the first line on stdout. */
  startMs: number;
  /** A whole step installing from the release server. */
  coldMs: number;
  /** A whole step finding flux in the tool cache. */
  cachedMs: number;
}
export function benchInstall(scripts?: string[]): Promise<InstallFigures[]>;

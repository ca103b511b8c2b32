// Where a flux release lives in the runner's tool cache: `$RUNNER_TOOL_CACHE/flux2/<version>/<arch>`, used
// once `<arch>.complete` marks it whole. This is @actions/tool-cache's own rule for an exact version
// (`tc.find`), read here so that a cache hit does not load that library, whose HTTP client evaluates undici
// as it loads (tens of milliseconds on every step); download-release.ts still writes entries with it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The tool-cache name. */
export const TOOL_NAME = 'flux2';

/** The entry's directory for an exact version (no leading v), or '' when the cache has no whole entry. */
export function findCachedFlux(
  version: string,
  arch: string,
  toolCache = process.env.RUNNER_TOOL_CACHE,
): string {
  if (!toolCache) return '';
  const dir = join(toolCache, TOOL_NAME, version, arch);
  return existsSync(dir) && existsSync(`${dir}.complete`) ? dir : '';
}

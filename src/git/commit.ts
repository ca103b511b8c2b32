// The commit in a revision, for the ancestry lookups: git can only relate commits.
import { MIN_HEX, parseRevision } from '../flux/revision.js';

/**
 * The lower-case commit hex of a SHA or a Flux git revision (`main@sha1:<hex>`, `sha1:<hex>`,
 * `main/<hex>`); undefined for anything else (OCI and Helm digests, chart versions, names).
 */
export function commitHex(revision: string): string | undefined {
  const parsed = parseRevision(revision);
  if (parsed.hex === undefined || parsed.form === 'version' || parsed.form === 'name') return undefined;
  if (parsed.algorithm !== undefined && parsed.algorithm !== 'sha1') return undefined;
  return parsed.hex.length >= MIN_HEX && parsed.hex.length <= 40 ? parsed.hex : undefined;
}

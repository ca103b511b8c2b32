// Whether a revision an object reports is the one the user expects, for the report's warnings.

/**
 * True when `revision` (e.g. `main@sha1:<40 hex>`, `sha256:<hex>`, `6.0.3`) is `expected` (a full or short
 * git SHA, a tag, a digest, or the whole revision string). Case-insensitive; a short SHA matches a prefix.
 */
export function revisionMatches(revision: string | undefined, expected: string): boolean {
  if (!revision) return false;
  const want = expected.trim().toLowerCase();
  if (!want) return true;
  const have = revision.toLowerCase();
  if (have === want) return true;
  // Each part of the revision a person could have meant: `main`, `sha1:abc…`, `abc…`.
  const parts = have.split(/[@/]/).flatMap((part) => [part, part.replace(/^[a-z0-9]+:/, '')]);
  const wantHex = want.replace(/^[a-z0-9]+:/, '');
  return parts.some(
    (part) =>
      part === want || part === wantHex || (/^[0-9a-f]{7,}$/.test(wantHex) && part.startsWith(wantHex)),
  );
}

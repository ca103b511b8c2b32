// The tool-cache entry's proof of origin: when the action installs flux, it writes the SHA-256 of the
// binary it extracted from the verified release archive beside it; on a cache hit the binary must still
// have that hash. An entry named after the right version but holding another file (written by another
// tool, or changed since) is not trusted; the installer then downloads the release again.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './checksum.js';

/** `missing`: no record (an entry from before records, or from another tool); else the hash differs. */
export type CacheCheck = { ok: true; sha256: string } | { ok: false; missing: boolean; problem: string };

function recordPath(dir: string, binary: string): string {
  return join(dir, `${binary}.sha256`);
}

/** Writes `<sha256>  <binary>` beside the binary (sha256sum's format) and returns the hash. */
export async function recordBinaryHash(dir: string, binary: string): Promise<string> {
  const sha256 = await sha256File(join(dir, binary));
  await writeFile(recordPath(dir, binary), `${sha256}  ${binary}\n`, { mode: 0o644 });
  return sha256;
}

/** Whether the cached binary still has the hash recorded when it was installed. */
export async function checkBinaryHash(dir: string, binary: string): Promise<CacheCheck> {
  const file = recordPath(dir, binary);
  if (!existsSync(file))
    return { ok: false, missing: true, problem: 'it has no SHA-256 recorded at install time' };
  const recorded = /^([0-9a-f]{64})\s/.exec(await readFile(file, 'utf8'))?.[1];
  if (!recorded)
    return { ok: false, missing: false, problem: `its ${binary}.sha256 is not a SHA-256 record` };
  const actual = await sha256File(join(dir, binary));
  if (actual !== recorded) {
    return {
      ok: false,
      missing: false,
      problem: `its ${binary} has SHA-256 ${actual}, not the ${recorded} recorded at install time`,
    };
  }
  return { ok: true, sha256: actual };
}

// SHA-256 verification against the release's `flux_<ver>_checksums.txt` (lines `<sha256>  <file name>`).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** File name → lower-case hex SHA-256. Lines that are not `<64 hex> <name>` are ignored. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    // `*` marks binary mode in sha256sum's output format.
    const match = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (match) sums.set(match[2]!, match[1]!.toLowerCase());
  }
  return sums;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Refuses the archive unless the checksums file lists it with the hash it has.
 * @returns the verified hash
 */
export async function verifyChecksum(
  archivePath: string,
  archiveName: string,
  checksumsText: string,
  checksumsName: string,
): Promise<string> {
  const expected = parseChecksums(checksumsText).get(archiveName);
  if (!expected) {
    throw new Error(
      `${checksumsName} has no line for ${archiveName}: refusing to install an archive it cannot verify`,
    );
  }
  const actual = await sha256File(archivePath);
  if (actual !== expected) {
    throw new Error(
      `SHA-256 mismatch for ${archiveName}: ${checksumsName} expects ${expected}, the download is ${actual}. ` +
        'Refusing to install it; if you use a `download-url` mirror, check that it serves the original release files.',
    );
  }
  return actual;
}

// SHA-256 verification against the release's `flux_<ver>_checksums.txt` (lines `<sha256>  <file name>`).
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

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

/** Read this much at a time into one buffer. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/**
 * The file's SHA-256, read through one buffer: a stream's chunks of the 70-odd MB binary are each a new
 * Buffer outside the heap, which the step kept until the next collection (about 60 MB more at its peak).
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
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

// The tool-cache entry's proof of origin: when the action installs flux, it writes the SHA-256 of the
// binary it extracted from the verified release archive beside it; on a cache hit the binary must still
// have that hash. An entry named after the right version but holding another file (written by another
// tool, or changed since) is not trusted; the installer then downloads the release again.
//
// Hashing the 70-odd MB binary on every step costs a few hundred milliseconds, so once a hash check passes,
// the file's identity is noted beside it too (`flux.verified`): device, inode, size, and the times of its
// last write (mtime) and last change (ctime). While all of them are the same, the file has not been written
// since it was hashed, and the hash is not read again. That is as safe as hashing: any write, truncation,
// rename over it or copy in its place changes the ctime (or the inode), and a process cannot set a ctime
// back (utimes sets mtime and atime and itself moves ctime to now); only root (the clock, the raw disk) can,
// and root on the runner could as well rewrite the recorded hash. File times can be coarse (a clock tick,
// or seconds on some file systems): a write just after the hash could keep the same ctime, so the identity
// is noted only for a file last changed at least IDENTITY_SETTLE_MS before it was hashed. When anything
// differs (another machine's cache restored, the file touched), the binary is hashed again.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './checksum.js';

/** `missing`: no record (an entry from before records, or from another tool); else the hash differs. */
export type CacheCheck =
  | {
      ok: true;
      sha256: string /** Whether it was read and hashed (else its identity vouched). */;
      hashed: boolean;
    }
  | { ok: false; missing: boolean; problem: string };

/** Longer than any file system's timestamp granularity (FAT's 2 s): see above. */
const IDENTITY_SETTLE_MS = 3_000;

/** What the file system says about a file without reading it; nanoseconds and inode numbers in full. */
interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

interface Verified {
  sha256: string;
  identity: FileIdentity;
}

function recordPath(dir: string, binary: string): string {
  return join(dir, `${binary}.sha256`);
}

function verifiedPath(dir: string, binary: string): string {
  return join(dir, `${binary}.verified`);
}

async function identityOf(path: string): Promise<FileIdentity> {
  const s = await stat(path, { bigint: true });
  const [dev, ino, size, mtimeNs, ctimeNs] = [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].map(String);
  return { dev: dev!, ino: ino!, size: size!, mtimeNs: mtimeNs!, ctimeNs: ctimeNs! };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs
  );
}

/** Writes `<sha256>  <binary>` beside the binary (sha256sum's format) and returns the hash. */
export async function recordBinaryHash(dir: string, binary: string): Promise<string> {
  const sha256 = await sha256File(join(dir, binary));
  await writeFile(recordPath(dir, binary), `${sha256}  ${binary}\n`, { mode: 0o644 });
  return sha256;
}

/** The identity noted when the binary last passed a hash check, if it was noted for this hash. */
async function readVerified(dir: string, binary: string, sha256: string): Promise<FileIdentity | undefined> {
  try {
    const verified = JSON.parse(await readFile(verifiedPath(dir, binary), 'utf8')) as Partial<Verified>;
    return verified.sha256 === sha256 && verified.identity ? verified.identity : undefined;
  } catch {
    return undefined; // none yet, or unreadable: the binary is hashed
  }
}

/** Notes the identity of a binary that just passed its hash check, when its times can vouch for it. */
async function noteVerified(dir: string, binary: string, verified: Verified, now: number): Promise<void> {
  const changedAtMs = Number(BigInt(verified.identity.ctimeNs) / 1_000_000n);
  if (now - changedAtMs < IDENTITY_SETTLE_MS) return;
  // Best effort: a read-only cache only means hashing again next time.
  await writeFile(verifiedPath(dir, binary), `${JSON.stringify(verified)}\n`, { mode: 0o644 }).catch(
    () => undefined,
  );
}

/** Whether the cached binary still has the hash recorded when it was installed. */
export async function checkBinaryHash(dir: string, binary: string, now = Date.now()): Promise<CacheCheck> {
  const file = recordPath(dir, binary);
  if (!existsSync(file))
    return { ok: false, missing: true, problem: 'it has no SHA-256 recorded at install time' };
  const recorded = /^([0-9a-f]{64})\s/.exec(await readFile(file, 'utf8'))?.[1];
  if (!recorded)
    return { ok: false, missing: false, problem: `its ${binary}.sha256 is not a SHA-256 record` };
  const path = join(dir, binary);
  const before = await identityOf(path);
  const noted = await readVerified(dir, binary, recorded);
  if (noted && sameIdentity(noted, before)) return { ok: true, sha256: recorded, hashed: false };
  const actual = await sha256File(path);
  if (actual !== recorded) {
    return {
      ok: false,
      missing: false,
      problem: `its ${binary} has SHA-256 ${actual}, not the ${recorded} recorded at install time`,
    };
  }
  // Noted only when nothing changed the file while it was read.
  const after = await identityOf(path);
  if (sameIdentity(before, after)) await noteVerified(dir, binary, { sha256: actual, identity: after }, now);
  return { ok: true, sha256: actual, hashed: true };
}

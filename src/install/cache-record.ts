// The tool-cache entry's proof of origin: when the action installs flux, it writes the SHA-256 of the
// binary it extracted from the verified release archive beside it; on a cache hit the binary must still
// have that hash. An entry named after the right version but holding another file (written by another
// tool, or changed since) is not trusted; the installer then downloads the release again.
//
// Hashing the 70-odd MB binary and running it (`flux version`) on every step costs a few hundred
// milliseconds, so once a cached binary has passed both checks, the installer notes beside it
// (`flux.verified`) its hash, the version it reported and its identity: device, inode, size, and the times
// of its last write (mtime) and last change (ctime). While the identity is the same, the file has not been
// written since it was hashed and run: it is neither read nor run again. That is as safe as checking: any
// write, truncation, rename over it or copy in its place changes the ctime (or the inode), and a process
// cannot set a ctime back (utimes sets mtime and atime and itself moves ctime to now); only root (the
// clock, the raw disk) can, and root on the runner could as well rewrite the recorded hash. File times can
// be coarse (a clock tick, or seconds on some file systems): a write just after the hash could keep the
// same ctime, so the identity is noted only for a file last changed at least IDENTITY_SETTLE_MS before the
// check began. When anything differs (another machine's cache restored, the file touched, another version
// asked for), the binary is hashed and run again. The small files are read synchronously: a cache hit is
// then over before the command's code has loaded.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './checksum.js';

/** `missing`: no record (an entry from before records, or from another tool); else the hash differs. */
export type CacheCheck =
  | {
      ok: true;
      sha256: string;
      /** The version the binary reported when its identity was noted; absent when it was hashed now. */
      version?: string;
      /** When it was hashed now and nothing changed it meanwhile: its identity for noteVerified. */
      hashed?: { identity: FileIdentity; atMs: number };
    }
  | { ok: false; missing: boolean; problem: string };

/** Longer than any file system's timestamp granularity (FAT's 2 s): see above. */
const IDENTITY_SETTLE_MS = 3_000;

/** What the file system says about a file without reading it; nanoseconds and inode numbers in full. */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

/** What is noted beside a binary that passed its hash and version checks. */
export interface Verified {
  sha256: string;
  identity: FileIdentity;
  version: string;
}

function recordPath(dir: string, binary: string): string {
  return join(dir, `${binary}.sha256`);
}

function verifiedPath(dir: string, binary: string): string {
  return join(dir, `${binary}.verified`);
}

function identityOf(path: string): FileIdentity {
  const s = statSync(path, { bigint: true });
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

/** What was noted when the binary last passed its checks, if it was noted for this hash. */
function readVerified(dir: string, binary: string, sha256: string): Verified | undefined {
  try {
    const noted = JSON.parse(readFileSync(verifiedPath(dir, binary), 'utf8')) as Partial<Verified>;
    const complete = noted.identity && typeof noted.version === 'string';
    return noted.sha256 === sha256 && complete ? (noted as Verified) : undefined;
  } catch {
    return undefined; // none yet, or unreadable: the binary is hashed and run
  }
}

/**
 * Notes the identity of a binary that passed its hash check at `checkedAtMs` and then reported `version`,
 * when its times can vouch for it: last changed IDENTITY_SETTLE_MS before the check began.
 */
export async function noteVerified(
  dir: string,
  binary: string,
  verified: Verified,
  checkedAtMs: number,
): Promise<void> {
  const changedAtMs = Number(BigInt(verified.identity.ctimeNs) / 1_000_000n);
  if (checkedAtMs - changedAtMs < IDENTITY_SETTLE_MS) return;
  // Best effort: a read-only cache only means checking again next time.
  await writeFile(verifiedPath(dir, binary), `${JSON.stringify(verified)}\n`, { mode: 0o644 }).catch(
    () => undefined,
  );
}

/** Whether the cached binary still has the hash recorded when it was installed. */
export async function checkBinaryHash(dir: string, binary: string): Promise<CacheCheck> {
  const file = recordPath(dir, binary);
  if (!existsSync(file))
    return { ok: false, missing: true, problem: 'it has no SHA-256 recorded at install time' };
  const recorded = /^([0-9a-f]{64})\s/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!recorded)
    return { ok: false, missing: false, problem: `its ${binary}.sha256 is not a SHA-256 record` };
  const path = join(dir, binary);
  const atMs = Date.now();
  const before = identityOf(path);
  const noted = readVerified(dir, binary, recorded);
  if (noted && sameIdentity(noted.identity, before))
    return { ok: true, sha256: recorded, version: noted.version };
  const actual = await sha256File(path);
  if (actual !== recorded) {
    return {
      ok: false,
      missing: false,
      problem: `its ${binary} has SHA-256 ${actual}, not the ${recorded} recorded at install time`,
    };
  }
  // Its identity vouches for it later only if nothing changed the file while it was read.
  const after = identityOf(path);
  return {
    ok: true,
    sha256: actual,
    ...(sameIdentity(before, after) ? { hashed: { identity: after, atMs } } : {}),
  };
}

// A release mirror on loopback laid out like the flux2 GitHub releases, serving the locally built flux CLI,
// so the action installs it through its normal `download-url` path.
//   <url>/v<ver>/flux_<ver>_linux_amd64.tar.gz and <url>/v<ver>/flux_<ver>_checksums.txt
// Under <badChecksumUrl> the same layout serves a checksums file that does not match the archive.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closeServer } from './git-server.js';
import { tarGz } from './tar.js';

export interface MirrorInfo {
  /** Base URL for `download-url`. */
  url: string;
  /** Same layout; its checksums file lists a wrong sha256 for the archive. */
  badChecksumUrl: string;
  version: string;
  archiveName: string;
  /** sha256 of the archive, as the checksums file at `url` lists it. */
  archiveSha256: string;
  /** sha256 of the flux binary inside the archive. */
  binarySha256: string;
}

export interface ReleaseMirror {
  info: MirrorInfo;
  /** Requests served per path, e.g. to tell a cached install from a download. */
  requests(): Record<string, number>;
  stop(): Promise<void>;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The release archive of the binary, built once per binary into `cacheDir` (atomically). */
async function releaseArchive(fluxBinary: string, version: string, cacheDir: string) {
  const archiveName = `flux_${version}_linux_amd64.tar.gz`;
  const archivePath = join(cacheDir, archiveName);
  const binary = await readFile(fluxBinary);
  const binarySha256 = sha256(binary);
  const stampPath = `${archivePath}.binary-sha256`;
  const stamp = await readFile(stampPath, 'utf8').catch(() => '');
  if (stamp.trim() !== binarySha256) {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${archivePath}.tmp-${process.pid}`;
    await writeFile(tmp, await tarGz([{ path: 'flux', content: binary, mode: 0o755 }]));
    await rename(tmp, archivePath);
    await writeFile(stampPath, `${binarySha256}\n`);
  }
  const archiveSha256 = sha256(await readFile(archivePath));
  return { archiveName, archivePath, archiveSha256, binarySha256 };
}

export async function startReleaseMirror(
  fluxBinary: string,
  version: string,
  cacheDir: string,
): Promise<ReleaseMirror> {
  const archive = await releaseArchive(fluxBinary, version, cacheDir);
  const checksumsName = `flux_${version}_checksums.txt`;
  const wrong = sha256(Buffer.from(`not the archive ${archive.archiveSha256}`));
  const checksums = (sum: string) => `${sum}  ${archive.archiveName}\n`;
  const counts: Record<string, number> = {};

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://lab').pathname;
    counts[path] = (counts[path] ?? 0) + 1;
    const bad = path.startsWith('/bad-checksum/');
    const rest = bad ? path.slice('/bad-checksum'.length) : path;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
    } else if (rest === `/v${version}/${checksumsName}`) {
      const body = checksums(bad ? wrong : archive.archiveSha256);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else if (rest === `/v${version}/${archive.archiveName}`) {
      const { size } = await stat(archive.archivePath);
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(archive.archivePath).pipe(res);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`no release asset at ${path}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    info: {
      url,
      badChecksumUrl: `${url}/bad-checksum`,
      version,
      archiveName: archive.archiveName,
      archiveSha256: archive.archiveSha256,
      binarySha256: archive.binarySha256,
    },
    requests: () => ({ ...counts }),
    stop: () => closeServer(server),
  };
}

// A fake flux release host on 127.0.0.1 for tests and benchmarks: it serves real .tar.gz/.zip archives
// holding a small executable `flux` script, the release's checksums file, the GitHub API's latest release
// and the `/releases/latest` redirect, records every request, and can be told to misbehave.
// Only erasable TypeScript here: scripts/bench runs this file with Node's type stripping.

import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * A status to answer with (and a Retry-After), a body cut off halfway (Content-Length announces it
 * whole), a 200 with `oversize` bytes of padding instead of the file, with or without Content-Length, or
 * no answer at all: the connection stays open and silent (a host that stopped responding).
 */
export type Fault =
  | { status: number; retryAfter?: string }
  | { truncate: true }
  | { oversize: number; announced: boolean }
  | { stall: true };

export interface ReleaseServerOptions {
  /** What `latest` resolves to, through the API and the redirect. Default 2.9.6. */
  latest?: string;
  /** Releases that exist; any other version answers 404. Default: every version exists. */
  versions?: string[];
  /** `user:password` the release downloads require as Basic authorization (an artifact proxy). */
  basicAuth?: string;
}

export interface ReleaseServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The `download-url` input for this server. */
  downloadUrl: string;
  /** GITHUB_API_URL and GITHUB_SERVER_URL pointing at this server. */
  githubEnv: { GITHUB_API_URL: string; GITHUB_SERVER_URL: string };
  requests: RecordedRequest[];
  /** Requests whose path contains `match` (or matches it); all requests without one. */
  count(match?: string | RegExp): number;
  /** The next `times` requests whose path contains `match` get `fault` (Infinity: all of them). */
  inject(match: string | RegExp, fault: Fault, times?: number): void;
  /** The checksums file of `version` lists a wrong hash for `asset`. */
  tamperChecksum(version: string, asset: string): void;
  /** The checksums file of `version` has no line for `asset`. */
  dropChecksumLine(version: string, asset: string): void;
  /** The binary in `version`'s archives says it is `reported`. */
  reportVersion(version: string, reported: string): void;
  setLatest(version: string): void;
  /** The archive bytes as served. */
  archive(version: string, os: string, arch: string): Buffer;
  close(): Promise<void>;
}

export const RELEASE_PLATFORMS = [
  ['linux', 'amd64'],
  ['linux', 'arm64'],
  ['linux', 'arm'],
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
  ['windows', 'amd64'],
] as const;

/**
 * A POSIX shell script standing in for flux: it answers `flux version --client -o json`.
 * `label` (e.g. the asset's platform) makes each archive's bytes, and so its checksum, distinct.
 */
export function fakeFluxScript(reportedVersion: string, label = ''): string {
  return [
    '#!/bin/sh',
    `# fake flux ${label}`,
    `if [ "$1" = version ]; then echo '{"flux":"v${reportedVersion}"}'; exit 0; fi`,
    'echo "fake flux: $*" >&2',
    '',
  ].join('\n');
}

const FIXED_MTIME = new Date('2025-01-01T00:00:00Z');

/** A gzipped ustar archive of executable files. */
export function tarGz(files: Record<string, string | Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) =>
      header.write(value, offset, length, 'ascii');
    const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
    field(0, 100, name);
    field(100, 8, octal(0o755, 8));
    field(108, 8, octal(0, 8));
    field(116, 8, octal(0, 8));
    field(124, 12, octal(data.length, 12));
    field(136, 12, octal(Math.floor(FIXED_MTIME.getTime() / 1000), 12));
    field(148, 8, '        '); // checksum counts itself as spaces
    field(156, 1, '0');
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    let sum = 0;
    for (const byte of header) sum += byte;
    field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A deflated zip of executable files, made on Unix so unzip keeps the mode. */
export function zip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosTime = 0;
  const dosDate = ((FIXED_MTIME.getUTCFullYear() - 1980) << 9) | (1 << 5) | 1;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: external attributes hold the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

function releaseArchive(version: string, os: string, arch: string, reported: string): Buffer {
  const script = fakeFluxScript(reported, `v${version} ${os}/${arch}`);
  return os === 'windows' ? zip({ 'flux.exe': script }) : tarGz({ flux: script });
}

function assetOf(version: string, os: string, arch: string): string {
  return `flux_${version}_${os}_${arch}.${os === 'windows' ? 'zip' : 'tar.gz'}`;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const DOWNLOAD_PATH = '/fluxcd/flux2/releases/download/';
const API_PREFIX = '/api/v3';

export async function startReleaseServer(options: ReleaseServerOptions = {}): Promise<ReleaseServer> {
  let latest = options.latest ?? '2.9.6';
  const requests: RecordedRequest[] = [];
  const faults: Array<{ match: string | RegExp; fault: Fault; remaining: number }> = [];
  const tampered = new Set<string>();
  const dropped = new Set<string>();
  const reported = new Map<string, string>();
  const archives = new Map<string, Buffer>();

  const matches = (path: string, match: string | RegExp) =>
    typeof match === 'string' ? path.includes(match) : match.test(path);

  function archive(version: string, os: string, arch: string): Buffer {
    const says = reported.get(version) ?? version;
    const key = `${version} ${os} ${arch} ${says}`;
    let bytes = archives.get(key);
    if (!bytes) {
      bytes = releaseArchive(version, os, arch, says);
      archives.set(key, bytes);
    }
    return bytes;
  }

  function checksums(version: string): string {
    const lines: string[] = [];
    for (const [os, arch] of RELEASE_PLATFORMS) {
      const asset = assetOf(version, os, arch);
      if (dropped.has(`${version}/${asset}`)) continue;
      const hash = tampered.has(`${version}/${asset}`)
        ? sha256(Buffer.from('tampered'))
        : sha256(archive(version, os, arch));
      lines.push(`${hash}  ${asset}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** The body of a release file, or undefined when there is no such file. */
  function releaseFile(version: string, file: string): Buffer | undefined {
    if (options.versions && !options.versions.includes(version)) return undefined;
    if (file === `flux_${version}_checksums.txt`) return Buffer.from(checksums(version));
    for (const [os, arch] of RELEASE_PLATFORMS) {
      if (file === assetOf(version, os, arch)) return archive(version, os, arch);
    }
    return undefined;
  }

  function send(
    res: ServerResponse,
    status: number,
    body: Buffer | string,
    headers: Record<string, string> = {},
  ) {
    const bytes = Buffer.from(body);
    res.writeHead(status, { 'content-length': String(bytes.length), ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : bytes);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });

    const fault = faults.find((f) => f.remaining > 0 && matches(path, f.match));
    if (fault) fault.remaining--;
    if (fault && 'status' in fault.fault) {
      const { status, retryAfter } = fault.fault;
      return send(res, status, `injected ${status}\n`, retryAfter ? { 'retry-after': retryAfter } : {});
    }
    // Never answered; close() ends the connection.
    if (fault && 'stall' in fault.fault) return;
    if (fault && 'oversize' in fault.fault) {
      const padding = Buffer.alloc(fault.fault.oversize, 'x');
      if (fault.fault.announced) return send(res, 200, padding);
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: the size shows only as it arrives
      res.end(padding);
      return;
    }

    let body: Buffer | undefined;
    let type = 'application/octet-stream';
    if (path === '/fluxcd/flux2/releases/latest') {
      return send(res, 302, '', { location: `${base}/fluxcd/flux2/releases/tag/v${latest}` });
    }
    if (path === `${API_PREFIX}/repos/fluxcd/flux2/releases/latest`) {
      body = Buffer.from(JSON.stringify({ tag_name: `v${latest}`, name: `v${latest}`, draft: false }));
      type = 'application/json';
    } else if (path.startsWith(DOWNLOAD_PATH)) {
      const wanted = options.basicAuth && `Basic ${Buffer.from(options.basicAuth).toString('base64')}`;
      if (wanted && req.headers.authorization !== wanted) return send(res, 401, 'Unauthorized\n');
      const [tag, file, ...rest] = path.slice(DOWNLOAD_PATH.length).split('/');
      if (tag?.startsWith('v') && file && rest.length === 0) body = releaseFile(tag.slice(1), file);
    }
    if (!body) return send(res, 404, 'Not Found\n');

    if (fault && 'truncate' in fault.fault) {
      res.writeHead(200, { 'content-length': String(body.length), 'content-type': type });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    send(res, 200, body, { 'content-type': type });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    downloadUrl: `${base}${DOWNLOAD_PATH.slice(0, -1)}`,
    githubEnv: { GITHUB_API_URL: `${base}${API_PREFIX}`, GITHUB_SERVER_URL: base },
    requests,
    count: (match) =>
      match === undefined ? requests.length : requests.filter((r) => matches(r.path, match)).length,
    inject: (match, fault, times = 1) => {
      faults.push({ match, fault, remaining: times });
    },
    tamperChecksum: (version, asset) => {
      tampered.add(`${version}/${asset}`);
    },
    dropChecksumLine: (version, asset) => {
      dropped.add(`${version}/${asset}`);
    },
    reportVersion: (version, says) => {
      reported.set(version, says);
    },
    setLatest: (version) => {
      latest = version;
    },
    archive,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

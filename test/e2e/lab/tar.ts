// A minimal tar.gz writer (ustar, regular files only): enough for Helm charts and a release archive.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export interface TarEntry {
  path: string;
  content: Buffer | string;
  mode?: number;
}

const gzipAsync = promisify(gzip);
const BLOCK = 512;

function octal(value: number, width: number): string {
  // width includes the terminating NUL
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(path: string, size: number, mode: number, mtime: number): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`tar: path longer than 100 bytes: ${path}`);
  const h = Buffer.alloc(BLOCK);
  h.write(path, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum is computed with its own field as spaces
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** The entries as a gzip-compressed tar archive. */
export async function tarGz(entries: TarEntry[], mtime = Math.floor(Date.now() / 1000)): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
    parts.push(header(entry.path, body.length, entry.mode ?? 0o644, mtime), body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipAsync(Buffer.concat(parts));
}

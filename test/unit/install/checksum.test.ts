import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecksums, sha256File, verifyChecksum } from '../../../src/install/checksum.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

describe('parseChecksums', () => {
  it('reads `<sha256>  <file>` lines, sha256sum binary marks and CRLF, and skips the rest', () => {
    const text = `${A}  flux_2.9.5_linux_amd64.tar.gz\r\n${B} *flux_2.9.5_windows_amd64.zip\n\nnot a checksum line\n`;
    expect(parseChecksums(text)).toEqual(
      new Map([
        ['flux_2.9.5_linux_amd64.tar.gz', A],
        ['flux_2.9.5_windows_amd64.zip', B.toLowerCase()],
      ]),
    );
  });
});

describe('verifyChecksum', () => {
  let dir: string;
  let file: string;
  // sha256("hello\n")
  const HELLO = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'checksum-test-'));
    file = join(dir, 'archive.tar.gz');
    await writeFile(file, 'hello\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes the file', async () => {
    expect(await sha256File(file)).toBe(HELLO);
  });

  it('accepts the listed hash, whatever its case', async () => {
    await expect(
      verifyChecksum(file, 'x.tar.gz', `${HELLO.toUpperCase()}  x.tar.gz\n`, 'sums.txt'),
    ).resolves.toBe(HELLO);
  });

  it('does not take the line of a file whose name merely contains the asset name', async () => {
    await expect(verifyChecksum(file, 'x.tar.gz', `${HELLO}  other-x.tar.gz\n`, 'sums.txt')).rejects.toThrow(
      'sums.txt has no line for x.tar.gz',
    );
  });
});

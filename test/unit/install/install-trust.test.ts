// What the installer trusts: answers no larger than a checksums file or a release's JSON can be, a Retry-After
// from the release host, and a tool-cache entry only while its binary has the SHA-256 recorded when the action
// installed it from a verified archive.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InstallConfig } from '../../../src/inputs/types.js';
import { checkBinaryHash } from '../../../src/install/cache-record.js';
import { type InstallOptions, installFlux } from '../../../src/install/installer.js';
import { platformFor } from '../../../src/install/platform.js';
import { fakeFluxScript, type ReleaseServer, startReleaseServer } from '../../helpers/release-server.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';

const ASSET = 'flux_2.9.5_linux_amd64.tar.gz';
const SUMS = 'flux_2.9.5_checksums.txt';

let server: ReleaseServer;
let runner: RunnerEnv;

beforeEach(async () => {
  runner = await fakeRunner();
  server = await startReleaseServer({ latest: '2.9.6', versions: ['2.9.5', '2.9.6'] });
});
afterEach(async () => {
  await server.close();
  await runner.restore();
});

const config = (version: string, extra: Partial<InstallConfig> = {}): InstallConfig => ({
  install: true,
  version,
  downloadUrl: server.downloadUrl,
  allowInsecureDownload: false,
  token: '',
  ...extra,
});
const options = (): InstallOptions => ({
  platform: platformFor('Linux', 'X64'),
  github: { apiUrl: server.githubEnv.GITHUB_API_URL, serverUrl: server.githubEnv.GITHUB_SERVER_URL },
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
});
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('answers larger than expected', () => {
  it('refuses a checksums file of megabytes, announced or not, without retrying', async () => {
    for (const announced of [true, false]) {
      server.inject(SUMS, { oversize: 3 * 1024 * 1024, announced });
      await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
        /flux_2\.9\.5_checksums\.txt: the answer is larger than 64\.0 KiB, far more than expected; refusing to read it/,
      );
    }
    expect(server.count(SUMS)).toBe(2);
    expect(tc.find('flux2', '2.9.5', 'amd64')).toBe('');
  });

  it("refuses the GitHub API's answer beyond 1 MiB, then asks the releases page", async () => {
    server.inject('/api/', { oversize: 2 * 1024 * 1024, announced: false });
    const flux = await installFlux(config('latest', { token: 'ghs_t' }), options());
    expect(flux.version).toBe('2.9.6');
    expect(runner.stdout()).toMatch(/larger than 1\.0 MiB.*asking the releases page/);
  });
});

describe('Retry-After from the release host', () => {
  it('waits what the server asks, and gives up on a wait longer than a minute', async () => {
    server.inject(ASSET, { status: 503, retryAfter: '1' });
    await installFlux(config('2.9.5'), options());
    expect(runner.stdout()).toMatch(/HTTP 503.*retrying in 1s \(attempt 2 of 3\)/);

    server.inject(SUMS.replace('2.9.5', '2.9.6'), { status: 429, retryAfter: '3600' }, 5);
    await expect(installFlux(config('2.9.6'), options())).rejects.toThrow(/HTTP 429/);
    expect(server.count(SUMS.replace('2.9.5', '2.9.6'))).toBe(1);
  });
});

describe('the tool cache entry', () => {
  const cachedBinary = () => join(runner.toolCache, 'flux2', '2.9.5', 'amd64', 'flux');

  it("records the binary's SHA-256 beside it at install time", async () => {
    await installFlux(config('2.9.5'), options());
    const record = await readFile(`${cachedBinary()}.sha256`, 'utf8');
    expect(record).toBe(`${sha256(readFileSync(cachedBinary()))}  flux\n`);
  });

  it('is used while the binary has the recorded hash, without a request', async () => {
    await installFlux(config('2.9.5'), options());
    const requests = server.count();
    const again = await installFlux(config('2.9.5'), options());
    expect(again.cached).toBe(true);
    expect(server.count()).toBe(requests);
  });

  it('is replaced by a fresh download when the binary changed since, with a warning', async () => {
    await installFlux(config('2.9.5'), options());
    // Another flux that also says it is 2.9.5: the version check alone would accept it.
    await writeFile(cachedBinary(), fakeFluxScript('2.9.5', 'not from the release'), { mode: 0o755 });
    const again = await installFlux(config('2.9.5'), options());
    expect(again.cached).toBe(false);
    expect(server.count(`/v2.9.5/${ASSET}`)).toBe(2);
    expect(runner.stdout()).toMatch(
      /::warning::The tool cache entry \S+ is not used: its flux has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} recorded at install time/,
    );
    expect(await readFile(`${cachedBinary()}.sha256`, 'utf8')).toBe(
      `${sha256(readFileSync(cachedBinary()))}  flux\n`,
    );
    expect(readFileSync(cachedBinary(), 'utf8')).not.toContain('not from the release');
  });

  it('is not trusted when it has no record (put there by another tool)', async () => {
    const source = join(runner.dir, 'other-tool');
    await mkdir(source);
    await writeFile(join(source, 'flux'), fakeFluxScript('2.9.5', 'other tool'), { mode: 0o755 });
    await tc.cacheDir(source, 'flux2', '2.9.5', 'amd64');
    const flux = await installFlux(config('2.9.5'), options());
    expect(flux.cached).toBe(false);
    expect(runner.stdout()).toContain('is not used: it has no SHA-256 recorded at install time');
    expect(readFileSync(cachedBinary(), 'utf8')).not.toContain('other tool');
  });

  describe('read and run again only when the binary may have changed since its last check', () => {
    const entry = () => join(runner.toolCache, 'flux2', '2.9.5', 'amd64');
    const notRunAgain = /reported flux 2\.9\.5 when its identity was noted; not run again/;

    afterEach(() => {
      vi.useRealTimers();
    });

    /** A later step: the binary's last change is then a minute old. */
    const aMinuteLater = () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 60_000);
    };

    it('notes the identity and version of a binary that passed, then neither reads nor runs it', async () => {
      await installFlux(config('2.9.5'), options());
      aMinuteLater();
      expect((await installFlux(config('2.9.5'), options())).cached).toBe(true);
      const noted = JSON.parse(await readFile(`${cachedBinary()}.verified`, 'utf8'));
      expect(noted).toMatchObject({ sha256: sha256(readFileSync(cachedBinary())), version: '2.9.5' });
      expect(runner.stdout()).not.toMatch(notRunAgain);
      expect(await checkBinaryHash(entry(), 'flux')).toEqual({
        ok: true,
        sha256: noted.sha256,
        version: '2.9.5',
      });
      const again = await installFlux(config('2.9.5'), options());
      expect(again.cached).toBe(true);
      expect(runner.stdout()).toMatch(notRunAgain);
      expect(runner.stdout()).toMatch(/is unchanged since it was checked against the recorded SHA-256/);
    });

    it('notes nothing for a binary changed a moment ago (its times could still match a write)', async () => {
      await installFlux(config('2.9.5'), options());
      expect((await installFlux(config('2.9.5'), options())).cached).toBe(true);
      expect(existsSync(`${cachedBinary()}.verified`)).toBe(false);
    });

    it('reads a binary rewritten with the same size and its old mtime put back, and refuses it', async () => {
      await installFlux(config('2.9.5'), options());
      aMinuteLater();
      await installFlux(config('2.9.5'), options());
      expect(existsSync(`${cachedBinary()}.verified`)).toBe(true);
      const original = readFileSync(cachedBinary());
      const { atime, mtime } = await stat(cachedBinary());
      const forged = Buffer.from(original);
      forged[forged.length - 2] = forged[forged.length - 2]! ^ 1;
      await writeFile(cachedBinary(), forged);
      await utimes(cachedBinary(), atime, mtime);
      expect(await checkBinaryHash(entry(), 'flux')).toMatchObject({
        ok: false,
        missing: false,
        problem: expect.stringMatching(/not the [0-9a-f]{64} recorded at install time/),
      });
    });

    it('reads and runs it again when the note is of another hash, or of another version', async () => {
      await installFlux(config('2.9.5'), options());
      aMinuteLater();
      await installFlux(config('2.9.5'), options());
      const noted = JSON.parse(await readFile(`${cachedBinary()}.verified`, 'utf8'));
      await writeFile(`${cachedBinary()}.verified`, JSON.stringify({ ...noted, sha256: 'f'.repeat(64) }));
      expect(await checkBinaryHash(entry(), 'flux')).toMatchObject({ ok: true, hashed: expect.anything() });
      await writeFile(`${cachedBinary()}.verified`, JSON.stringify({ ...noted, version: '2.9.4' }));
      const check = await checkBinaryHash(entry(), 'flux');
      expect(check).toMatchObject({ ok: true, version: '2.9.4' });
      const skipped = () => runner.stdout().match(new RegExp(notRunAgain.source, 'g'))?.length ?? 0;
      const before = skipped();
      expect((await installFlux(config('2.9.5'), options())).cached).toBe(true);
      expect(skipped()).toBe(before);
    });
  });
});

// installFlux against a real HTTP server on 127.0.0.1 and the real @actions/tool-cache in a temp directory.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/base/deadline.js';
import type { InstallConfig } from '../../../src/inputs/types.js';
import {
  type InstallOptions,
  installFlux,
  installStep,
  useFluxOnPath,
} from '../../../src/install/installer.js';
import { platformFor } from '../../../src/install/platform.js';
import { reportInstalled } from '../../../src/report/report.js';
import { fakeFluxScript, type ReleaseServer, startReleaseServer } from '../../helpers/release-server.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';

const LINUX = platformFor('Linux', 'X64');
const ASSET = 'flux_2.9.5_linux_amd64.tar.gz';
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

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

function config(version: string, extra: Partial<InstallConfig> = {}): InstallConfig {
  return {
    install: true,
    version,
    downloadUrl: server.downloadUrl,
    allowInsecureDownload: false,
    token: '',
    ...extra,
  };
}

function options(extra: InstallOptions = {}): InstallOptions {
  const { GITHUB_API_URL: apiUrl, GITHUB_SERVER_URL: serverUrl } = server.githubEnv;
  return { platform: LINUX, github: { apiUrl, serverUrl }, retry: FAST_RETRY, ...extra };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('installFlux from the release host', () => {
  it('downloads, verifies, extracts, caches and adds flux to PATH', async () => {
    const flux = await installFlux(config('2.9.5'), options());

    const dir = join(runner.toolCache, 'flux2', '2.9.5', 'amd64');
    expect(flux).toEqual({ version: '2.9.5', path: join(dir, 'flux'), cached: false });
    accessSync(flux.path, constants.X_OK);
    expect(await runner.addedPath()).toEqual([dir]);
    expect(process.env.PATH?.startsWith(dir)).toBe(true);
    expect(server.count(`/v2.9.5/${ASSET}`)).toBe(1);
    expect(server.count('/v2.9.5/flux_2.9.5_checksums.txt')).toBe(1);
    expect(readdirSync(runner.runnerTemp)).toEqual([]); // the download directory is gone
    const log = runner.stdout();
    expect(log).toMatch(
      new RegExp(`Downloaded \\S+/${ASSET} \\(\\d+ B\\) and flux_2.9.5_checksums.txt in \\d+`),
    );
    expect(log).toContain(
      `Verified the SHA-256 of ${ASSET}: ${sha256(server.archive('2.9.5', 'linux', 'amd64'))}`,
    );
    expect(log).toMatch(/flux 2\.9\.5 is on PATH: .*\(installed in \d+/);
  });

  it('accepts the version with a leading v', async () => {
    expect((await installFlux(config('v2.9.5'), options())).version).toBe('2.9.5');
  });

  it('installs the Windows zip (flux.exe) the same way', async () => {
    const flux = await installFlux(config('2.9.5'), options({ platform: platformFor('Windows', 'X64') }));
    expect(flux.path).toBe(join(runner.toolCache, 'flux2', '2.9.5', 'amd64', 'flux.exe'));
    expect(server.count('/v2.9.5/flux_2.9.5_windows_amd64.zip')).toBe(1);
    expect(server.count('.tar.gz')).toBe(0);
  });

  it('makes no request at all when the exact version is in the tool cache', async () => {
    const first = await installFlux(config('2.9.5'), options());
    await server.close();
    const requestsBefore = server.count();

    const second = await installFlux(config('2.9.5'), options());

    expect(second).toEqual({ ...first, cached: true });
    expect(server.count()).toBe(requestsBefore);
    expect(runner.stdout()).toMatch(/Found flux 2\.9\.5 for linux\/amd64 in the tool cache/);
    server = await startReleaseServer(); // afterEach closes it
  });

  it('refuses an archive whose SHA-256 does not match, and caches nothing', async () => {
    server.tamperChecksum('2.9.5', ASSET);
    const actual = sha256(server.archive('2.9.5', 'linux', 'amd64'));
    const expected = sha256(Buffer.from('tampered'));

    await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
      `SHA-256 mismatch for ${ASSET}: flux_2.9.5_checksums.txt expects ${expected}, the download is ${actual}`,
    );
    expect(tc.find('flux2', '2.9.5', 'amd64')).toBe('');
    expect(await runner.addedPath()).toEqual([]);
  });

  it('refuses an archive the checksums file does not list', async () => {
    server.dropChecksumLine('2.9.5', ASSET);
    await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
      `flux_2.9.5_checksums.txt has no line for ${ASSET}`,
    );
    expect(tc.find('flux2', '2.9.5', 'amd64')).toBe('');
  });

  it('says that a version does not exist on a 404, without retrying', async () => {
    await expect(installFlux(config('2.9.99'), options())).rejects.toThrow(
      `flux v2.9.99 does not exist at ${server.downloadUrl}/v2.9.99/flux_2.9.99_checksums.txt: ` +
        'check the `version` input (or your `download-url` mirror)',
    );
    expect(server.count()).toBe(1);
  });

  it('says the same when only the archive is missing (a mirror without this platform)', async () => {
    server.inject(ASSET, { status: 404 });
    await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
      `flux v2.9.5 does not exist at ${server.downloadUrl}/v2.9.5/${ASSET}`,
    );
  });

  it('retries a 503 and succeeds', async () => {
    server.inject(ASSET, { status: 503 }, 2);
    const flux = await installFlux(config('2.9.5'), options());
    expect(flux.cached).toBe(false);
    expect(server.count(ASSET)).toBe(3);
    expect(runner.stdout()).toMatch(/HTTP 503.*retrying in \d+ms \(attempt 2 of 3\)/);
  });

  it('gives up on a 503 that lasts, naming the URL and the status', async () => {
    server.inject(ASSET, { status: 503 }, Number.POSITIVE_INFINITY);
    await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
      new RegExp(`GET \\S+/${ASSET} failed after 3 attempts: .*HTTP 503`),
    );
    expect(server.count(ASSET)).toBe(3);
  });

  it('stops a download that gets no answer when the deadline passes, naming the timeout', async () => {
    server.inject(ASSET, { stall: true }, Number.POSITIVE_INFINITY);
    // Left to itself, the download would wait for its 60 s socket timeout (past the test's 30 s).
    await expect(installFlux(config('2.9.5'), options({ deadline: Deadline.after(500) }))).rejects.toThrow(
      new RegExp(`GET \\S+/${ASSET.replaceAll('.', '\\.')}: stopped when the 500ms timeout ran out`),
    );
    expect(tc.find('flux2', '2.9.5', 'amd64')).toBe('');
  });

  it('retries a body cut off before its Content-Length and succeeds', async () => {
    server.inject(ASSET, { truncate: true });
    const flux = await installFlux(config('2.9.5'), options());
    expect(flux.version).toBe('2.9.5');
    expect(server.count(ASSET)).toBe(2);
    expect(runner.stdout()).toMatch(/cut off after \d+ of \d+ bytes/);
  });

  it('fails clearly when the body is always cut off', async () => {
    server.inject(ASSET, { truncate: true }, Number.POSITIVE_INFINITY);
    await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
      /failed after 3 attempts: .*the body was cut off after \d+ of \d+ bytes/,
    );
    expect(tc.find('flux2', '2.9.5', 'amd64')).toBe('');
  });

  it('refuses a binary that reports another version, and caches nothing', async () => {
    server.reportVersion('2.9.5', '2.9.4');
    await expect(installFlux(config('2.9.5'), options())).rejects.toThrow(
      /flux reports flux 2\.9\.4, but 2\.9\.5 was requested: \S+ does not hold the release it is named after/,
    );
    expect(tc.find('flux2', '2.9.5', 'amd64')).toBe('');
  });

  it('fails with the retries exhausted when nothing listens', async () => {
    const url = server.downloadUrl;
    await server.close();
    await expect(installFlux(config('2.9.5', { downloadUrl: url }), options())).rejects.toThrow(
      /failed after 3 attempts: .*ECONNREFUSED/,
    );
    server = await startReleaseServer();
  });
});

describe('installFlux with `latest`', () => {
  it('asks the GitHub API with the token as a Bearer token', async () => {
    const flux = await installFlux(config('latest', { token: 'ghs_test-token' }), options());
    expect(flux.version).toBe('2.9.6');
    const api = server.requests.filter((r) => r.path.endsWith('/repos/fluxcd/flux2/releases/latest'));
    expect(api).toHaveLength(1);
    expect(api[0]?.headers.authorization).toBe('Bearer ghs_test-token');
    expect(server.count('/fluxcd/flux2/releases/latest')).toBe(1); // the API call only, no redirect
    expect(runner.stdout()).not.toContain('ghs_test-token');
  });

  it('follows the releases/latest redirect without a token, and never calls the API', async () => {
    const flux = await installFlux(config('latest'), options());
    expect(flux.version).toBe('2.9.6');
    expect(server.count('/api/')).toBe(0);
    expect(server.requests.filter((r) => r.path === '/fluxcd/flux2/releases/latest')).toHaveLength(1);
  });

  it('falls back to the redirect when the API refuses the token', async () => {
    server.inject('/api/', { status: 401 });
    const flux = await installFlux(config('latest', { token: 'expired' }), options());
    expect(flux.version).toBe('2.9.6');
    expect(runner.stdout()).toMatch(/HTTP 401.*asking the releases page/);
  });

  it('explains what to do when neither way answers', async () => {
    server.inject('/api/', { status: 403 });
    server.inject('/releases/latest', { status: 500 }, Number.POSITIVE_INFINITY);
    await expect(installFlux(config('latest', { token: 't' }), options())).rejects.toThrow(
      /Could not resolve `version: latest` \(.*HTTP 403.*HTTP 500.*\)\. Set the `version` input to an exact release/,
    );
  });

  it('resolves latest, then finds it in the tool cache without downloading again', async () => {
    await installFlux(config('latest'), options());
    const downloads = server.count('/releases/download/');
    const again = await installFlux(config('latest'), options());
    expect(again.cached).toBe(true);
    expect(server.count('/releases/download/')).toBe(downloads);
  });
});

describe('platform', () => {
  it('refuses a platform flux publishes no CLI for, before any request', async () => {
    process.env.RUNNER_OS = 'Windows';
    process.env.RUNNER_ARCH = 'ARM64';
    const { platform: _detected, ...rest } = options();
    await expect(installFlux(config('2.9.5'), rest)).rejects.toThrow(
      'flux publishes no CLI for Windows/ARM64: the supported runners are linux/amd64, linux/arm64, linux/arm, ' +
        'darwin/amd64, darwin/arm64, windows/amd64',
    );
    expect(server.count()).toBe(0);
  });
});

describe('install: false', () => {
  async function fluxOnPath(version: string): Promise<string> {
    const bin = join(runner.dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'flux'), fakeFluxScript(version), { mode: 0o755 });
    process.env.PATH = bin;
    return join(bin, 'flux');
  }

  it('uses the flux on PATH and reports its version', async () => {
    const path = await fluxOnPath('2.8.1');
    expect(await useFluxOnPath()).toEqual({ version: '2.8.1', path });
    expect(server.count()).toBe(0);
  });

  it('warns when an exact `version` differs from the flux on PATH', async () => {
    await fluxOnPath('2.8.1');
    await useFluxOnPath('2.9.5');
    expect(runner.stdout()).toMatch(/::warning::flux on PATH is 2\.8\.1; the `version` input \(2\.9\.5\)/);
  });

  it('fails clearly when there is no flux on PATH', async () => {
    const empty = join(runner.dir, 'empty');
    await mkdir(empty);
    process.env.PATH = empty;
    await expect(useFluxOnPath()).rejects.toThrow(
      'There is no flux on PATH, and `install` is false: set `install: true`, or install flux in an earlier step.',
    );
  });

  it('ignores a flux on PATH that is not executable', async () => {
    const bin = join(runner.dir, 'noexec');
    await mkdir(bin);
    await writeFile(join(bin, 'flux'), fakeFluxScript('2.8.1'), { mode: 0o644 });
    process.env.PATH = bin;
    await expect(useFluxOnPath()).rejects.toThrow(/There is no flux on PATH/);
  });
});

describe('installStep, then the report of it', () => {
  it('sets flux-version (without v) and flux-path after installing', async () => {
    const flux = await installStep(config('v2.9.5'), options());
    reportInstalled(flux);
    const outputs = await runner.outputs();
    expect(outputs).toMatch(/^flux-version<<(\S+)\n2\.9\.5\n\1$/m);
    expect(outputs).toContain(`\n${flux.path}\n`);
    expect(existsSync(flux.path)).toBe(true);
  });

  it('sets the outputs for the flux on PATH with install: false', async () => {
    const bin = join(runner.dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'flux'), fakeFluxScript('2.8.1'), { mode: 0o755 });
    process.env.PATH = bin;
    reportInstalled(await installStep(config('latest', { install: false }), options()));
    expect(await runner.outputs()).toMatch(/^flux-version<<(\S+)\n2\.8\.1\n\1$/m);
    expect(server.count()).toBe(0);
  });
});

describe('a mirror whose download-url carries credentials', () => {
  let mirror: ReleaseServer;

  beforeEach(async () => {
    mirror = await startReleaseServer({ versions: ['2.9.5'], basicAuth: 'robot:s3cret pass' });
  });

  afterEach(async () => {
    await mirror.close();
  });

  const withUserinfo = (userinfo: string) => mirror.downloadUrl.replace('http://', `http://${userinfo}@`);

  it('sends them as Basic authorization and never prints them', async () => {
    const flux = await installFlux(
      config('2.9.5', { downloadUrl: withUserinfo('robot:s3cret%20pass') }),
      options(),
    );
    expect(flux.version).toBe('2.9.5');
    expect(mirror.count('/releases/download/')).toBe(2);
    expect(runner.stdout()).toContain(`Downloaded http://***@127.0.0.1:`);
    expect(runner.stdout()).not.toContain('s3cret');
  });

  it('fails on wrong credentials without retrying, and without printing them', async () => {
    const install = installFlux(config('2.9.5', { downloadUrl: withUserinfo('robot:wrong') }), options());
    await expect(install).rejects.toThrow(
      /^GET http:\/\/\*\*\*@127\.0\.0\.1:\d+\/\S+: HTTP 401 Unauthorized$/,
    );
    await expect(install).rejects.not.toThrow(/wrong/);
    expect(mirror.count()).toBe(1);
  });
});

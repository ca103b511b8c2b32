import { describe, expect, it } from 'vitest';
import { assetName, detectPlatform, platformFor } from '../../../src/install/platform.js';

describe('platformFor', () => {
  it.each([
    ['Linux', 'X64', 'flux_2.9.5_linux_amd64.tar.gz'],
    ['Linux', 'ARM64', 'flux_2.9.5_linux_arm64.tar.gz'],
    ['Linux', 'ARM', 'flux_2.9.5_linux_arm.tar.gz'],
    ['macOS', 'X64', 'flux_2.9.5_darwin_amd64.tar.gz'],
    ['macOS', 'ARM64', 'flux_2.9.5_darwin_arm64.tar.gz'],
    ['Windows', 'X64', 'flux_2.9.5_windows_amd64.zip'],
    ['linux', 'x64', 'flux_2.9.5_linux_amd64.tar.gz'], // process.platform / process.arch spelling
    ['darwin', 'arm64', 'flux_2.9.5_darwin_arm64.tar.gz'],
    ['win32', 'x64', 'flux_2.9.5_windows_amd64.zip'],
  ])('%s %s → %s', (os, arch, asset) => {
    expect(assetName('2.9.5', platformFor(os, arch))).toBe(asset);
  });

  it('names flux.exe on Windows', () => {
    expect(platformFor('Windows', 'X64').binary).toBe('flux.exe');
    expect(platformFor('Linux', 'X64').binary).toBe('flux');
  });

  it.each([
    ['Windows', 'ARM64'],
    ['Linux', 'X86'],
    ['macOS', 'ARM'],
    ['FreeBSD', 'X64'],
  ])('refuses %s %s, listing what is supported and what to do instead', (os, arch) => {
    expect(() => platformFor(os, arch)).toThrow(
      `flux publishes no CLI for ${os}/${arch}: the supported runners are linux/amd64, linux/arm64, linux/arm, ` +
        'darwin/amd64, darwin/arm64, windows/amd64. On another platform, install flux in an earlier step and set `install: false`.',
    );
  });
});

describe('detectPlatform', () => {
  it('prefers RUNNER_OS and RUNNER_ARCH', () => {
    expect(detectPlatform({ RUNNER_OS: 'macOS', RUNNER_ARCH: 'ARM64' })).toMatchObject({
      os: 'darwin',
      arch: 'arm64',
    });
  });

  it('falls back to what Node reports outside a runner', () => {
    const expected = process.platform === 'win32' ? 'windows' : process.platform;
    expect(detectPlatform({}).os).toBe(expected);
  });
});

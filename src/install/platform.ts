// Which flux release asset fits this runner. The runner's own RUNNER_OS/RUNNER_ARCH win over what Node
// reports, so a job sees the same asset the runner advertises (and tests can ask for another platform).

export interface Platform {
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64' | 'arm';
  /** Archive extension of the asset: flux ships zip only for Windows. */
  extension: 'tar.gz' | 'zip';
  /** File name of the binary inside the archive. */
  binary: 'flux' | 'flux.exe';
}

/** The assets flux publishes, as `os/arch`. */
export const SUPPORTED_PLATFORMS: readonly string[] = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm',
  'darwin/amd64',
  'darwin/arm64',
  'windows/amd64',
];

const OS_NAMES: Record<string, Platform['os']> = {
  linux: 'linux',
  macos: 'darwin',
  darwin: 'darwin',
  windows: 'windows',
  win32: 'windows',
};

const ARCH_NAMES: Record<string, Platform['arch']> = {
  x64: 'amd64',
  amd64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
};

/** The platform of this runner, from RUNNER_OS/RUNNER_ARCH, else from Node's process.platform/arch. */
export function detectPlatform(env: NodeJS.ProcessEnv = process.env): Platform {
  const rawOs = env.RUNNER_OS || process.platform;
  const rawArch = env.RUNNER_ARCH || process.arch;
  return platformFor(rawOs, rawArch);
}

export function platformFor(rawOs: string, rawArch: string): Platform {
  const os = OS_NAMES[rawOs.toLowerCase()];
  const arch = ARCH_NAMES[rawArch.toLowerCase()];
  if (!os || !arch || !SUPPORTED_PLATFORMS.includes(`${os}/${arch}`)) {
    throw new Error(
      `flux publishes no CLI for ${rawOs}/${rawArch}: the supported runners are ` +
        `${SUPPORTED_PLATFORMS.join(', ')}. On another platform, install flux in an earlier step and set \`install: false\`.`,
    );
  }
  return os === 'windows'
    ? { os, arch, extension: 'zip', binary: 'flux.exe' }
    : { os, arch, extension: 'tar.gz', binary: 'flux' };
}

/** `flux_2.9.5_linux_amd64.tar.gz`: `<ver>` has no leading v. */
export function assetName(version: string, platform: Platform): string {
  return `flux_${version}_${platform.os}_${platform.arch}.${platform.extension}`;
}

export function checksumsName(version: string): string {
  return `flux_${version}_checksums.txt`;
}

// Puts a verified flux CLI on PATH: resolve → tool cache, else download → verify → extract → check → cache.
// The binary is run and its version checked before it enters the cache, so a bad archive is never cached.
// A cache hit loads none of the download code (HTTP client, archive extraction): download-release.ts is
// imported only on a miss.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Deadline } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { checkVersion, findOnPath, readFluxVersion } from './binary.js';
import { type CacheCheck, checkBinaryHash, noteVerified } from './cache-record.js';
import type { InstallConfig } from './config.js';
import type { RetryPolicy } from './download.js';
import { detectPlatform, type Platform } from './platform.js';
import { findCachedFlux } from './tool-cache.js';
import { since } from './units.js';
import { type GitHubEndpoints, githubEndpoints, parseVersionInput, resolveVersion } from './version.js';

/** What tests (and unusual runners) may change; everything defaults to this runner. */
export interface InstallOptions {
  platform?: Platform;
  github?: GitHubEndpoints;
  retry?: RetryPolicy;
  /** The step's deadline: downloads are not retried past it. */
  deadline?: Deadline;
}

export interface InstalledFlux {
  /** Without the leading v. */
  version: string;
  /** Absolute path of the binary. */
  path: string;
  /** True when the tool cache already had it (no download). */
  cached: boolean;
}

/**
 * A cache entry is used only when its binary still has the SHA-256 recorded when the action installed it
 * (read again only when the file may have changed since it was last checked: cache-record.ts).
 */
async function trustCached(
  dir: string,
  platform: Platform,
): Promise<(CacheCheck & { ok: true }) | undefined> {
  const check = await checkBinaryHash(dir, platform.binary);
  if (check.ok) {
    const how = check.version === undefined ? 'has' : 'is unchanged since it was checked against';
    core.debug(`tool cache: ${platform.binary} in ${dir} ${how} the recorded SHA-256 ${check.sha256}`);
    return check;
  }
  const said = `The tool cache entry ${dir} is not used: ${check.problem}. Downloading flux again.`;
  // A missing record is an entry from before records were kept; a wrong hash is worth a person's look.
  if (check.missing) core.info(said);
  else core.warning(said);
  return undefined;
}

/**
 * The cached binary must be the release asked for: it is run to say its version, unless it is the very
 * file that said so when its identity was noted. A binary hashed now is noted, for the next step.
 */
async function checkCachedVersion(
  dir: string,
  platform: Platform,
  version: string,
  check: CacheCheck & { ok: true },
): Promise<void> {
  const path = join(dir, platform.binary);
  if (check.version === version) {
    core.debug(`tool cache: ${path} reported flux ${version} when its identity was noted; not run again`);
    return;
  }
  await checkVersion(path, version, `the tool cache entry ${dir} holds another release; delete it`);
  if (check.hashed) {
    const { identity, atMs } = check.hashed;
    await noteVerified(dir, platform.binary, { sha256: check.sha256, identity, version }, atMs);
  }
}

/**
 * Installs flux `cfg.version` for this runner and adds it to PATH. An exact version found in the tool
 * cache makes no network request at all; `latest` is resolved first.
 */
export async function installFlux(cfg: InstallConfig, options: InstallOptions = {}): Promise<InstalledFlux> {
  const started = performance.now();
  const platform = options.platform ?? detectPlatform();
  const retry = options.retry;
  if (!process.env.RUNNER_TOOL_CACHE) {
    throw new Error(
      'RUNNER_TOOL_CACHE is not set: flux is installed into the runner tool cache, which the runner names',
    );
  }
  const version = await resolveVersion(parseVersionInput(cfg.version), {
    token: cfg.token,
    github: options.github ?? githubEndpoints(),
    ...(retry ? { retry } : {}),
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });

  let dir = findCachedFlux(version, platform.arch);
  const trusted =
    dir !== '' && existsSync(join(dir, platform.binary)) ? await trustCached(dir, platform) : undefined;
  const cached = trusted !== undefined;
  if (trusted) {
    core.info(`Found flux ${version} for ${platform.os}/${platform.arch} in the tool cache: ${dir}`);
    await checkCachedVersion(dir, platform, version, trusted);
  } else {
    core.debug(`flux ${version} ${platform.arch} is not in the tool cache ${process.env.RUNNER_TOOL_CACHE}`);
    const { downloadToCache } = await import('./download-release.js');
    dir = await downloadToCache(version, platform, cfg.downloadUrl, {
      ...(retry ? { retry } : {}),
      ...(options.deadline ? { deadline: options.deadline } : {}),
    });
  }
  core.addPath(dir);
  const path = join(dir, platform.binary);
  core.info(
    `flux ${version} is on PATH: ${path} (${cached ? 'cached' : 'installed'} in ${formatDuration(since(started))})`,
  );
  return { version, path, cached };
}

/**
 * `install: false`: the flux already on PATH, and its version.
 * @param requested the parsed `version` input; an exact one that differs from what is on PATH is warned about
 */
export async function useFluxOnPath(requested = 'latest'): Promise<{ version: string; path: string }> {
  const path = findOnPath(process.platform === 'win32' ? 'flux.exe' : 'flux');
  if (!path) {
    throw new Error(
      'There is no flux on PATH, and `install` is false: set `install: true`, or install flux in an earlier step.',
    );
  }
  const version = await readFluxVersion(path);
  if (requested !== 'latest' && requested !== version) {
    core.warning(
      `flux on PATH is ${version}; the \`version\` input (${requested}) applies only with \`install: true\``,
    );
  }
  core.info(`Using flux ${version} from PATH: ${path}`);
  return { version, path };
}

/** Install (or use the flux on PATH); the report writes the `flux-version` and `flux-path` outputs. */
export async function installStep(
  cfg: InstallConfig,
  options: InstallOptions = {},
): Promise<{ version: string; path: string }> {
  const flux = cfg.install
    ? await installFlux(cfg, options)
    : await useFluxOnPath(parseVersionInput(cfg.version));
  return flux;
}

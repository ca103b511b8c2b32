// Puts a verified flux CLI on PATH: resolve → tool cache, else download → verify → extract → check → cache.
// The binary is run and its version checked before it enters the cache, so a bad archive is never cached.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import type { Deadline } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { findOnPath, readFluxVersion } from './binary.js';
import { checkBinaryHash, recordBinaryHash } from './cache-record.js';
import { verifyChecksum } from './checksum.js';
import type { InstallConfig } from './config.js';
import {
  DEFAULT_RETRY,
  downloadFile,
  downloadText,
  HttpStatusError,
  type RequestOptions,
  type RetryPolicy,
  redactUrl,
} from './download.js';
import { assetName, checksumsName, detectPlatform, type Platform } from './platform.js';
import { formatBytes, since } from './units.js';
import { type GitHubEndpoints, githubEndpoints, parseVersionInput, resolveVersion } from './version.js';

/** The tool-cache name; entries live at `$RUNNER_TOOL_CACHE/flux2/<version>/<arch>`. */
export const TOOL_NAME = 'flux2';

// flux's checksums file is about 1 KiB (one line per asset); a larger answer is not a checksums file.
const MAX_CHECKSUMS_BYTES = 64 * 1024;

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

async function checkVersion(path: string, expected: string, origin: string): Promise<void> {
  const reported = await readFluxVersion(path);
  if (reported !== expected) {
    throw new Error(`${path} reports flux ${reported}, but ${expected} was requested: ${origin}`);
  }
}

async function fetchOrExplain<T>(url: string, version: string, fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404) {
      throw new Error(
        `flux v${version} does not exist at ${redactUrl(url)}: check the \`version\` input (or your \`download-url\` mirror)`,
      );
    }
    throw error;
  }
}

/** Downloads, verifies and extracts the release asset into the tool cache; returns the cache directory. */
async function downloadToCache(
  version: string,
  platform: Platform,
  downloadUrl: string,
  request: RequestOptions,
): Promise<string> {
  const asset = assetName(version, platform);
  const sums = checksumsName(version);
  const base = `${downloadUrl.replace(/\/+$/, '')}/v${version}`;
  const workDir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'flux-download-'));
  try {
    let start = performance.now();
    const sumsUrl = `${base}/${sums}`;
    const checksums = await fetchOrExplain(sumsUrl, version, () =>
      downloadText(sumsUrl, MAX_CHECKSUMS_BYTES, request),
    );
    const archive = join(workDir, asset);
    const archiveUrl = `${base}/${asset}`;
    const bytes = await fetchOrExplain(archiveUrl, version, () => downloadFile(archiveUrl, archive, request));
    core.info(
      `Downloaded ${redactUrl(archiveUrl)} (${formatBytes(bytes)}) and ${sums} in ${formatDuration(since(start))}`,
    );

    start = performance.now();
    const sha256 = await verifyChecksum(archive, asset, checksums, sums);
    core.info(`Verified the SHA-256 of ${asset}: ${sha256} (${formatDuration(since(start))})`);

    start = performance.now();
    const target = join(workDir, 'extracted');
    const extracted =
      platform.extension === 'zip'
        ? await tc.extractZip(archive, target)
        : await tc.extractTar(archive, target);
    const binary = join(extracted, platform.binary);
    if (!existsSync(binary))
      throw new Error(`${asset} from ${redactUrl(archiveUrl)} holds no ${platform.binary}`);
    core.info(`Extracted ${platform.binary} from ${asset} (${formatDuration(since(start))})`);

    await checkVersion(
      binary,
      version,
      `${redactUrl(archiveUrl)} does not hold the release it is named after`,
    );
    const binarySha256 = await recordBinaryHash(extracted, platform.binary);
    core.debug(`${platform.binary} from the verified archive has SHA-256 ${binarySha256}`);

    start = performance.now();
    const cacheDir = await tc.cacheDir(extracted, TOOL_NAME, version, platform.arch);
    core.info(`Cached flux ${version} in ${cacheDir} (${formatDuration(since(start))})`);
    return cacheDir;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** A cache entry is used only when its binary still has the SHA-256 recorded when the action installed it. */
async function trustCached(dir: string, platform: Platform): Promise<boolean> {
  const check = await checkBinaryHash(dir, platform.binary);
  if (check.ok) {
    core.debug(`tool cache: ${platform.binary} in ${dir} has the recorded SHA-256 ${check.sha256}`);
    return true;
  }
  const said = `The tool cache entry ${dir} is not used: ${check.problem}. Downloading flux again.`;
  // A missing record is an entry from before records were kept; a wrong hash is worth a person's look.
  if (check.missing) core.info(said);
  else core.warning(said);
  return false;
}

/**
 * Installs flux `cfg.version` for this runner and adds it to PATH. An exact version found in the tool
 * cache makes no network request at all; `latest` is resolved first.
 */
export async function installFlux(cfg: InstallConfig, options: InstallOptions = {}): Promise<InstalledFlux> {
  const started = performance.now();
  const platform = options.platform ?? detectPlatform();
  const retry = options.retry ?? DEFAULT_RETRY;
  if (!process.env.RUNNER_TOOL_CACHE) {
    throw new Error(
      'RUNNER_TOOL_CACHE is not set: flux is installed into the runner tool cache, which the runner names',
    );
  }
  const version = await resolveVersion(parseVersionInput(cfg.version), {
    token: cfg.token,
    github: options.github ?? githubEndpoints(),
    retry,
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });

  let dir = tc.find(TOOL_NAME, version, platform.arch);
  const cached = dir !== '' && existsSync(join(dir, platform.binary)) && (await trustCached(dir, platform));
  if (cached) {
    core.info(`Found flux ${version} for ${platform.os}/${platform.arch} in the tool cache: ${dir}`);
    await checkVersion(
      join(dir, platform.binary),
      version,
      `the tool cache entry ${dir} holds another release; delete it`,
    );
  } else {
    core.debug(`flux ${version} ${platform.arch} is not in the tool cache ${process.env.RUNNER_TOOL_CACHE}`);
    dir = await downloadToCache(version, platform, cfg.downloadUrl, {
      retry,
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

// A tool-cache miss: download the release asset and its checksums file → verify the SHA-256 → extract →
// run the binary and check its version → record its hash → cache. Loaded only on a miss (installer.ts).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { formatDuration } from '../base/duration.js';
import { checkVersion } from './binary.js';
import { recordBinaryHash } from './cache-record.js';
import { verifyChecksum } from './checksum.js';
import { downloadFile, downloadText, HttpStatusError, type RequestOptions, redactUrl } from './download.js';
import { assetName, checksumsName, type Platform } from './platform.js';
import { TOOL_NAME } from './tool-cache.js';
import { formatBytes, since } from './units.js';

// flux's checksums file is about 1 KiB (one line per asset); a larger answer is not a checksums file.
const MAX_CHECKSUMS_BYTES = 64 * 1024;

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
export async function downloadToCache(
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

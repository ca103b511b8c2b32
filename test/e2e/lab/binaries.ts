// The lab's programs, built by build.sh from the Go module proxy at the pinned versions (cached).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where build.sh and versions.env are; a bundled copy of this module (the fixture script) passes it in.
const defaultSourceDir = dirname(fileURLToPath(import.meta.url));

export interface LabBinaries {
  binDir: string;
  crdDir: string;
  /** Where derived artifacts (the release archive) are cached next to the binaries. */
  cacheDir: string;
  versions: Record<string, string>;
}

/** The pins of versions.env as a map (FLUX_VERSION → 2.9.5). */
export function pinnedVersions(sourceDir = defaultSourceDir): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of readFileSync(join(sourceDir, 'versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (match?.[1] && match[2]) versions[match[1]] = match[2];
  }
  return versions;
}

/**
 * Runs build.sh (a no-op when the cache is warm; waits for a build already running) and returns its output
 * directories. Its progress lines go to `onProgress` as they come.
 */
export function ensureBinaries(
  onProgress: (line: string) => void = () => {},
  sourceDir = defaultSourceDir,
): Promise<LabBinaries> {
  return new Promise((resolve, reject) => {
    const build = spawn('bash', [join(sourceDir, 'build.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    build.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    let partial = '';
    build.stderr.on('data', (c: Buffer) => {
      const text = partial + c.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stderrTail = `${stderrTail}\n${line}`.slice(-4000);
        if (line.startsWith('[lab-build]')) onProgress(line);
      }
    });
    build.on('error', (error) => reject(new Error(`could not run build.sh: ${error.message}`)));
    build.on('close', (code) => {
      const binDir = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !binDir) {
        reject(
          new Error(`test/e2e/lab/build.sh failed (exit ${code}); its last output:${stderrTail}${partial}`),
        );
        return;
      }
      const keyDir = dirname(binDir);
      resolve({
        binDir,
        crdDir: join(keyDir, 'crds'),
        cacheDir: join(keyDir, 'release'),
        versions: pinnedVersions(sourceDir),
      });
    });
  });
}

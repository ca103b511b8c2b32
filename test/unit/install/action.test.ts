import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, removeRun, runAction } from '../../helpers/action-runner.js';
import { type ReleaseServer, startReleaseServer } from '../../helpers/release-server.js';

let server: ReleaseServer;
const runs: ActionRun[] = [];

beforeAll(async () => {
  server = await startReleaseServer({ latest: '2.9.6', versions: ['2.9.5', '2.9.6'] });
});

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => removeRun(run)));
});

afterAll(async () => {
  await server?.close();
});

async function install(inputs: Record<string, string>, workdir?: string): Promise<ActionRun> {
  const run = await runAction({
    inputs: { 'download-url': server.downloadUrl, ...inputs },
    env: server.githubEnv,
    ...(workdir ? { workdir } : {}),
  });
  if (!workdir) runs.push(run);
  return run;
}

describe('dist/index.js with resources empty', () => {
  it('installs the flux asked for, sets flux-version and flux-path, and puts it on PATH', async () => {
    const run = await install({ version: 'v2.9.5' });

    expect(run.stdout).not.toContain('::error::');
    expect(run.exitCode).toBe(0);
    const path = join(run.toolCache, 'flux2', '2.9.5', 'amd64', 'flux');
    expect(run.outputs['flux-version']).toBe('2.9.5');
    expect(run.outputs['flux-path']).toBe(path);
    expect(run.addedPath).toEqual([dirname(path)]);
    expect(run.stdout).toMatch(/Downloaded \S+flux_2\.9\.5_linux_amd64\.tar\.gz \(\d+ B\)/);
    expect(run.stdout).toMatch(/Verified the SHA-256 of flux_2\.9\.5_linux_amd64\.tar\.gz: [0-9a-f]{64}/);
    expect(run.stdout).toContain(`flux 2.9.5 is on PATH: ${path}`);
  });

  it('resolves the default `latest` through the runner GitHub variables', async () => {
    const run = await install({});
    expect(run.exitCode).toBe(0);
    expect(run.outputs['flux-version']).toBe('2.9.6');
  });

  it('installs again from the tool cache of the same runner without the network', async () => {
    const first = await install({ version: '2.9.5' });
    runs.push(first);
    const before = server.count();
    const second = await install({ version: '2.9.5' }, first.dir);

    expect(second.exitCode).toBe(0);
    expect(server.count()).toBe(before);
    expect(second.outputs['flux-path']).toBe(first.outputs['flux-path']);
    expect(second.stdout).toMatch(/Found flux 2\.9\.5 for linux\/amd64 in the tool cache/);
  });

  it('ends the step at the `timeout` when the release host stops answering, and names the timeout', async () => {
    const silent = await startReleaseServer();
    silent.inject('/releases/download/', { stall: true }, Number.POSITIVE_INFINITY);
    try {
      const run = await runAction({
        inputs: { 'download-url': silent.downloadUrl, version: '2.9.5', timeout: '3s' },
        env: silent.githubEnv,
        // Generous: only a download left to its own socket timeout (60 s) would be killed here.
        timeoutMs: 45_000,
      });
      runs.push(run);
      expect(run.exitCode, run.stderr).toBe(1);
      // Whether the deadline came during the stalled download or (on a busy machine) before it.
      expect(run.stdout).toMatch(
        /::error::GET \S+\/flux_2\.9\.5_checksums\.txt: stopped when the 3s timeout ran out/,
      );
      expect(run.outputs['flux-version']).toBeUndefined();
    } finally {
      await silent.close();
    }
  }, 60_000);

  it('fails the step with an error that names the version input', async () => {
    const run = await install({ version: '2.9' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*Input .version./);
    expect(run.outputs['flux-version']).toBeUndefined();
  });
});

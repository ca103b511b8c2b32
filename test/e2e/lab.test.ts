// Proves the lab is a real Flux cluster: real controllers apply a pushed commit and install a Helm chart,
// the real flux CLI talks to it, RBAC is enforced, and the release mirror serves the binary it built.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitRepo } from './lab/git-repo.js';
import { httpGet } from './lab/http-probe.js';
import { KubeApiError } from './lab/kube.js';
import { runOk } from './lab/run.js';
import { useLab } from './lab/use-lab.js';

const lab = useLab();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('the lab', () => {
  let ns = '';
  let sha = '';
  let repo: GitRepo | undefined;

  beforeAll(async () => {
    ns = await lab.namespace('smoke');
  });

  it('applies a pushed commit through a GitRepository and a Kustomization', async () => {
    repo = await lab.createGitRepo('smoke');
    sha = await repo.commit(
      {
        'app/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: greeting
data:
  message: hello from ${repo.name}
`,
      },
      'Add a ConfigMap',
    );
    await lab.apply(
      [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'app' },
          spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } },
        },
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'app' },
          spec: {
            interval: '10m',
            path: './app',
            prune: true,
            targetNamespace: ns,
            sourceRef: { kind: 'GitRepository', name: 'app' },
          },
        },
      ],
      { namespace: ns },
    );

    const ks = await lab.waitForReady('Kustomization', ns, 'app', { revision: sha, timeoutMs: 120_000 });
    expect(ks.status.lastAppliedRevision).toBe(`main@sha1:${sha}`);
    const git = await lab.get('GitRepository', ns, 'app');
    expect(git?.status.artifact.revision).toBe(`main@sha1:${sha}`);
    const cm = await lab.get('ConfigMap', ns, 'greeting');
    expect(cm?.data).toEqual({ message: `hello from ${repo.name}` });
  });

  it('installs a HelmRelease from a chart in the lab Helm repository', async () => {
    const chart = `smoke-${ns.slice(-6)}`;
    await lab.helm.publish({ name: chart, version: '1.0.0', values: { data: { colour: 'blue' } } });
    await lab.apply(
      [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmRepository',
          metadata: { name: 'lab' },
          spec: { url: lab.helm.url, interval: '10m' },
        },
        {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: 'web' },
          spec: {
            interval: '10m',
            chart: { spec: { chart, version: '1.x', sourceRef: { kind: 'HelmRepository', name: 'lab' } } },
          },
        },
      ],
      { namespace: ns },
    );

    const hr = await lab.waitForReady('HelmRelease', ns, 'web', { timeoutMs: 120_000 });
    expect(hr.status.history[0]).toMatchObject({
      chartName: chart,
      chartVersion: '1.0.0',
      status: 'deployed',
    });
    const cm = await lab.get('ConfigMap', ns, 'web-config');
    expect(cm?.data).toEqual({ chartVersion: '1.0.0', colour: 'blue' });
  });

  it('answers the real flux CLI', async () => {
    const result = await lab.flux(['get', 'kustomizations', '--namespace', ns]);
    expect(result.stderr).not.toMatch(/✗/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^app\s+main@sha1:[0-9a-f]{8}\s+False\s+True\s+Applied revision/m);
    expect(result.stdout).toContain(sha.slice(0, 8));
  });

  it('lets the restricted user read Flux objects but not change them', async () => {
    const restricted = lab.kubeAs('restricted');
    const ks = await restricted.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ns, 'app');
    expect(ks?.metadata.name).toBe('app');
    const patch = restricted.mergePatch('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ns, 'app', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } },
    });
    await expect(patch).rejects.toMatchObject({ status: 403 });
    await expect(patch).rejects.toBeInstanceOf(KubeApiError);
    const plain = lab.kubeAs('plainCert').get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ns, 'app');
    await expect(plain).rejects.toMatchObject({ status: 403 });
  });

  describe('release mirror', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lab-mirror-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('serves the flux binary it built, with a matching checksum', async () => {
      const { url, version, archiveName } = lab.mirror;
      const checksums = await httpGet(`${url}/v${version}/flux_${version}_checksums.txt`);
      expect(checksums.status).toBe(200);
      const archivePath = join(dir, archiveName);
      await runOk('curl', [
        '--silent',
        '--fail',
        '--output',
        archivePath,
        `${url}/v${version}/${archiveName}`,
      ]);
      const archive = await readFile(archivePath);
      expect(checksums.body).toBe(`${sha256(archive)}  ${archiveName}\n`);

      await runOk('tar', ['-xzf', archivePath, '-C', dir]);
      const extracted = await readFile(join(dir, 'flux'));
      expect(sha256(extracted)).toBe(sha256(await readFile(lab.info.fluxBinary)));
      const printed = await runOk(join(dir, 'flux'), ['version', '--client', '-o', 'json']);
      expect(JSON.parse(printed)).toEqual({ flux: `v${version}` });
    });

    it('serves a wrong checksum under badChecksumUrl', async () => {
      const { badChecksumUrl, version, archiveSha256, archiveName } = lab.mirror;
      const checksums = await httpGet(`${badChecksumUrl}/v${version}/flux_${version}_checksums.txt`);
      expect(checksums.body).toMatch(new RegExp(`^[0-9a-f]{64}  ${archiveName}\\n$`));
      expect(checksums.body).not.toContain(archiveSha256);
    });
  });

  it('keeps reconciling across an API server restart', async () => {
    await lab.restartApiServer(1_000);
    const ks = await lab.get('Kustomization', ns, 'app');
    expect(ks?.status.lastAppliedRevision).toBe(`main@sha1:${sha}`);

    const next = await repo!.commit(
      {
        'app/configmap.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  message: after\n',
      },
      'Change the ConfigMap',
    );
    await lab.requestReconcile('GitRepository', ns, 'app');
    await lab.waitForReady('GitRepository', ns, 'app', { revision: next, timeoutMs: 60_000 });
    await lab.requestReconcile('Kustomization', ns, 'app');
    await lab.waitForReady('Kustomization', ns, 'app', { revision: next, timeoutMs: 60_000 });
    expect((await lab.get('ConfigMap', ns, 'greeting'))?.data).toEqual({ message: 'after' });
  });
});

// Scenario 8: the API server restarts during a wait; a controller that is not running; a release mirror
// that serves a wrong checksum.
import { describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import {
  configMap,
  gitRepository,
  kustomization,
  newJobDir,
  removeJobDir,
  resultsOf,
  runStep,
  useFleet,
} from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'faults', {
  files: { 'app/config.yaml': configMap('f-config', { v: '1' }) },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
  ],
  readyKustomizations: ['app'],
});

describe('faults', () => {
  it('reaches the right verdict when the API server restarts during the wait', async () => {
    const sha = await fleet.repo.commit({ 'app/config.yaml': configMap('f-config', { v: '2' }) }, 'v2');
    // kustomize-controller is stopped so that the wait is long enough to span the restart.
    await lab.stopController('kustomize-controller');
    const restart = (async () => {
      await new Promise((r) => setTimeout(r, 4_000));
      await lab.restartApiServer();
      await lab.startController('kustomize-controller');
    })();
    try {
      const step = await runStep(
        lab,
        { resources: 'ks/app', namespace: fleet.ns, 'with-source': 'true', revision: sha, timeout: '3m' },
        fleet,
      );
      expect(step.exitCode, step.log).toBe(0);
      expect(JSON.parse(step.outputs.revisions!)[`Kustomization/${fleet.ns}/app`]).toBe(`main@sha1:${sha}`);
    } finally {
      await restart;
    }
  });

  it('times out saying the request was never handled when the controller is not running', async () => {
    await lab.stopController('kustomize-controller');
    try {
      const step = await runStep(lab, { resources: 'ks/app', namespace: fleet.ns, timeout: '6s' }, fleet);
      expect(step.exitCode).toBe(1);
      const [app] = resultsOf(step);
      expect(app).toMatchObject({ outcome: 'timed-out' });
      expect(app!.message).toContain('never handled');
      expect(app!.message).toContain('kustomize-controller');
    } finally {
      await lab.startController('kustomize-controller');
    }
  });

  it('refuses to install a flux whose checksum does not match', async () => {
    const fresh = await newJobDir();
    try {
      const step = await runStep(
        lab,
        { resources: '' },
        { jobDir: fresh, downloadUrl: lab.info.mirror.badChecksumUrl },
      );
      expect(step.exitCode).toBe(1);
      expect(step.stdout).toMatch(/::error::.*checksum/i);
      expect(step.stdout).toContain(lab.info.mirror.archiveName);
      expect(step.addedPath).toEqual([]);
    } finally {
      await removeJobDir(fresh);
    }
  });
});

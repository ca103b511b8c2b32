// Scenario 6: a suspended object is a clear failure; `command: resume` resumes and reconciles it;
// `command: suspend` suspends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitRepo } from '../lab/git-repo.js';
import { useLab } from '../lab/use-lab.js';
import {
  configMap,
  gitSource,
  kustomization,
  newJobDir,
  removeJobDir,
  resultsOf,
  runStep,
} from '../support.js';

const lab = useLab();
let ns = '';
let repo: GitRepo;
let jobDir = '';

beforeAll(async () => {
  ns = await lab.namespace('suspend');
  repo = await lab.createGitRepo('suspend');
  jobDir = await newJobDir();
  await repo.commit({ 'app/config.yaml': configMap('s-config', { v: '1' }) }, 'initial');
  await lab.apply([gitSource(ns, 'fleet', repo.url), kustomization(ns, 'app', './app')]);
  await lab.waitForReady('Kustomization', ns, 'app', { timeoutMs: 120_000 });
});

afterAll(async () => {
  await removeJobDir(jobDir);
});

describe('suspend and resume', () => {
  it('suspends with command: suspend', async () => {
    const step = await runStep(lab, { command: 'suspend', resources: 'ks/app', namespace: ns }, { jobDir });
    expect(step.exitCode, step.log).toBe(0);
    expect(resultsOf(step)[0]).toMatchObject({ outcome: 'suspended', ok: true });
    const app = await lab.get('Kustomization', ns, 'app');
    expect((app!.spec as { suspend?: boolean }).suspend).toBe(true);
  });

  it('fails clearly on a suspended object, naming it and the fix', async () => {
    const step = await runStep(lab, { resources: 'ks/app', namespace: ns, timeout: '1m' }, { jobDir });
    expect(step.exitCode).toBe(1);
    const [app] = resultsOf(step);
    expect(app).toMatchObject({ outcome: 'suspended', ok: false, name: 'app' });
    expect(app!.message).toContain('command: resume');
    expect(step.stdout).toContain(`Kustomization ${ns}/app`);
  });

  it('resumes and reconciles with command: resume', async () => {
    const sha = await repo.commit({ 'app/config.yaml': configMap('s-config', { v: '2' }) }, 'v2');
    const step = await runStep(
      lab,
      {
        command: 'resume',
        resources: 'ks/app',
        namespace: ns,
        'with-source': 'true',
        revision: sha,
        timeout: '2m',
      },
      { jobDir },
    );
    expect(step.exitCode, step.log).toBe(0);
    const app = await lab.get('Kustomization', ns, 'app');
    expect((app!.spec as { suspend?: boolean }).suspend).toBe(false);
    expect(JSON.parse(step.outputs.revisions!)[`Kustomization/${ns}/app`]).toBe(`main@sha1:${sha}`);
    expect((await lab.get('ConfigMap', ns, 's-config'))?.data).toEqual({ v: '2' });
  });
});

// Scenario 6: a suspended object is a clear failure; `command: resume` resumes and reconciles it;
// `command: suspend` suspends.
import { describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import { configMap, gitRepository, kustomization, resultsOf, runStep, useFleet } from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'suspend', {
  files: { 'app/config.yaml': configMap('s-config', { v: '1' }) },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
  ],
  readyKustomizations: ['app'],
});

describe('suspend and resume', () => {
  it('suspends with command: suspend', async () => {
    const step = await runStep(lab, { command: 'suspend', resources: 'ks/app', namespace: fleet.ns }, fleet);
    expect(step.exitCode, step.log).toBe(0);
    expect(resultsOf(step)[0]).toMatchObject({ outcome: 'suspended', ok: true });
    const app = await lab.get('Kustomization', fleet.ns, 'app');
    expect((app!.spec as { suspend?: boolean }).suspend).toBe(true);
  });

  it('fails clearly on a suspended object, naming it and the fix', async () => {
    const step = await runStep(lab, { resources: 'ks/app', namespace: fleet.ns, timeout: '1m' }, fleet);
    expect(step.exitCode).toBe(1);
    const [app] = resultsOf(step);
    expect(app).toMatchObject({ outcome: 'suspended', ok: false, name: 'app' });
    expect(app!.message).toContain('command: resume');
    expect(step.stdout).toContain(`Kustomization ${fleet.ns}/app`);
  });

  it('resumes and reconciles with command: resume', async () => {
    const sha = await fleet.repo.commit({ 'app/config.yaml': configMap('s-config', { v: '2' }) }, 'v2');
    const step = await runStep(
      lab,
      {
        command: 'resume',
        resources: 'ks/app',
        namespace: fleet.ns,
        'with-source': 'true',
        revision: sha,
        timeout: '2m',
      },
      fleet,
    );
    expect(step.exitCode, step.log).toBe(0);
    const app = await lab.get('Kustomization', fleet.ns, 'app');
    expect((app!.spec as { suspend?: boolean }).suspend).toBe(false);
    expect(JSON.parse(step.outputs.revisions!)[`Kustomization/${fleet.ns}/app`]).toBe(`main@sha1:${sha}`);
    expect((await lab.get('ConfigMap', fleet.ns, 's-config'))?.data).toEqual({ v: '2' });
  });
});

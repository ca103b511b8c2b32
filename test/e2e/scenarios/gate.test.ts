// Scenario 2: `command: wait`, the verification gate. It requests nothing; it passes when Flux reaches the
// pushed commit by itself, and times out with a clear message when the commit never arrives.
import { describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import { configMap, gitRepository, kustomization, resultsOf, runStep, useFleet } from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'gate', {
  files: { 'app/config.yaml': configMap('gate-config', { v: '1' }) },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
  ],
  readyKustomizations: ['app'],
});

describe('command: wait', () => {
  it('passes once Flux applies the pushed commit, without requesting anything', async () => {
    const sha = await fleet.repo.commit({ 'app/config.yaml': configMap('gate-config', { v: '2' }) }, 'v2');
    const before = await lab.get('Kustomization', fleet.ns, 'app');
    // Flux gets there on its own a moment later (here: someone else's reconcile request).
    const nudge = setTimeout(() => {
      void lab.requestReconcile('GitRepository', fleet.ns, 'fleet');
    }, 3_000);
    try {
      const step = await runStep(
        lab,
        {
          command: 'wait',
          resources: 'kustomization/app',
          namespace: fleet.ns,
          revision: sha,
          timeout: '2m',
        },
        fleet,
      );
      expect(step.exitCode, step.log).toBe(0);
      expect(JSON.parse(step.outputs.revisions!)[`Kustomization/${fleet.ns}/app`]).toBe(`main@sha1:${sha}`);
      expect(step.stdout).toContain('watching (nothing requested)');
      const after = await lab.get('Kustomization', fleet.ns, 'app');
      // The gate wrote nothing: the Kustomization's request annotation is the one it had.
      expect(after?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBe(
        before?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
      );
    } finally {
      clearTimeout(nudge);
    }
  });

  it('times out saying which revision never arrived and where the object is', async () => {
    const never = 'f'.repeat(40);
    const step = await runStep(
      lab,
      {
        command: 'wait',
        resources: 'kustomization/app',
        namespace: fleet.ns,
        revision: never,
        timeout: '8s',
      },
      fleet,
    );
    expect(step.exitCode).toBe(1);
    const [app] = resultsOf(step);
    expect(app).toMatchObject({ outcome: 'timed-out', ok: false });
    expect(app!.message).toContain(`revision ${never}`);
    expect(app!.message).toMatch(/Timed out after 8s/);
    expect(app!.message).not.toMatch(/context deadline exceeded/);
    expect(step.stdout).toContain('::warning');
  });
});

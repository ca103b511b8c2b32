// A cancelled job: the runner sends SIGTERM to the running action. It stops watching, writes its outputs
// (ready=false, `cancelled` for what was still waiting) and a short summary, and exits by itself, long
// before the runner would kill it.
import { describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import { configMap, gitRepository, kustomization, resultsOf, runStep, useFleet } from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'cancel', {
  files: { 'app/config.yaml': configMap('cancel-config', { v: '1' }) },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
  ],
  readyKustomizations: ['app'],
});

describe('cancellation', () => {
  // Once in a full, loaded e2e run the step died of the signal itself (exit null, no handler output) while it
  // passed alone every time; until that is understood, a second try keeps one unexplained race from
  // failing the suite (a real regression fails both).
  it('on SIGTERM writes ready=false, cancelled results and a summary, then exits', { retry: 1 }, async () => {
    let pid = 0;
    let signalled = false;
    const step = await runStep(
      lab,
      // A gate waiting for a commit that never comes: only the signal ends it.
      {
        command: 'wait',
        resources: 'kustomization/app',
        namespace: fleet.ns,
        revision: 'e'.repeat(40),
        timeout: '10m',
      },
      {
        ...fleet,
        timeoutMs: 120_000,
        onStart: (started) => {
          pid = started;
        },
        onStdout: (text) => {
          if (signalled || !text.includes('watching (nothing requested)')) return;
          signalled = true;
          process.kill(pid, 'SIGTERM');
        },
      },
    );
    expect(signalled).toBe(true);
    // Ended by itself (the harness would report a kill as null), as a failure.
    expect(step.exitCode, step.log).toBe(1);
    expect(step.stdout).toContain('SIGTERM received: the job is being cancelled');
    expect(step.outputs.ready).toBe('false');
    const [record] = resultsOf(step);
    expect(record).toMatchObject({
      kind: 'Kustomization',
      name: 'app',
      outcome: 'cancelled',
      ok: false,
      reason: 'Cancelled',
    });
    expect(JSON.parse(step.outputs.failed!)).toEqual([`Kustomization/${fleet.ns}/app`]);
    expect(step.summary).toMatch(/^<h2>❌ Flux wait: the object is not Ready<\/h2>/);
    expect(step.summary).toContain('Cancelled');
    expect(step.stdout).toMatch(/::error::The job was cancelled: 1 of 1 Flux objects did not end Ready/);
  });
});

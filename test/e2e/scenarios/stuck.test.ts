// A stuck run explains itself, through the bundled action against the lab's real controllers: a timeout
// names the dependency chain that blocks the object and the Warning events of what blocks it; a request
// the stopped controller never handled says so; and a failure the run already holds (a busy controller's
// health check, running when the request was made) is taken instead of being waited out a second time.
import { describe, expect, it } from 'vitest';
import { conditionOf } from '../lab/client.js';
import { useLab } from '../lab/use-lab.js';
import {
  configMap,
  gitRepository,
  kustomization,
  resultsOf,
  runStep,
  unschedulableDeployment,
  useFleet,
} from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'stuck', {
  files: {
    'crds/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: crds\ndata: [not a map\n',
    'infra/cm.yaml': configMap('infra', { n: '1' }),
    'apps/cm.yaml': configMap('apps', { n: '2' }),
    'held/cm.yaml': configMap('held', { n: '3' }),
    // No node runs its pod and its progress deadline is far: a `wait: true` check of it lasts its timeout.
    'slow/deployment.yaml': unschedulableDeployment('slow', 600),
  },
  objects: (ns, repo) => [
    gitRepository('stuck', repo.url, { namespace: ns }),
    kustomization('crds', './crds', { namespace: ns, source: 'stuck' }),
    kustomization('infra', './infra', { namespace: ns, source: 'stuck', dependsOn: ['crds'] }),
    kustomization('apps', './apps', { namespace: ns, source: 'stuck', dependsOn: ['infra'] }),
    kustomization('held', './held', { namespace: ns, source: 'stuck' }),
  ],
  readyKustomizations: ['held'],
});

describe('a timeout explains itself', () => {
  it('names the dependency chain that blocks it and the Warning events of the object at its end', async () => {
    await lab.waitFor(
      'Kustomization',
      fleet.ns,
      'infra',
      (o) => conditionOf(o, 'Ready')?.reason === 'DependencyNotReady',
      { timeoutMs: 120_000, what: 'infra waiting on crds' },
    );
    const step = await runStep(lab, { resources: 'ks/apps', namespace: fleet.ns, timeout: '20s' }, fleet);
    expect(step.exitCode, step.log).toBe(1);
    const [apps] = resultsOf(step);
    expect(apps).toMatchObject({ kind: 'Kustomization', name: 'apps', outcome: 'timed-out' });
    const chain = 'apps waits on infra waits on crds: crds failed with BuildFailed: ';
    // Said first, in the outputs, the log and the summary.
    expect(apps!.message.startsWith(chain), apps!.message).toBe(true);
    expect(apps!.message).toMatch(/Last Warning event: Kustomization crds: BuildFailed: /);
    expect(step.stdout).toContain(chain);
    expect(step.summary).toContain('Last Warning events of it and of what it waits on');
    expect(step.summary).toContain('BuildFailed');
    console.info(`[figure] stuck: ${apps!.message.split('\n').slice(0, 2).join(' | ')}`);
  });

  it('says when the controller is stopped and never handled the request', async () => {
    await lab.stopController('kustomize-controller');
    try {
      const step = await runStep(lab, { resources: 'ks/held', namespace: fleet.ns, timeout: '15s' }, fleet);
      expect(step.exitCode, step.log).toBe(1);
      const [held] = resultsOf(step);
      expect(held).toMatchObject({ outcome: 'timed-out' });
      // The lab runs the controllers as local processes: there is no Deployment to read.
      const words =
        'kustomize-controller did not pick up the request; is it running and watching this namespace?';
      expect(held!.message.startsWith(words), held!.message).toBe(true);
      expect(step.stdout).toContain(words);
    } finally {
      await lab.startController('kustomize-controller');
    }
  });
});

describe('a failure the run already holds', () => {
  it('is taken from the health check running when the request was made, not waited out a second time', async () => {
    // Created a moment before the step: its first health check is under way when the step asks.
    await lab.apply(
      [kustomization('slow', './slow', { source: 'stuck', targetNamespace: fleet.ns, wait: true })],
      { namespace: fleet.ns },
    );
    await lab.waitFor(
      'Kustomization',
      fleet.ns,
      'slow',
      (o) => /^Running health checks/.test(conditionOf(o, 'Reconciling')?.message ?? ''),
      { timeoutMs: 120_000, what: 'its first health check running' },
    );
    const step = await runStep(lab, { resources: 'ks/slow', namespace: fleet.ns, timeout: '3m' }, fleet);
    const [slow] = resultsOf(step);
    const after = await lab.get('Kustomization', fleet.ns, 'slow');
    const handled =
      after?.status?.lastHandledReconcileAt ===
      after?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    console.info(
      `[figure] wait: true, 30s health check already running: ${slow?.outcome} after ${slow?.durationMs} ms (step ${step.durationMs} ms); the controller had handled the request when the step ended: ${handled}`,
    );
    expect(step.exitCode, step.log).toBe(1);
    expect(slow).toMatchObject({ outcome: 'failed', reason: 'HealthCheckFailed' });
    expect(slow!.message).toContain(
      'This failure came from the attempt already running when the request was made',
    );
  });
});

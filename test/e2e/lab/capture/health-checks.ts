// Fixture scenarios of health checks and Helm waits that can never pass: a Kustomization with `wait: true`
// and a HelmRelease whose chart holds a Deployment, both applying a Deployment no node can run (the lab has
// kube-controller-manager and kube-scheduler but no kubelet). Stores the failed objects, the Deployment past
// its progress deadline, its Pod and their events, and a Kustomization caught while its check runs.
import { conditionOf, type LabClient } from '../client.js';
import {
  gitRepository,
  helmRelease,
  helmRepository,
  kustomization,
  unschedulableDeployment,
} from '../flux-manifests.js';
import type { KubeObject } from '../kube.js';
import type { FixtureStore } from './store.js';

const MINUTES = 60_000;

const readyIs = (status: string, reason?: string) => (obj: KubeObject) => {
  const ready = conditionOf(obj, 'Ready');
  return ready?.status === status && (!reason || ready.reason === reason);
};

const deadlineExceeded = (obj: KubeObject) =>
  conditionOf(obj, 'Progressing')?.reason === 'ProgressDeadlineExceeded';

export async function captureHealthChecks(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-health');
  const repo = await lab.createGitRepo('fixtures-health');
  await repo.commit(
    {
      'deadline/deployment.yaml': unschedulableDeployment('web', 5),
      'pending/deployment.yaml': unschedulableDeployment('api', 600),
    },
    'Deployments that never become available',
  );
  const chart = `stuck-${ns.split('-').at(-1)}`;
  await lab.helm.publish({
    name: chart,
    version: '1.0.0',
    templates: { 'deployment.yaml': unschedulableDeployment('{{ .Release.Name }}', 5) },
  });
  say(`health checks in ${ns}`);
  await lab.apply(
    [
      gitRepository('fixtures', repo.url, { interval: '10m' }),
      helmRepository('charts', lab.info.helm.url),
      kustomization('deadline', './deadline', {
        source: 'fixtures',
        targetNamespace: ns,
        interval: '10m',
        wait: true,
      }),
      kustomization('pending', './pending', {
        source: 'fixtures',
        targetNamespace: ns,
        interval: '10m',
        wait: true,
        spec: { timeout: '2m' },
      }),
      helmRelease('stuck', chart, '1.0.0', {
        interval: '10m',
        spec: { install: { disableWait: false, remediation: { retries: 0 } } },
      }),
    ],
    { namespace: ns },
  );

  const running = (o: KubeObject) =>
    /^Running health checks/.test(conditionOf(o, 'Reconciling')?.message ?? '') &&
    conditionOf(o, 'Ready')?.status === 'Unknown';
  await store.object(
    'kustomization-health-check-running',
    await lab.waitFor('Kustomization', ns, 'pending', running, {
      timeoutMs: 2 * MINUTES,
      what: 'Ready=Unknown while its health check runs',
    }),
  );
  await store.object(
    'kustomization-health-check-failed',
    await lab.waitFor('Kustomization', ns, 'deadline', readyIs('False', 'HealthCheckFailed'), {
      timeoutMs: 2 * MINUTES,
      what: 'Ready=False HealthCheckFailed',
    }),
  );
  await store.events('kustomization-health-check-failed', 'Kustomization', ns, 'deadline');
  await store.object(
    'deployment-deadline-exceeded',
    await lab.waitFor('Deployment', ns, 'web', deadlineExceeded, {
      timeoutMs: MINUTES,
      what: 'Progressing=False ProgressDeadlineExceeded',
    }),
  );
  await store.events('deployment-deadline-exceeded', 'Deployment', ns, 'web');
  const [pod] = await lab.list('Pod', ns, 'app=web');
  if (!pod) throw new Error(`no Pod of Deployment ${ns}/web`);
  await store.object('pod-of-deployment-deadline-exceeded', pod);
  await store.events('pod-of-deployment-deadline-exceeded', 'Pod', ns, pod.metadata.name);

  await store.object(
    'helmrelease-wait-failed',
    await lab.waitFor('HelmRelease', ns, 'stuck', readyIs('False'), {
      timeoutMs: 2 * MINUTES,
      what: 'Ready=False after its wait',
    }),
  );
  await store.events('helmrelease-wait-failed', 'HelmRelease', ns, 'stuck');
  await store.object(
    'deployment-of-helmrelease-wait-failed',
    await lab.waitFor('Deployment', ns, 'stuck', deadlineExceeded, { timeoutMs: MINUTES }),
  );
}

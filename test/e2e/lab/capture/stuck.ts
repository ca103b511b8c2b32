// Fixture scenarios of a busy kustomize-controller: the failure of a health check that was running when a
// reconcile request was made (the controller takes the request only after it), and a health check canceled
// for a newer revision (Flux 2.7+, kustomize-controller's CancelHealthCheckOnNewRevision feature gate, off
// by default: the controller is restarted with it for that scenario only).
import { KubeConfig } from '@kubernetes/client-node';
import { KUSTOMIZATION } from '../../../../src/flux/kinds.js';
import type { FluxObject } from '../../../../src/flux/types.js';
import { createClusterApi } from '../../../../src/kube/client.js';
import { conditionOf, type LabClient } from '../client.js';
import { gitRepository, kustomization, unschedulableDeployment } from '../flux-manifests.js';
import type { KubeObject } from '../kube.js';
import type { FixtureStore } from './store.js';

const MINUTES = 60_000;

const checking = (o: KubeObject) =>
  /^Running health checks/.test(conditionOf(o, 'Reconciling')?.message ?? '') &&
  conditionOf(o, 'Ready')?.status === 'Unknown';

/**
 * Watches the namespace's Kustomizations until one matches: states that last only until the controller's
 * next attempt starts (it starts at once when a request or a new revision waits) escape any poll.
 */
async function firstSeen(
  lab: LabClient,
  ns: string,
  matches: (obj: FluxObject) => boolean,
  start: () => Promise<void>,
): Promise<KubeObject> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(lab.kubeconfig);
  const api = createClusterApi(kubeConfig);
  const stop = new AbortController();
  let seen: (obj: FluxObject) => void = () => {};
  const found = new Promise<FluxObject>((resolve) => {
    seen = resolve;
  });
  const watching = api.watch(KUSTOMIZATION, ns, (obj) => matches(obj) && seen(obj), stop.signal);
  const timer = setTimeout(() => stop.abort(), 3 * MINUTES);
  try {
    await start();
    const obj = await Promise.race([
      found,
      watching.then(() => {
        throw new Error(`no Kustomization in ${ns} reached the state within 3 minutes`);
      }),
    ]);
    return obj as KubeObject;
  } finally {
    clearTimeout(timer);
    stop.abort();
    await watching;
    await api.close();
  }
}

const readyReason = (obj: FluxObject) => obj.status?.conditions?.find((c) => c.type === 'Ready')?.reason;

export async function captureStuck(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-stuck');
  const repo = await lab.createGitRepo('fixtures-stuck');
  await repo.commit(
    {
      'slow/deployment.yaml': unschedulableDeployment('slow', 600),
      'canceled/deployment.yaml': unschedulableDeployment('canceled', 600),
    },
    'Deployments no node runs, far from their progress deadline',
  );
  say(`busy kustomize-controller in ${ns}`);
  await lab.apply(
    [
      gitRepository('fixtures', repo.url, { interval: '10m' }),
      kustomization('slow', './slow', {
        source: 'fixtures',
        targetNamespace: ns,
        interval: '10m',
        wait: true,
      }),
    ],
    { namespace: ns },
  );
  await captureFailedBeforeRequest(lab, store, ns);
  await captureCanceled(lab, store, ns, async () => {
    await repo.commit({ 'canceled/deployment.yaml': unschedulableDeployment('canceled-v2', 600) }, 'v2');
    await lab.requestReconcile('GitRepository', ns, 'fixtures');
  });
}

/**
 * A request made while the first health check runs; that check fails before the request is handled. The
 * failure lasts only until the controller starts the attempt for the request (at once): a watch catches it.
 */
async function captureFailedBeforeRequest(lab: LabClient, store: FixtureStore, ns: string) {
  await lab.waitFor('Kustomization', ns, 'slow', checking, {
    timeoutMs: 2 * MINUTES,
    what: 'its first health check running',
  });
  let token = '';
  const failed = await firstSeen(
    lab,
    ns,
    (o) =>
      o.metadata.name === 'slow' &&
      readyReason(o) === 'HealthCheckFailed' &&
      token !== '' &&
      o.status?.lastHandledReconcileAt !== token,
    async () => {
      token = await lab.requestReconcile('Kustomization', ns, 'slow');
      await store.current('kustomization-health-check-running-at-request', 'Kustomization', ns, 'slow');
    },
  );
  await store.object('kustomization-health-check-failed-before-request', failed);
  await store.events('kustomization-health-check-failed-before-request', 'Kustomization', ns, 'slow');
}

/**
 * Flux 2.7+ cancels a running health check when the source has a new revision. Ready=HealthCheckCanceled
 * lasts only until the controller's next attempt starts (it requeues at once): a watch catches it.
 */
async function captureCanceled(
  lab: LabClient,
  store: FixtureStore,
  ns: string,
  newRevision: () => Promise<void>,
) {
  await lab.stopController('kustomize-controller');
  await lab.startController('kustomize-controller', { featureGates: 'CancelHealthCheckOnNewRevision=true' });
  try {
    await lab.apply(
      [
        kustomization('canceled', './canceled', {
          source: 'fixtures',
          targetNamespace: ns,
          interval: '10m',
          wait: true,
          spec: { timeout: '5m' },
        }),
      ],
      { namespace: ns },
    );
    await lab.waitFor('Kustomization', ns, 'canceled', checking, {
      timeoutMs: 2 * MINUTES,
      what: 'its health check running',
    });
    const canceled = await firstSeen(
      lab,
      ns,
      (o) => o.metadata.name === 'canceled' && readyReason(o) === 'HealthCheckCanceled',
      newRevision,
    );
    await store.object('kustomization-health-check-canceled', canceled);
    await store.events('kustomization-health-check-canceled', 'Kustomization', ns, 'canceled');
  } finally {
    await lab.stopController('kustomize-controller');
    await lab.startController('kustomize-controller');
  }
}

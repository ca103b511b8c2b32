// Fixture scenarios of the lab's further programs: a Receiver (notification-controller), a ResourceSet and its
// static input provider (the Flux Operator), and a Deployment whose Pod cannot be scheduled (Kubernetes'
// controller-manager and scheduler; its nodeSelector matches no node).
import { conditionOf, type LabClient } from '../client.js';
import { gitRepository, receiver, webhookSecret } from '../flux-manifests.js';
import type { KubeObject } from '../kube.js';
import { LAB_PODS } from '../pods.js';
import { waitUntil } from '../wait.js';
import type { FixtureStore } from './store.js';

const MINUTES = 60_000;
const OPERATOR = 'fluxcd.controlplane.io/v1';

/** The operator writes no status.observedGeneration: its Ready condition carries the generation. */
const operatorReady = (obj: KubeObject) => {
  const ready = conditionOf(obj, 'Ready');
  return ready?.status === 'True' && ready.observedGeneration === obj.metadata.generation;
};

export async function captureReceiver(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-receiver');
  const repo = await lab.createGitRepo('fixtures-receiver');
  await repo.commit({ 'README.md': '# receiver fixtures\n' }, 'Initial commit');
  say(`receiver in ${ns}`);
  await lab.apply(
    [
      gitRepository('app', repo.url, { interval: '10m' }),
      webhookSecret('fixture-token'),
      receiver('app', 'generic-hmac', { resources: ['app'] }),
    ],
    { namespace: ns },
  );
  await store.object('receiver-ready', await lab.waitForReady('Receiver', ns, 'app'));
}

export async function captureOperator(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-operator');
  const repo = await lab.createGitRepo('fixtures-operator');
  const sha = await repo.commit(
    { 'apps/preview/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: preview\n' },
    'A preview app',
  );
  say(`operator in ${ns}`);
  await lab.apply(
    [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'apps' },
        spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } },
      },
      {
        apiVersion: OPERATOR,
        kind: 'ResourceSetInputProvider',
        metadata: { name: 'previews' },
        spec: { type: 'Static', defaultValues: { env: 'preview', colour: 'green' } },
      },
      {
        apiVersion: OPERATOR,
        kind: 'ResourceSet',
        metadata: { name: 'previews' },
        spec: {
          inputsFrom: [{ kind: 'ResourceSetInputProvider', name: 'previews' }],
          resources: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'settings-<< inputs.env >>', namespace: ns },
              data: { colour: '<< inputs.colour >>' },
            },
            {
              apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
              kind: 'Kustomization',
              metadata: { name: 'app-<< inputs.env >>', namespace: ns },
              spec: {
                interval: '10m',
                path: './apps/<< inputs.env >>',
                prune: true,
                targetNamespace: ns,
                sourceRef: { kind: 'GitRepository', name: 'apps' },
              },
            },
          ],
        },
      },
    ],
    { namespace: ns },
  );
  await store.object(
    'resourcesetinputprovider-ready',
    // Conditions and the rest of the status are two patches: Ready=True can show before the inputs do.
    await lab.waitFor(
      'ResourceSetInputProvider',
      ns,
      'previews',
      (o) => operatorReady(o) && Boolean(o.status?.lastExportedRevision),
      { timeoutMs: MINUTES, what: 'Ready with its exported inputs' },
    ),
  );
  await store.object(
    'resourceset-ready',
    // Before the provider has exported its inputs the ResourceSet is already Ready, with nothing generated.
    await lab.waitFor(
      'ResourceSet',
      ns,
      'previews',
      (o) => operatorReady(o) && o.status?.inventory?.entries?.length === 2,
      { timeoutMs: MINUTES, what: 'Ready with its two objects' },
    ),
  );
  // A generated object without a namespace: the operator sets none, and the API server refuses it.
  await lab.apply(
    {
      apiVersion: OPERATOR,
      kind: 'ResourceSet',
      metadata: { name: 'broken' },
      spec: {
        inputs: [{ id: 'one' }],
        resources: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'broken-<< inputs.id >>' } }],
      },
    },
    { namespace: ns },
  );
  await store.object(
    'resourceset-failed',
    await lab.waitFor(
      'ResourceSet',
      ns,
      'broken',
      (o) => conditionOf(o, 'Ready')?.reason === 'ReconciliationFailed',
      { timeoutMs: MINUTES, what: 'ReconciliationFailed' },
    ),
  );
  await store.events('resourceset-failed', 'ResourceSet', ns, 'broken');
  await store.object(
    'resourceset-kustomization-ready',
    await lab.waitForReady('Kustomization', ns, 'app-preview', { revision: sha, timeoutMs: MINUTES }),
  );
}

/**
 * A FluxInstance cannot succeed here (its distribution manifests come from the network); its failure is the
 * operator's real answer. Only the instance named `flux` in the operator's namespace is reconciled.
 */
export async function captureFluxInstance(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  say('flux instance in flux-system');
  await lab.apply({
    apiVersion: OPERATOR,
    kind: 'FluxInstance',
    metadata: { name: 'flux', namespace: 'flux-system' },
    spec: { distribution: { version: '2.x', registry: 'ghcr.io/fluxcd' }, wait: false },
  });
  const failed = await lab.waitFor(
    'FluxInstance',
    'flux-system',
    'flux',
    (o) => {
      const ready = conditionOf(o, 'Ready');
      return ready?.status === 'False' && ready.reason !== 'Progressing';
    },
    { timeoutMs: 2 * MINUTES, what: 'a settled failure' },
  );
  await store.object('fluxinstance-failed', failed);
  await store.events('fluxinstance-failed', 'FluxInstance', 'flux-system', 'flux');
  await lab.delete('FluxInstance', 'flux-system', 'flux');
}

export async function captureWorkloads(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-workloads');
  say(`workloads in ${ns}`);
  await lab.apply(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            nodeSelector: LAB_PODS.noNodeSelector,
            containers: [{ name: 'web', image: 'registry.invalid/web:1' }],
          },
        },
      },
    },
    { namespace: ns },
  );
  const pod = await waitUntil(
    async () =>
      (await lab.list('Pod', ns, 'app=web')).find(
        (p) => conditionOf(p, 'PodScheduled')?.reason === 'Unschedulable',
      ),
    { timeoutMs: MINUTES, what: `an Unschedulable Pod of Deployment ${ns}/web` },
  );
  // The Deployment settles once its controller has counted the unavailable replica.
  const deployment = await lab.waitFor(
    'Deployment',
    ns,
    'web',
    (d) => d.status?.observedGeneration === d.metadata.generation && d.status?.unavailableReplicas === 1,
    { timeoutMs: MINUTES, what: 'one unavailable replica' },
  );
  const [replicaSet] = await lab.list('ReplicaSet', ns, 'app=web');
  if (!replicaSet) throw new Error(`Deployment ${ns}/web has no ReplicaSet`);
  await store.object('deployment-pending', deployment);
  await store.object('replicaset-pending', replicaSet);
  await store.object('pod-unschedulable', pod);
  await store.events('pod-unschedulable', 'Pod', ns, pod.metadata.name);
}

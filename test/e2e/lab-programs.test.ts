// Proves the lab's further programs run and do their real work: notification-controller serves a Receiver's
// webhook, the Flux Operator generates objects from a ResourceSet fed by a static input provider, and
// kube-controller-manager with kube-scheduler turn a Deployment into a Pod that stays Pending when no node
// matches it (lab-pods.test.ts has the pods that run on kwok's node).
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionOf } from './lab/client.js';
import { gitRepository, receiver, webhookSecret } from './lab/flux-manifests.js';
import type { KubeObject } from './lab/kube.js';
import { useLab } from './lab/use-lab.js';
import { waitUntil } from './lab/wait.js';

const lab = useLab();
const OPERATOR = 'fluxcd.controlplane.io/v1';

describe('the lab programs', () => {
  let ns = '';

  beforeAll(async () => {
    ns = await lab.namespace('programs');
  });

  it('runs each optional program', () => {
    expect(lab.info.programs).toEqual(
      expect.arrayContaining([
        'notification-controller',
        'flux-operator',
        'kube-controller-manager',
        'kube-scheduler',
        'kwok',
      ]),
    );
    expect(lab.info.notification?.receiverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('notification-controller: a Receiver gets a webhook path whose POST requests a reconcile', async () => {
    const repo = await lab.createGitRepo('programs');
    await repo.commit(
      { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook\n' },
      'init',
    );
    await lab.apply(
      [
        gitRepository('hooked', repo.url, { interval: '10m' }),
        webhookSecret('lab-webhook-token'),
        receiver('generic', 'generic', { resources: ['hooked'] }),
      ],
      { namespace: ns },
    );
    const ready = await lab.waitForReady('Receiver', ns, 'generic');
    expect(ready.status.webhookPath).toMatch(/^\/hook\/[0-9a-f]{64}$/);

    const answer = await fetch(`${lab.info.notification?.receiverUrl}${ready.status.webhookPath}`, {
      method: 'POST',
    });
    expect(answer.status).toBe(200);
    const git = await lab.waitFor(
      'GitRepository',
      ns,
      'hooked',
      (obj) => Boolean(obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']),
      { what: 'the requestedAt annotation the receiver sets' },
    );
    expect(git.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBeTruthy();

    const unknown = await fetch(`${lab.info.notification?.receiverUrl}/hook/${'0'.repeat(64)}`, {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
  });

  it('flux-operator: a ResourceSet fed by a static input provider generates its objects and is Ready', async () => {
    await lab.apply(
      [
        {
          apiVersion: OPERATOR,
          kind: 'ResourceSetInputProvider',
          metadata: { name: 'static' },
          spec: { type: 'Static', defaultValues: { env: 'preview', colour: 'green' } },
        },
        {
          apiVersion: OPERATOR,
          kind: 'ResourceSet',
          metadata: { name: 'apps' },
          spec: {
            inputsFrom: [{ kind: 'ResourceSetInputProvider', name: 'static' }],
            resources: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                // (A Static provider's `id` input is its own: a hash of its UID.) A ResourceSet sets no namespace on what it generates.
                metadata: { name: 'app-<< inputs.env >>', namespace: ns },
                data: { colour: '<< inputs.colour >>' },
              },
            ],
          },
        },
      ],
      { namespace: ns },
    );
    // The operator's objects have no status.observedGeneration: the Ready condition carries the generation.
    const ready = (obj: KubeObject) => {
      const condition = conditionOf(obj, 'Ready');
      return condition?.status === 'True' && condition.observedGeneration === obj.metadata.generation;
    };
    // Conditions and the rest of the status are two patches: Ready=True can show before the inputs do.
    const rsip = await lab.waitFor(
      'ResourceSetInputProvider',
      ns,
      'static',
      (obj) => ready(obj) && Boolean(obj.status?.lastExportedRevision),
      { what: 'Ready with its exported inputs' },
    );
    expect(rsip.status.lastExportedRevision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rsip.status.exportedInputs).toEqual([
      expect.objectContaining({ env: 'preview', colour: 'green' }),
    ]);
    // Before the provider has exported its inputs the ResourceSet is already Ready, with nothing generated.
    const rset = await lab.waitFor(
      'ResourceSet',
      ns,
      'apps',
      (obj) => ready(obj) && obj.status?.inventory?.entries?.length > 0,
      { what: 'Ready with an inventory' },
    );
    expect(rset.status.inventory.entries).toContainEqual({ id: `${ns}_app-preview__ConfigMap`, v: 'v1' });
    expect((await lab.get('ConfigMap', ns, 'app-preview'))?.data).toEqual({ colour: 'green' });
  });

  it('kube-controller-manager and kube-scheduler: a Deployment gets a Pod that no node matches: Pending, Unschedulable', async () => {
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
              nodeSelector: lab.pods.noNodeSelector,
              containers: [{ name: 'web', image: 'registry.invalid/web:1' }],
            },
          },
        },
      },
      { namespace: ns },
    );
    let pods: KubeObject[] = [];
    const pod = await waitUntil(
      async () => {
        pods = await lab.list('Pod', ns, 'app=web');
        return pods.find((p) => conditionOf(p, 'PodScheduled')?.reason === 'Unschedulable');
      },
      {
        timeoutMs: 60_000,
        what: 'a Pod of Deployment web that the scheduler calls Unschedulable',
        context: () => `pods: ${JSON.stringify(pods.map((p) => p.status))}`,
      },
    );
    expect(pod.status.phase).toBe('Pending');
    expect(conditionOf(pod, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    const [replicaSet] = await lab.list('ReplicaSet', ns, 'app=web');
    expect(replicaSet?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'web' }),
    ]);
    expect(pod.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ReplicaSet', name: replicaSet?.metadata.name }),
    ]);
    const events = await lab.events('Pod', ns, pod.metadata.name);
    expect(events).toContainEqual(expect.objectContaining({ reason: 'FailedScheduling', type: 'Warning' }));
  });
});

// Proves the lab's further programs run and do their real work: notification-controller serves a Receiver's
// webhook (and a generic-oidc one trusts the lab's OIDC issuer, and only it), the Flux Operator generates
// objects from a ResourceSet fed by a static input provider, and kube-controller-manager with kube-scheduler
// turn a Deployment into a Pod that stays Pending when no node matches it (lab-pods.test.ts has the pods
// that run on kwok's node).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/jwt.js';
import { conditionOf } from './lab/client.js';
import { gitRepository, oidcReceiver, receiver, webhookSecret } from './lab/flux-manifests.js';
import type { KubeObject } from './lab/kube.js';
import { useLab } from './lab/use-lab.js';
import { waitUntil } from './lab/wait.js';

const lab = useLab();
const OPERATOR = 'fluxcd.controlplane.io/v1';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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

  it('notification-controller: a generic-oidc Receiver takes a token of the trusted issuer, and refuses the others', async () => {
    const oidc = lab.info.oidc;
    if (!oidc) throw new Error('the lab runs no OIDC issuers');
    const repo = await lab.createGitRepo('programs-oidc');
    await repo.commit(
      { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook\n' },
      'init',
    );
    const fromFleet = {
      expression: `claims.repository == '${oidc.run.repository}'`,
      message: `only ${oidc.run.repository} may deploy`,
    };
    const resources = [{ kind: 'GitRepository', name: 'oidc-hooked' }];
    await lab.apply(
      [
        gitRepository('oidc-hooked', repo.url),
        oidcReceiver('oidc', { issuerURL: oidc.issuers.trusted, validations: [fromFleet], resources }),
        oidcReceiver('oidc-prod', {
          issuerURL: oidc.issuers.trusted,
          audience: 'fleet-prod',
          validations: [fromFleet],
          resources,
        }),
        oidcReceiver('oidc-other', {
          issuerURL: oidc.issuers.trusted,
          validations: [
            { expression: "claims.repository == 'org/other'", message: 'only org/other may deploy' },
          ],
          resources,
        }),
      ],
      { namespace: ns },
    );
    const hook = async (name: string) => {
      const receiver = await lab.waitForReady('Receiver', ns, name);
      // No secretRef: the path is salted with an empty token.
      expect(receiver.status.webhookPath).toBe(`/hook/${sha256(`${name}${ns}`)}`);
      return `${lab.info.notification?.receiverUrl}${receiver.status.webhookPath}`;
    };
    const post = async (url: string, token?: string) =>
      (await fetch(url, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {} }))
        .status;

    const token = await lab.oidcToken('trusted', 'notification-controller');
    const { claims } = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: oidc.issuers.trusted,
      aud: 'notification-controller',
      sub: `repo:${oidc.run.repository}:ref:${oidc.run.ref}`,
      repository: oidc.run.repository,
      repository_owner: oidc.run.repository.split('/')[0],
      ref: oidc.run.ref,
      sha: oidc.run.sha,
    });
    expect(decodeJwt(await lab.oidcToken('trusted')).claims.aud).toBe(
      `https://github.com/${oidc.run.repository.split('/')[0]}`,
    );

    // Every refusal is HTTP 400 with an empty body; the controller's log says why.
    const refusals: [string, number, string][] = [
      ['without a token', await post(await hook('oidc')), 'the Authorization header is missing or malformed'],
      [
        'from an issuer it does not list',
        await post(await hook('oidc'), await lab.oidcToken('untrusted', 'notification-controller')),
        `no oidcProvider configured for issuer "${oidc.issuers.untrusted}"`,
      ],
      [
        'signed with a key its issuer does not publish',
        await post(await hook('oidc'), await lab.oidcToken('forged', 'notification-controller')),
        'failed to verify OIDC token: failed to verify signature',
      ],
      [
        'for another audience',
        await post(await hook('oidc-prod'), token),
        'failed to verify OIDC token: oidc: expected audience "fleet-prod" got ["notification-controller"]',
      ],
      [
        'from a repository its validation refuses',
        await post(await hook('oidc-other'), token),
        'token validation failed: only org/other may deploy',
      ],
    ];
    for (const [why, status] of refusals) expect(status, why).toBe(400);
    // Its log is JSON: the quotes in a reason are escaped there.
    const log = join(lab.info.logsDir, 'notification-controller.log');
    const missing = async () => {
      const text = await readFile(log, 'utf8');
      return refusals.filter(([, , words]) => !text.includes(words.replaceAll('"', '\\"')));
    };
    await waitUntil(async () => ((await missing()).length === 0 ? true : undefined), {
      what: "the controller's reasons in its log",
      timeoutMs: 10_000,
    }).catch(async (error) => {
      throw new Error(`${error}; not found in ${log}: ${(await missing()).map(([why]) => why).join(', ')}`);
    });

    expect(await post(await hook('oidc'), token)).toBe(200);
    await lab.waitFor(
      'GitRepository',
      ns,
      'oidc-hooked',
      (obj) => Boolean(obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']),
      { what: 'the requestedAt annotation the receiver sets' },
    );
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

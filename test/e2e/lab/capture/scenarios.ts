// Drives the real controllers into the states the verdict and report code must understand, and stores each
// object (and the events of the failing ones) as fixtures.

import { conditionOf, isReady, type LabClient } from '../client.js';
import {
  configMap,
  gitRepository,
  helmRelease,
  helmRepository,
  type KustomizationOptions,
  kustomization,
} from '../flux-manifests.js';
import { BROKEN_TEMPLATE, CONFIGMAP_TEMPLATE, REJECTED_RESOURCE_TEMPLATE } from '../helm-repo.js';
import type { KubeObject } from '../kube.js';
import { sleep } from '../wait.js';
import { INVALID_YAML, SCHEMA_ERROR } from './broken-manifests.js';
import type { FixtureStore } from './store.js';

const MINUTES = 60_000;

/** The fixture Kustomizations retry quickly (5s), so that their failures are captured as retries too. */
const captured = (namespace: string, extra: KustomizationOptions = {}): KustomizationOptions => ({
  targetNamespace: namespace,
  source: 'fixtures',
  interval: '10m',
  retryInterval: '5s',
  ...extra,
});

const readyIs = (status: string, reason?: string) => (obj: KubeObject) => {
  const ready = conditionOf(obj, 'Ready');
  return ready?.status === status && (!reason || ready.reason === reason);
};

/** A failure the controller has settled on (not a transient Progressing). */
const failed = (obj: KubeObject) => {
  const ready = conditionOf(obj, 'Ready');
  return (
    ready?.status === 'False' && ready.reason !== 'Progressing' && ready.reason !== 'ProgressingWithRetry'
  );
};

export async function captureKustomizations(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures');
  const repo = await lab.createGitRepo('fixtures');
  say(`kustomizations in ${ns}, repo ${repo.url}`);
  const sha = await repo.commit(
    {
      'ready/configmap.yaml': configMap('ready', { message: 'hello' }),
      'broken-yaml/configmap.yaml': INVALID_YAML,
      'broken-schema/configmap.yaml': SCHEMA_ERROR,
      'dependent/configmap.yaml': configMap('dependent', { message: 'waits for broken-yaml' }),
    },
    'Fixtures: one good path and two broken ones',
  );
  await lab.apply(gitRepository('fixtures', repo.url, { interval: '10m' }), { namespace: ns });
  await store.object(
    'gitrepository-ready',
    await lab.waitForReady('GitRepository', ns, 'fixtures', { revision: sha }),
  );

  await lab.apply(
    [
      kustomization('ready', './ready', captured(ns)),
      kustomization('broken-yaml', './broken-yaml', captured(ns)),
      kustomization('broken-schema', './broken-schema', captured(ns)),
      kustomization('dependent', './dependent', captured(ns, { dependsOn: ['broken-yaml'] })),
      kustomization(
        'no-source',
        './ready',
        captured(ns, { spec: { sourceRef: { kind: 'GitRepository', name: 'does-not-exist' } } }),
      ),
    ],
    { namespace: ns },
  );
  await store.object(
    'kustomization-ready',
    await lab.waitForReady('Kustomization', ns, 'ready', { revision: sha }),
  );

  for (const [name, scenario] of [
    ['broken-yaml', 'kustomization-failed-invalid-yaml'],
    ['broken-schema', 'kustomization-failed-schema'],
  ] as const) {
    await store.object(
      scenario,
      await lab.waitFor('Kustomization', ns, name, failed, { timeoutMs: 2 * MINUTES }),
    );
    await store.events(scenario, 'Kustomization', ns, name);
  }
  // A moment later the controller is retrying: the state `flux reconcile` mistakes for progress.
  await store.object(
    'kustomization-failed-retrying',
    await lab.waitFor(
      'Kustomization',
      ns,
      'broken-yaml',
      (o) => failed(o) && conditionOf(o, 'Reconciling')?.status === 'True',
      { timeoutMs: MINUTES, what: 'Reconciling=True while failing' },
    ),
  );

  await store.object(
    'kustomization-dependency-not-ready',
    await lab.waitFor('Kustomization', ns, 'dependent', readyIs('False', 'DependencyNotReady'), {
      timeoutMs: MINUTES,
    }),
  );
  await store.events('kustomization-dependency-not-ready', 'Kustomization', ns, 'dependent');

  await store.object(
    'kustomization-source-not-found',
    await lab.waitFor('Kustomization', ns, 'no-source', (o) => conditionOf(o, 'Ready')?.status === 'False', {
      timeoutMs: MINUTES,
    }),
  );
  await store.events('kustomization-source-not-found', 'Kustomization', ns, 'no-source');

  await captureReconcileRequest(lab, store, ns, repo, say);

  // Suspended: the spec changes (generation bumps), the controller stops writing status.
  await lab.patch('Kustomization', ns, 'ready', { spec: { suspend: true } });
  await sleep(2_000);
  await store.current('kustomization-suspended', 'Kustomization', ns, 'ready');
}

/** Right after a reconcile request: catch the in-progress state if the controller is slow enough to show it. */
async function captureReconcileRequest(
  lab: LabClient,
  store: FixtureStore,
  ns: string,
  repo: { commit(files: Record<string, string | null>, message: string): Promise<string> },
  say: (s: string) => void,
) {
  const sha = await repo.commit(
    { 'ready/configmap.yaml': configMap('ready', { message: 'hello again' }) },
    'Change the ready ConfigMap',
  );
  const before = await lab.get('Kustomization', ns, 'ready');
  await store.object('kustomization-before-request', before as KubeObject);
  const sourceToken = await lab.requestReconcile('GitRepository', ns, 'fixtures');
  await store.object(
    'gitrepository-reconcile-handled',
    await lab.waitFor(
      'GitRepository',
      ns,
      'fixtures',
      (o) =>
        o.status?.lastHandledReconcileAt === sourceToken &&
        isReady(o) &&
        o.status?.artifact?.revision?.includes(sha),
      { timeoutMs: MINUTES },
    ),
  );
  const token = await lab.requestReconcile('Kustomization', ns, 'ready');
  let inProgress: KubeObject | undefined;
  let handled: KubeObject | undefined;
  const deadline = Date.now() + MINUTES;
  while (!handled && Date.now() < deadline) {
    const obj = await lab.get('Kustomization', ns, 'ready');
    if (obj && !inProgress && conditionOf(obj, 'Reconciling')?.status === 'True') inProgress = obj;
    if (
      obj?.status?.lastHandledReconcileAt === token &&
      isReady(obj) &&
      obj.status.lastAppliedRevision?.includes(sha)
    ) {
      handled = obj;
    }
  }
  if (inProgress) await store.object('kustomization-reconciling', inProgress);
  else say('  (the in-progress state of the Kustomization was too brief to catch)');
  if (!handled) throw new Error('the Kustomization did not handle the reconcile request within a minute');
  await store.object('kustomization-reconcile-handled', handled);
}

export async function captureGitFailures(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-git');
  const repo = await lab.createGitRepo('fixtures-git');
  await repo.commit({ 'README.md': '# only main exists\n' }, 'Initial commit');
  say(`git failures in ${ns}`);
  await lab.apply(
    [
      gitRepository('missing-repo', `${lab.info.git.serverUrl}/does-not-exist.git`, { interval: '10m' }),
      gitRepository('missing-branch', repo.url, { interval: '10m', ref: { branch: 'no-such-branch' } }),
      gitRepository('unreachable', 'http://127.0.0.1:9/nothing-listens-here.git', { interval: '10m' }),
    ],
    { namespace: ns },
  );
  for (const [name, scenario] of [
    ['missing-repo', 'gitrepository-failed-bad-url'],
    ['missing-branch', 'gitrepository-failed-missing-branch'],
    ['unreachable', 'gitrepository-failed-unreachable'],
  ] as const) {
    await store.object(
      scenario,
      await lab.waitFor('GitRepository', ns, name, failed, { timeoutMs: 2 * MINUTES }),
    );
    await store.events(scenario, 'GitRepository', ns, name);
  }
}

export async function captureHelm(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-helm');
  const chart = `fixture-${ns.slice(-6)}`;
  say(`helm in ${ns}, chart ${chart}`);
  await lab.helm.publish({ name: chart, version: '1.0.0', values: { data: { colour: 'blue' } } });
  await lab.apply(helmRepository('charts', lab.helm.url), { namespace: ns });
  await store.object('helmrepository-ready', await lab.waitForReady('HelmRepository', ns, 'charts'));

  await lab.apply(
    helmRelease('app', chart, '1.0.0', { spec: { upgrade: { remediation: { retries: 1 } } } }),
    {
      namespace: ns,
    },
  );
  await store.object(
    'helmrelease-installed',
    await lab.waitForReady('HelmRelease', ns, 'app', { timeoutMs: 2 * MINUTES }),
  );
  await store.current('helmchart-ready', 'HelmChart', ns, `${ns}-app`);

  // A new chart version: the repository index must be fetched again before the chart can move to it.
  const publishAndPoint = async (version: string, templates?: Record<string, string>) => {
    await lab.helm.publish({
      name: chart,
      version,
      values: { data: { colour: 'green' } },
      ...(templates ? { templates: { 'configmap.yaml': CONFIGMAP_TEMPLATE, ...templates } } : {}),
    });
    const token = await lab.requestReconcile('HelmRepository', ns, 'charts');
    await lab.waitFor(
      'HelmRepository',
      ns,
      'charts',
      (o) => o.status?.lastHandledReconcileAt === token && isReady(o),
    );
    await lab.patch('HelmRelease', ns, 'app', { spec: { chart: { spec: { version } } } });
  };

  await publishAndPoint('1.1.0');
  await store.object(
    'helmrelease-upgraded',
    await lab.waitFor(
      'HelmRelease',
      ns,
      'app',
      (o) => isReady(o) && o.status?.history?.[0]?.chartVersion === '1.1.0',
      {
        timeoutMs: 2 * MINUTES,
        what: 'upgraded to 1.1.0',
      },
    ),
  );
  await store.current('helmchart-upgraded', 'HelmChart', ns, `${ns}-app`);

  // A render error fails before Helm records a release: it is retried with backoff, never counted as an
  // upgrade failure, so it never stalls.
  await publishAndPoint('1.2.0', { 'broken.yaml': BROKEN_TEMPLATE });
  await store.object(
    'helmrelease-upgrade-failed',
    await lab.waitFor(
      'HelmRelease',
      ns,
      'app',
      (o) => failed(o) && o.status?.lastAttemptedRevision === '1.2.0',
      {
        timeoutMs: 2 * MINUTES,
        what: 'a failed upgrade to 1.2.0',
      },
    ),
  );
  await store.events('helmrelease-upgrade-failed', 'HelmRelease', ns, 'app');

  // A resource the API server rejects fails after the release is recorded: remediation, then RetriesExceeded.
  await publishAndPoint('1.3.0', { 'rejected.yaml': REJECTED_RESOURCE_TEMPLATE });
  await store.object(
    'helmrelease-upgrade-failed-release',
    await lab.waitFor(
      'HelmRelease',
      ns,
      'app',
      (o) => failed(o) && o.status?.lastAttemptedRevision === '1.3.0' && (o.status?.upgradeFailures ?? 0) > 0,
      { timeoutMs: 2 * MINUTES, what: 'a recorded failed upgrade to 1.3.0' },
    ),
  );
  const stalled = await lab.waitFor(
    'HelmRelease',
    ns,
    'app',
    (o) => conditionOf(o, 'Stalled')?.status === 'True',
    {
      timeoutMs: 4 * MINUTES,
      what: 'Stalled after the remediation retries',
    },
  );
  await store.object('helmrelease-retries-exhausted', stalled);
  await store.events('helmrelease-retries-exhausted', 'HelmRelease', ns, 'app');

  // Back to a good version, forced and with the failure counters reset (what `force`/`reset` inputs do).
  await lab.patch('HelmRelease', ns, 'app', { spec: { chart: { spec: { version: '1.1.0' } } } });
  const token = await lab.requestReconcile('HelmRelease', ns, 'app', { force: true, reset: true });
  await store.object(
    'helmrelease-forced-and-reset',
    await lab.waitFor(
      'HelmRelease',
      ns,
      'app',
      (o) =>
        o.status?.lastHandledForceAt === token &&
        o.status?.lastHandledResetAt === token &&
        isReady(o) &&
        o.status?.history?.[0]?.chartVersion === '1.1.0',
      { timeoutMs: 2 * MINUTES, what: 'forced upgrade back to 1.1.0 with counters reset' },
    ),
  );

  // Installing a chart that does not render fails differently (InstallFailed), once its HelmChart is ready.
  await lab.apply(helmRelease('broken-install', chart, '1.2.0'), { namespace: ns });
  let chartNotReady: KubeObject | undefined;
  const installFailed = await lab.waitFor(
    'HelmRelease',
    ns,
    'broken-install',
    (o) => {
      if (!chartNotReady && conditionOf(o, 'Ready')?.reason === 'SourceNotReady') chartNotReady = o;
      return readyIs('False', 'InstallFailed')(o);
    },
    { timeoutMs: 2 * MINUTES, what: 'InstallFailed' },
  );
  if (chartNotReady) await store.object('helmrelease-chart-not-ready', chartNotReady);
  await store.object('helmrelease-install-failed', installFailed);
  await store.events('helmrelease-install-failed', 'HelmRelease', ns, 'broken-install');
}

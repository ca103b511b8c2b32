// Fixture scenarios of workloads whose pods run on kwok's node: each rolled out, and each way a rollout
// fails (an image that never pulls, a crash loop, a missed progress deadline, a Job out of retries), as
// kube-controller-manager's controllers and kwok's simulated kubelet leave the objects.
import { conditionOf, type LabClient } from '../client.js';
import type { KubeObject } from '../kube.js';
import { waitUntil } from '../wait.js';
import { daemonSet, deployment, job, statefulSet } from '../workload-manifests.js';
import type { FixtureStore } from './store.js';

const MINUTES = 60_000;

type ContainerState = Record<string, { reason?: string } | undefined>;
const waitingReason = (pod: KubeObject): string | undefined =>
  (pod.status?.containerStatuses?.[0]?.state as ContainerState | undefined)?.waiting?.reason;
const restarts = (pod: KubeObject): number => pod.status?.containerStatuses?.[0]?.restartCount ?? 0;
const settled = (w: KubeObject) => w.status?.observedGeneration === w.metadata.generation;

/** The first pod labelled app=<app> that satisfies `predicate`. */
function podOf(
  lab: LabClient,
  ns: string,
  app: string,
  predicate: (pod: KubeObject) => boolean,
  what: string,
) {
  return waitUntil(async () => (await lab.list('Pod', ns, `app=${app}`)).find(predicate), {
    timeoutMs: 2 * MINUTES,
    intervalMs: 250,
    what: `a pod of ${ns}/${app}: ${what}`,
  });
}

export async function capturePods(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('fixtures-pods');
  say(`workloads on kwok's node in ${ns}`);
  const { faults, unpullableImage } = lab.pods;
  await lab.apply(
    [
      deployment('web', { replicas: 2 }),
      deployment('unpulled', { image: unpullableImage, progressDeadlineSeconds: 600 }),
      deployment('crasher', { fault: faults.crash }),
      deployment('flaky', { fault: faults.restartOnce, restartAfter: '5s' }),
      deployment('deadline', { image: unpullableImage, progressDeadlineSeconds: 10 }),
      statefulSet('db', { replicas: 2 }),
      daemonSet('agent'),
      job('migrate'),
      job('broken', { fault: faults.crash, backoffLimit: 1 }),
    ].join('---\n'),
    { namespace: ns },
  );

  await captureRollouts(lab, store, ns);
  await captureDeploymentFailures(lab, store, ns);
  await captureJobs(lab, store, ns);
  await captureRestart(lab, store, ns);
}

/** A pod that was Ready, restarted once (for a soak), and is Ready again. */
async function captureRestart(lab: LabClient, store: FixtureStore, ns: string) {
  const restarted = await podOf(
    lab,
    ns,
    'flaky',
    (p) => restarts(p) === 1 && conditionOf(p, 'Ready')?.status === 'True',
    'restarted once and Ready again',
  );
  await store.object('workload-pod-restarted-once', restarted);
  await store.current('workload-deployment-restarted-once', 'Deployment', ns, 'flaky');
}

async function captureRollouts(lab: LabClient, store: FixtureStore, ns: string) {
  const web = await lab.waitFor(
    'Deployment',
    ns,
    'web',
    (d) => settled(d) && d.status?.availableReplicas === 2 && d.status?.updatedReplicas === 2,
    { timeoutMs: 2 * MINUTES, what: 'rolled out, 2 available' },
  );
  await store.object('workload-deployment-available', web);
  await store.object(
    'workload-pod-running',
    await podOf(lab, ns, 'web', (p) => conditionOf(p, 'Ready')?.status === 'True', 'Ready'),
  );
  await store.object(
    'workload-statefulset-ready',
    await lab.waitFor(
      'StatefulSet',
      ns,
      'db',
      (s) =>
        settled(s) &&
        s.status?.availableReplicas === 2 &&
        s.status?.currentRevision === s.status?.updateRevision,
      { timeoutMs: 2 * MINUTES, what: 'rolled out, 2 available' },
    ),
  );
  await store.object(
    'workload-daemonset-ready',
    await lab.waitFor(
      'DaemonSet',
      ns,
      'agent',
      (d) => settled(d) && d.status?.numberAvailable === 1 && d.status?.updatedNumberScheduled === 1,
      { timeoutMs: 2 * MINUTES, what: 'rolled out on the one node' },
    ),
  );
}

async function captureDeploymentFailures(lab: LabClient, store: FixtureStore, ns: string) {
  const unpulled = await podOf(
    lab,
    ns,
    'unpulled',
    (p) => waitingReason(p) === 'ImagePullBackOff',
    'ImagePullBackOff',
  );
  await store.object('workload-pod-image-pull-backoff', unpulled);
  await store.events('workload-pod-image-pull-backoff', 'Pod', ns, unpulled.metadata.name);
  await store.current('workload-deployment-image-pull-backoff', 'Deployment', ns, 'unpulled');

  // Two restarts: the second failure is the first in back-off.
  const crashing = await podOf(
    lab,
    ns,
    'crasher',
    (p) => waitingReason(p) === 'CrashLoopBackOff' && restarts(p) >= 2,
    'CrashLoopBackOff after 2 restarts',
  );
  await store.object('workload-pod-crash-loop', crashing);
  await store.events('workload-pod-crash-loop', 'Pod', ns, crashing.metadata.name);
  await store.current('workload-deployment-crash-loop', 'Deployment', ns, 'crasher');

  const deadline = await lab.waitFor(
    'Deployment',
    ns,
    'deadline',
    (d) => conditionOf(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded',
    { timeoutMs: 2 * MINUTES, what: 'ProgressDeadlineExceeded' },
  );
  await store.object('workload-deployment-progress-deadline-exceeded', deadline);
  await store.events('workload-deployment-progress-deadline-exceeded', 'Deployment', ns, 'deadline');
  const [pod] = await lab.list('Pod', ns, 'app=deadline');
  if (!pod) throw new Error(`Deployment ${ns}/deadline has no pod`);
  await store.object('workload-pod-of-deployment-progress-deadline-exceeded', pod);
}

async function captureJobs(lab: LabClient, store: FixtureStore, ns: string) {
  await store.object(
    'workload-job-complete',
    await lab.waitFor('Job', ns, 'migrate', (j) => conditionOf(j, 'Complete')?.status === 'True', {
      timeoutMs: 2 * MINUTES,
      what: 'Complete',
    }),
  );
  const [succeeded] = await lab.list('Pod', ns, 'app=migrate');
  if (!succeeded) throw new Error(`Job ${ns}/migrate has no pod`);
  await store.object('workload-pod-of-job-complete', succeeded);

  const failed = await lab.waitFor('Job', ns, 'broken', (j) => conditionOf(j, 'Failed')?.status === 'True', {
    timeoutMs: 2 * MINUTES,
    what: 'Failed',
  });
  await store.object('workload-job-failed', failed);
  await store.events('workload-job-failed', 'Job', ns, 'broken');
  const [pod] = await lab.list('Pod', ns, 'app=broken');
  if (!pod) throw new Error(`Job ${ns}/broken has no pod`);
  await store.object('workload-pod-of-job-failed', pod);
}

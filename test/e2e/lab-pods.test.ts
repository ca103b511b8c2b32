// Proves that the lab's pods really run: kube-scheduler binds them to kwok's node, kwok plays their status
// (its Stage configuration), and kube-controller-manager's Deployment, StatefulSet, DaemonSet and Job
// controllers see them Ready, Succeeded, or failing in each way a scenario can ask for.
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionOf } from './lab/client.js';
import type { KubeObject } from './lab/kube.js';
import { useLab } from './lab/use-lab.js';
import { waitUntil } from './lab/wait.js';
import { daemonSet, deployment, job, statefulSet } from './lab/workload-manifests.js';

const lab = useLab();
const { faults } = lab.pods;
const MINUTE = 60_000;

interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state: Record<string, { reason?: string; message?: string; exitCode?: number } | undefined>;
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}
const containerOf = (pod: KubeObject): ContainerStatus | undefined => pod.status?.containerStatuses?.[0];

describe('the lab’s pods', () => {
  let ns = '';
  /** The first pod labelled app=<name> that satisfies `predicate`. */
  const podOf = (app: string, predicate: (pod: KubeObject) => boolean, what: string) => {
    let seen: KubeObject[] = [];
    return waitUntil(
      async () => {
        seen = await lab.list('Pod', ns, `app=${app}`);
        return seen.find(predicate);
      },
      {
        timeoutMs: 2 * MINUTE,
        intervalMs: 250,
        what: `a pod of ${app}: ${what}`,
        context: () => `pods: ${JSON.stringify(seen.map((p) => p.status))}`,
      },
    );
  };

  beforeAll(async () => {
    ns = await lab.namespace('pods');
  });

  it('has one Ready node with capacity, run by kwok', async () => {
    expect(lab.info.programs).toContain('kwok');
    const node = await lab.get('Node', undefined, lab.pods.nodeName);
    expect(conditionOf(node, 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(node?.status.allocatable).toMatchObject({ cpu: '16', pods: '110' });
    expect(node?.spec.taints ?? []).toEqual([]);
  });

  it('a Deployment becomes Available, and rolls out a new image', async () => {
    await lab.apply(deployment('web', { replicas: 2 }), { namespace: ns });
    const available = await lab.waitFor(
      'Deployment',
      ns,
      'web',
      (d) =>
        d.status?.availableReplicas === 2 &&
        conditionOf(d, 'Progressing')?.reason === 'NewReplicaSetAvailable',
      { timeoutMs: 2 * MINUTE, what: '2 available replicas, rolled out' },
    );
    expect(available.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
    expect(conditionOf(available, 'Available')?.status).toBe('True');
    const pods = await lab.list('Pod', ns, 'app=web');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec.nodeName).toBe(lab.pods.nodeName);
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.podIP).toMatch(/^10\.244\./);
      expect(conditionOf(pod, 'Ready')?.status).toBe('True');
      expect(containerOf(pod)).toMatchObject({ ready: true, restartCount: 0, state: { running: {} } });
    }

    await lab.patch('Deployment', ns, 'web', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
    });
    await lab.waitFor(
      'Deployment',
      ns,
      'web',
      (d) =>
        d.status?.observedGeneration === d.metadata.generation &&
        d.status?.updatedReplicas === 2 &&
        d.status?.availableReplicas === 2 &&
        d.status?.replicas === 2,
      { timeoutMs: 2 * MINUTE, what: 'rolled out to nginx:1.28, old pods gone' },
    );
    // The old pods are deleted (kwok removes them as the kubelet would): only the new image is left.
    await waitUntil(
      async () => {
        const images = (await lab.list('Pod', ns, 'app=web')).map((p) => p.spec.containers[0].image);
        return images.length === 2 && images.every((i) => i === 'nginx:1.28') ? images : undefined;
      },
      { timeoutMs: MINUTE, what: 'only the 2 pods of nginx:1.28 left' },
    );
  });

  it('a StatefulSet and a DaemonSet roll out; a Job completes', async () => {
    await lab.apply([statefulSet('db', { replicas: 2 }), daemonSet('agent'), job('migrate')].join('---\n'), {
      namespace: ns,
    });
    const sts = await lab.waitFor('StatefulSet', ns, 'db', (s) => s.status?.availableReplicas === 2, {
      timeoutMs: 2 * MINUTE,
      what: '2 available replicas',
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const ds = await lab.waitFor('DaemonSet', ns, 'agent', (d) => d.status?.numberAvailable === 1, {
      timeoutMs: 2 * MINUTE,
      what: 'its pod on the one node available',
    });
    expect(ds.status.desiredNumberScheduled).toBe(1);
    const done = await lab.waitFor(
      'Job',
      ns,
      'migrate',
      (j) => conditionOf(j, 'Complete')?.status === 'True',
      {
        timeoutMs: 2 * MINUTE,
        what: 'Complete',
      },
    );
    expect(done.status.succeeded).toBe(1);
    const [pod] = await lab.list('Pod', ns, 'app=migrate');
    expect(pod?.status.phase).toBe('Succeeded');
    expect(containerOf(pod as KubeObject)?.state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
  });

  it('an image that never pulls: ErrImagePull, then ImagePullBackOff, and the Deployment misses its deadline', async () => {
    const image = lab.pods.unpullableImage;
    await lab.apply(deployment('unpulled', { image, progressDeadlineSeconds: 10 }), { namespace: ns });
    const pod = await podOf(
      'unpulled',
      (p) => containerOf(p)?.state.waiting?.reason === 'ImagePullBackOff',
      'waiting ImagePullBackOff',
    );
    expect(pod.status.phase).toBe('Pending');
    expect(conditionOf(pod, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
    expect(containerOf(pod)?.state.waiting?.message).toBe(
      `Back-off pulling image "${image}": ErrImagePull: rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://registry.invalid/v2/app/manifests/1": dial tcp: lookup registry.invalid: no such host`,
    );
    const events = await lab.events('Pod', ns, pod.metadata.name);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' }),
    );
    const stuck = await lab.waitFor(
      'Deployment',
      ns,
      'unpulled',
      (d) => conditionOf(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded',
      { timeoutMs: 2 * MINUTE, what: 'ProgressDeadlineExceeded' },
    );
    expect(stuck.status.unavailableReplicas).toBe(1);
  });

  it('a crash loop: Error, CrashLoopBackOff with the last exit, and a rising restart count', async () => {
    await lab.apply(deployment('crasher', { fault: faults.crash }), { namespace: ns });
    const looping = await podOf(
      'crasher',
      (p) => containerOf(p)?.state.waiting?.reason === 'CrashLoopBackOff',
      'waiting CrashLoopBackOff',
    );
    const status = containerOf(looping);
    expect(status?.restartCount).toBe(1);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(status?.state.waiting?.message).toBe(
      `back-off 10s restarting failed container=app pod=${looping.metadata.name}_${ns}(${looping.metadata.uid})`,
    );
    expect(looping.status.phase).toBe('Running');
    expect(conditionOf(looping, 'Ready')?.status).toBe('False');
    // After the 10 s back-off the kubelet runs it again; it exits again.
    await podOf('crasher', (p) => (containerOf(p)?.restartCount ?? 0) >= 2, 'restartCount 2');
    const web = await lab.get('Deployment', ns, 'crasher');
    expect(web?.status.availableReplicas ?? 0).toBe(0);
  });

  it('a pod that restarts once: Ready, then restartCount 1 after the delay, Ready again', async () => {
    await lab.apply(deployment('flaky', { fault: faults.restartOnce, restartAfter: '3s' }), {
      namespace: ns,
    });
    await lab.waitFor('Deployment', ns, 'flaky', (d) => d.status?.availableReplicas === 1, {
      timeoutMs: 2 * MINUTE,
      what: 'available before the restart',
    });
    const restarted = await podOf(
      'flaky',
      (p) => containerOf(p)?.restartCount === 1 && conditionOf(p, 'Ready')?.status === 'True',
      'restarted once and Ready again',
    );
    expect(containerOf(restarted)).toMatchObject({
      ready: true,
      state: { running: {} },
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
    });
  });

  it('a Job whose pods exit 1 fails with BackoffLimitExceeded', async () => {
    await lab.apply(job('broken', { fault: faults.crash, backoffLimit: 1 }), { namespace: ns });
    const failed = await lab.waitFor(
      'Job',
      ns,
      'broken',
      (j) => conditionOf(j, 'Failed')?.status === 'True',
      { timeoutMs: 2 * MINUTE, what: 'Failed' },
    );
    expect(conditionOf(failed, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    expect(failed.status.failed).toBe(2);
    const pods = await lab.list('Pod', ns, 'app=broken');
    expect(pods.map((p) => p.status.phase)).toEqual(['Failed', 'Failed']);
    expect(containerOf(pods[0] as KubeObject)?.state.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
  });

  it('a pod whose nodeSelector matches no node stays Pending, Unschedulable', async () => {
    await lab.apply(deployment('nowhere', { nodeSelector: lab.pods.noNodeSelector }), { namespace: ns });
    const pod = await podOf(
      'nowhere',
      (p) => conditionOf(p, 'PodScheduled')?.reason === 'Unschedulable',
      'Unschedulable',
    );
    expect(pod.status.phase).toBe('Pending');
    expect(conditionOf(pod, 'PodScheduled')?.message).toContain(
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
    );
  });
});

// The controllers' own time for a rollout, seen from outside the action: a list+watch of the Deployments in
// a namespace records, on this process's clock (performance.now(), the clock of the step's timings), when
// each Deployment first ran `image` everywhere: kube-controller-manager's status caught up with the spec
// (observedGeneration), every replica updated, ready and available, no old replica left. kstatus's rule for
// a Deployment, written here apart from the action's own verdict, which it measures.
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/kube/api.js';
import { createClusterApi } from '../../src/kube/client.js';
import { waitUntil } from '../e2e/lab/wait.js';

const DEPLOYMENTS = { apiVersion: 'apps/v1', plural: 'deployments' };

interface DeploymentShape {
  spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
}

/** Whether the Deployment runs `image` in all its replicas, as its controller last wrote. */
export function rolledOutAt(obj: KubeObject, image: string): boolean {
  const { spec, status } = obj as KubeObject & DeploymentShape;
  const want = spec?.replicas ?? 1;
  return (
    (spec?.template?.spec?.containers ?? []).every((c) => c.image === image) &&
    (status?.observedGeneration ?? -1) >= (obj.metadata.generation ?? 0) &&
    status?.replicas === want &&
    status?.updatedReplicas === want &&
    status?.readyReplicas === want &&
    status?.availableReplicas === want
  );
}

export class RolloutClock {
  /** When each Deployment (by name) was first seen rolled out at the image. */
  private readonly rolledOut = new Map<string, number>();
  private readonly stopping = new AbortController();
  private watch: Promise<void> = Promise.resolve();
  private listed = false;

  private constructor(private readonly image: string) {}

  /** Starts watching the Deployments of `namespace`; resolves once they are listed. */
  static async start(kubeconfigPath: string, namespace: string, image: string): Promise<RolloutClock> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const clock = new RolloutClock(image);
    clock.watch = createClusterApi(kc).watchResource(
      DEPLOYMENTS,
      namespace,
      {
        onObject: (obj) => clock.observe(obj),
        onListed: () => {
          clock.listed = true;
        },
      },
      clock.stopping.signal,
    );
    await waitUntil(async () => (clock.listed ? true : undefined), {
      what: `the first list of Deployments in ${namespace}`,
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    return clock;
  }

  private observe(obj: KubeObject): void {
    if (!this.rolledOut.has(obj.metadata.name) && rolledOutAt(obj, this.image)) {
      this.rolledOut.set(obj.metadata.name, performance.now());
    }
  }

  /** Once `count` Deployments have rolled out (or after two minutes): when the last of them did. */
  async stopWhenRolledOut(count: number): Promise<number> {
    try {
      await waitUntil(async () => (this.rolledOut.size >= count ? true : undefined), {
        what: `${count} Deployments rolled out at ${this.image}`,
        timeoutMs: 120_000,
        intervalMs: 50,
      });
      return Math.max(...this.rolledOut.values());
    } finally {
      this.stopping.abort();
      await this.watch;
    }
  }
}

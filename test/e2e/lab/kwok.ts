// kwok in the lab: one simulated Node, and the kubelet's part for the pods kube-scheduler binds to it (their
// status moves as kwok-stages.ts says), so that kube-controller-manager sees workloads roll out, or fail.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answers200 } from './http-probe.js';
import type { KubeObject, LabKube } from './kube.js';
import { kwokStagesConfig } from './kwok-stages.js';
import { KWOK_NODE_NAME } from './pods.js';
import { freePort } from './ports.js';
import { LabProcess } from './processes.js';
import { waitUntil } from './wait.js';

/** kwok manages the nodes carrying this annotation (kwok's own convention), and no other. */
const MANAGED_NODE = { key: 'kwok.x-k8s.io/node', value: 'fake' };

export interface KwokConfig {
  binDir: string;
  labDir: string;
  /** A system:masters kubeconfig of its own. */
  kubeconfig: string;
  /** The lab's API, to register the node. */
  kube: LabKube;
  /** The lab's Kubernetes version (KUBERNETES_VERSION), reported as the node's kubelet version. */
  kubernetesVersion: string;
}

/** The Node object the lab registers (its status comes from kwok's node-initialize stage). */
export function kwokNode(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: KWOK_NODE_NAME,
      labels: {
        'kubernetes.io/hostname': KWOK_NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
      annotations: { [MANAGED_NODE.key]: MANAGED_NODE.value, 'node.alpha.kubernetes.io/ttl': '0' },
    },
  };
}

const nodeReady = (node: KubeObject | undefined) =>
  (node?.status?.conditions as { type: string; status: string }[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  ) ?? false;

export class KwokProcess {
  readonly name = 'kwok';
  private current: LabProcess | undefined;
  private readonly config: KwokConfig;
  private readonly port: number;
  private readonly configFile: string;

  private constructor(config: KwokConfig, port: number, configFile: string) {
    this.config = config;
    this.port = port;
    this.configFile = configFile;
  }

  /** Writes its configuration (the Stages) and picks its port; starts nothing yet. */
  static async create(config: KwokConfig): Promise<KwokProcess> {
    const dir = join(config.labDir, 'kwok');
    await mkdir(dir, { recursive: true });
    const configFile = join(dir, 'kwok.yaml');
    await writeFile(configFile, kwokStagesConfig(config.kubernetesVersion));
    return new KwokProcess(config, await freePort(), configFile);
  }

  get running(): boolean {
    return this.current?.running ?? false;
  }

  private args(): string[] {
    return [
      `--kubeconfig=${this.config.kubeconfig}`,
      `--config=${this.configFile}`,
      `--manage-nodes-with-annotation-selector=${MANAGED_NODE.key}=${MANAGED_NODE.value}`,
      // No node leases: nothing in the lab reads them (node-lifecycle-controller does not run).
      '--node-lease-duration-seconds=0',
      '--node-ip=10.0.0.1',
      '--cidr=10.244.0.0/16',
      // Its HTTP server (health, and the kubelet-like endpoints it serves) on loopback only.
      `--server-address=127.0.0.1:${this.port}`,
    ];
  }

  /** Starts it, registers the node (if not there yet) and waits until kwok has made it Ready. */
  async start(): Promise<void> {
    if (this.running) return;
    const { binDir, labDir, kube } = this.config;
    this.current = new LabProcess({
      name: this.name,
      command: join(binDir, 'kwok'),
      args: this.args(),
      // kwok would otherwise also read ~/.kwok/kwok.yaml.
      env: { ...process.env, KWOK_WORKDIR: join(labDir, 'kwok') },
      logFile: join(labDir, 'logs', 'kwok.log'),
    });
    const proc = this.current;
    const watched = { alive: () => proc.assertRunning(), context: () => proc.logTail() };
    await waitUntil(answers200(`http://127.0.0.1:${this.port}/healthz`), {
      what: 'kwok /healthz',
      timeoutMs: 60_000,
      intervalMs: 250,
      ...watched,
    });
    if (!(await kube.get('v1', 'Node', undefined, KWOK_NODE_NAME))) await kube.apply(kwokNode());
    await waitUntil(
      async () => (nodeReady(await kube.get('v1', 'Node', undefined, KWOK_NODE_NAME)) ? true : undefined),
      { what: `node ${KWOK_NODE_NAME} Ready`, timeoutMs: 60_000, intervalMs: 250, ...watched },
    );
  }

  async stop(): Promise<void> {
    await this.current?.stop(5_000);
  }
}

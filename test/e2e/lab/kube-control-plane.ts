// kube-controller-manager and kube-scheduler for the lab: with them a Deployment gets its ReplicaSet and
// Pods, and the scheduler says why a Pod stays Pending (the lab has no nodes and no kubelet).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answers200 } from './http-probe.js';
import type { LabPki } from './pki.js';
import { freePort } from './ports.js';
import { LabProcess } from './processes.js';
import { waitUntil } from './wait.js';

export const KUBE_CONTROL_PLANE_NAMES = ['kube-controller-manager', 'kube-scheduler'] as const;
export type KubeControlPlaneName = (typeof KUBE_CONTROL_PLANE_NAMES)[number];

/**
 * Only the controllers workloads need: Pods are admitted only once their namespace has its `default`
 * ServiceAccount, and the garbage collector removes what a deleted owner leaves. Each one watches its kinds
 * cluster-wide, so the rest (nodes, endpoints, certificates...) stays off to keep the lab light.
 */
const CONTROLLERS = [
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'namespace-controller',
  'garbage-collector-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
];

export interface KubeControlPlaneConfig {
  binDir: string;
  labDir: string;
  pki: LabPki;
  /** A system:masters kubeconfig of their own. */
  kubeconfig: string;
}

/** One of the two: started once, stopped with the lab. */
export class KubeControlPlaneProcess {
  readonly name: KubeControlPlaneName;
  private current: LabProcess | undefined;
  private readonly config: KubeControlPlaneConfig;
  private readonly port: number;

  constructor(name: KubeControlPlaneName, config: KubeControlPlaneConfig, port: number) {
    this.name = name;
    this.config = config;
    this.port = port;
  }

  static async create(name: KubeControlPlaneName, config: KubeControlPlaneConfig) {
    return new KubeControlPlaneProcess(name, config, await freePort());
  }

  private args(): string[] {
    const { kubeconfig, pki } = this.config;
    const common = [
      `--kubeconfig=${kubeconfig}`,
      // No --authentication/authorization-kubeconfig: their HTTPS endpoint serves only the health checks,
      // which it allows to anyone (--authorization-always-allow-paths), so nothing needs delegating.
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${this.port}`,
      // The lab's loopback serving certificate (127.0.0.1, signed by the lab's CA), so probes verify it.
      `--tls-cert-file=${pki.apiServer.certFile}`,
      `--tls-private-key-file=${pki.apiServer.keyFile}`,
    ];
    if (this.name === 'kube-scheduler') return common;
    return [
      ...common,
      '--profiling=false',
      `--controllers=${CONTROLLERS.join(',')}`,
      // The same keys the API server verifies service-account tokens with.
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.ca.certFile}`,
      '--use-service-account-credentials=false',
    ];
  }

  get running(): boolean {
    return this.current?.running ?? false;
  }

  /** Starts it and waits until its /healthz answers. */
  async start(): Promise<void> {
    if (this.running) return;
    const { binDir, labDir, pki } = this.config;
    this.current = new LabProcess({
      name: this.name,
      command: join(binDir, this.name),
      args: this.args(),
      logFile: join(labDir, 'logs', `${this.name}.log`),
    });
    const proc = this.current;
    await waitUntil(
      answers200(`https://127.0.0.1:${this.port}/healthz`, { ca: await readFile(pki.ca.certFile) }),
      {
        what: `${this.name} /healthz`,
        timeoutMs: 60_000,
        intervalMs: 250,
        alive: () => proc.assertRunning(),
        context: () => proc.logTail(),
      },
    );
  }

  async stop(): Promise<void> {
    await this.current?.stop(5_000);
  }
}

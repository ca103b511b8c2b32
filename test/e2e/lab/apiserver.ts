// kube-apiserver for the lab: TLS from the lab's CA, token and client-certificate users, RBAC, loopback only.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answers200 } from './http-probe.js';
import type { LabPki } from './pki.js';
import { LabProcess } from './processes.js';
import { sleep, waitUntil } from './wait.js';

export interface TokenUser {
  token: string;
  name: string;
  groups: string[];
}

export interface ApiServerConfig {
  binDir: string;
  labDir: string;
  port: number;
  etcdUrl: string;
  pki: LabPki;
  users: TokenUser[];
}

export class ApiServer {
  readonly url: string;
  private current: LabProcess | undefined;
  private readonly config: ApiServerConfig;

  constructor(config: ApiServerConfig) {
    this.config = config;
    this.url = `https://127.0.0.1:${config.port}`;
  }

  get process(): LabProcess | undefined {
    return this.current;
  }

  /** Starts the server and waits for /readyz. The port stays the same across restarts. */
  async start(): Promise<void> {
    const { binDir, labDir, port, etcdUrl, pki, users } = this.config;
    const tokenFile = join(labDir, 'pki', 'tokens.csv');
    await writeFile(
      tokenFile,
      users.map((u) => `${u.token},${u.name},${u.name},"${u.groups.join(',')}"\n`).join(''),
      { mode: 0o600 },
    );
    this.current = new LabProcess({
      name: 'kube-apiserver',
      command: join(binDir, 'kube-apiserver'),
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${join(labDir, 'pki')}`,
        `--tls-cert-file=${pki.apiServer.certFile}`,
        `--tls-private-key-file=${pki.apiServer.keyFile}`,
        `--client-ca-file=${pki.ca.certFile}`,
        `--token-auth-file=${tokenFile}`,
        '--authorization-mode=RBAC',
        `--service-account-issuer=${this.url}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        '--service-cluster-ip-range=10.96.0.0/24',
        // No controller-manager and a loopback address: the kubernetes Service endpoints cannot be kept.
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        // This plugin taints every new Node not-ready until node-lifecycle-controller sees it Ready; the lab does
        // not run that controller (it would also evict pods whenever kwok's heartbeat came late on a busy machine).
        '--disable-admission-plugins=TaintNodesByCondition',
      ],
      logFile: join(labDir, 'logs', 'kube-apiserver.log'),
    });
    const proc = this.current;
    const admin = users.find((u) => u.groups.includes('system:masters'));
    const probe = answers200(`${this.url}/readyz`, {
      ca: await readFile(pki.ca.certFile),
      token: admin?.token,
    });
    await waitUntil(probe, {
      what: 'kube-apiserver /readyz',
      timeoutMs: 90_000,
      intervalMs: 250,
      alive: () => proc.assertRunning(),
      context: () => proc.logTail(),
    });
  }

  /**
   * SIGTERM, then SIGKILL after 3 s: it stops listening at once, then waits for its watch connections to
   * drain, which Flux's controllers keep open; waiting longer would only slow the lab down.
   */
  async stop(): Promise<void> {
    await this.current?.stop(3_000);
  }

  /** Stops it, keeps it down for `downMs`, starts it again on the same port and waits until it is ready. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await sleep(downMs);
    await this.start();
  }
}

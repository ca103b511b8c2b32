// The Flux controllers and the Flux Operator, out of cluster: KUBECONFIG in their environment, loopback
// ports, no leader election.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { answers200 } from './http-probe.js';
import { freePort } from './ports.js';
import { LabProcess } from './processes.js';
import { waitUntil } from './wait.js';

export const CONTROLLER_NAMES = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
  'flux-operator',
] as const;
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

export interface ControllerOptions {
  /** How often the controllers re-check a dependency that is not ready (the real default is 30s). */
  requeueDependency: string;
  logLevel: 'info' | 'debug';
  /** notification-controller's event server (`http://127.0.0.1:<port>`), when it runs: the others post there. */
  eventsUrl?: string;
  /**
   * The lab CA, which notification-controller trusts (SSL_CERT_FILE; Go reads it instead of the system's
   * roots, and the lab reaches nothing else over TLS) so that it can discover the lab's OIDC issuers.
   */
  caFile?: string;
}

/** Where notification-controller listens (picked once, kept across restarts). */
export interface NotificationEndpoints {
  /** The webhook receiver's base URL; a Receiver's URL is this + its status.webhookPath. */
  receiverUrl: string;
  /** The event server's URL (the other controllers' --events-addr). */
  eventsUrl: string;
}

/** Picks notification-controller's ports ahead of everything, so the other controllers can post events there. */
export async function notificationEndpoints(): Promise<NotificationEndpoints> {
  return {
    receiverUrl: `http://127.0.0.1:${await freePort()}`,
    eventsUrl: `http://127.0.0.1:${await freePort()}`,
  };
}

const hostPort = (url: string) => new URL(url).host;

/** The flags (and directories) only this controller takes. */
async function ownArgs(
  name: ControllerName,
  labDir: string,
  options: ControllerOptions,
  notification: NotificationEndpoints | undefined,
): Promise<string[]> {
  const events = options.eventsUrl ? [`--events-addr=${options.eventsUrl}`] : [];
  const requeue = `--requeue-dependency=${options.requeueDependency}`;
  switch (name) {
    case 'source-controller': {
      const storagePath = join(labDir, 'source-storage');
      await mkdir(storagePath, { recursive: true });
      const storageAddr = `127.0.0.1:${await freePort()}`;
      return [
        '--watch-all-namespaces=true',
        `--storage-path=${storagePath}`,
        `--storage-addr=${storageAddr}`,
        // kustomize- and helm-controller download artifacts from this address.
        `--storage-adv-addr=${storageAddr}`,
        requeue,
        ...events,
      ];
    }
    case 'kustomize-controller':
      return ['--watch-all-namespaces=true', '--no-remote-bases=true', requeue, ...events];
    case 'helm-controller':
      return ['--watch-all-namespaces=true', requeue, ...events];
    case 'notification-controller': {
      if (!notification) throw new Error('notification-controller needs its endpoints');
      // Its receiver flag is spelt receiverAddr (main.go of the pinned version).
      return [
        '--watch-all-namespaces=true',
        `--receiverAddr=${hostPort(notification.receiverUrl)}`,
        `--events-addr=${hostPort(notification.eventsUrl)}`,
      ];
    }
    case 'flux-operator': {
      // FluxInstance unpacks distribution manifests here; the web UI (port 0) is off.
      const storagePath = join(labDir, 'operator-storage');
      await mkdir(storagePath, { recursive: true });
      return [`--storage-path=${storagePath}`, '--web-server-port=0', requeue];
    }
  }
}

/** The environment only this controller takes. */
function ownEnv(name: ControllerName, options: ControllerOptions): Record<string, string> {
  return name === 'notification-controller' && options.caFile ? { SSL_CERT_FILE: options.caFile } : {};
}

export class Controller {
  readonly name: ControllerName;
  private current: LabProcess | undefined;
  private readonly healthPort: number;
  private readonly args: string[];
  private readonly env: Record<string, string>;
  private readonly binDir: string;
  private readonly labDir: string;
  private readonly kubeconfig: string;

  private constructor(
    name: ControllerName,
    binDir: string,
    labDir: string,
    kubeconfig: string,
    healthPort: number,
    args: string[],
    env: Record<string, string>,
  ) {
    this.name = name;
    this.env = env;
    this.binDir = binDir;
    this.labDir = labDir;
    this.kubeconfig = kubeconfig;
    this.healthPort = healthPort;
    this.args = args;
  }

  /** Picks its ports (and its storage, for those that keep files); starts nothing yet. */
  static async create(
    name: ControllerName,
    binDir: string,
    labDir: string,
    kubeconfig: string,
    options: ControllerOptions,
    notification?: NotificationEndpoints,
  ): Promise<Controller> {
    // Each its own temp dir: kustomize-controller deletes every kustomization-* dir in its temp dir when it
    // starts (stale ones, it assumes), which would pull the ground from under another lab's builds.
    await mkdir(join(labDir, 'tmp', name), { recursive: true });
    const healthPort = await freePort();
    const args = [
      '--metrics-addr=0',
      `--health-addr=127.0.0.1:${healthPort}`,
      '--enable-leader-election=false',
      `--log-level=${options.logLevel}`,
      ...(await ownArgs(name, labDir, options, notification)),
    ];
    return new Controller(name, binDir, labDir, kubeconfig, healthPort, args, ownEnv(name, options));
  }

  get process(): LabProcess | undefined {
    return this.current;
  }

  get running(): boolean {
    return this.current?.running ?? false;
  }

  /** Starts it (if not running) and waits until its health endpoint answers; with `featureGates`, this time only. */
  async start(featureGates?: string): Promise<void> {
    if (this.running) return;
    this.current = new LabProcess({
      name: this.name,
      command: join(this.binDir, this.name),
      args: featureGates ? [...this.args, `--feature-gates=${featureGates}`] : this.args,
      env: {
        ...process.env,
        KUBECONFIG: this.kubeconfig,
        RUNTIME_NAMESPACE: 'flux-system',
        TMPDIR: join(this.labDir, 'tmp', this.name),
        ...this.env,
      },
      logFile: join(this.labDir, 'logs', `${this.name}.log`),
    });
    const proc = this.current;
    await waitUntil(answers200(`http://127.0.0.1:${this.healthPort}/readyz`), {
      what: `${this.name} /readyz`,
      timeoutMs: 60_000,
      alive: () => proc.assertRunning(),
      context: () => proc.logTail(),
    });
  }

  async stop(): Promise<void> {
    await this.current?.stop(10_000);
  }
}

// The Flux controllers, out of cluster: KUBECONFIG in their environment, loopback ports, no leader election.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { answers200 } from './http-probe.js';
import { freePort } from './ports.js';
import { LabProcess } from './processes.js';
import { waitUntil } from './wait.js';

export const CONTROLLER_NAMES = ['source-controller', 'kustomize-controller', 'helm-controller'] as const;
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

export interface ControllerOptions {
  /** How often the controllers re-check a dependency that is not ready (the real default is 30s). */
  requeueDependency: string;
  logLevel: 'info' | 'debug';
}

export class Controller {
  readonly name: ControllerName;
  private current: LabProcess | undefined;
  private readonly healthPort: number;
  private readonly extraArgs: string[];
  private readonly binDir: string;
  private readonly labDir: string;
  private readonly kubeconfig: string;
  private readonly options: ControllerOptions;

  private constructor(
    name: ControllerName,
    binDir: string,
    labDir: string,
    kubeconfig: string,
    options: ControllerOptions,
    healthPort: number,
    extraArgs: string[],
  ) {
    this.name = name;
    this.binDir = binDir;
    this.labDir = labDir;
    this.kubeconfig = kubeconfig;
    this.options = options;
    this.healthPort = healthPort;
    this.extraArgs = extraArgs;
  }

  /** Picks its ports (and, for source-controller, its storage); starts nothing yet. */
  static async create(
    name: ControllerName,
    binDir: string,
    labDir: string,
    kubeconfig: string,
    options: ControllerOptions,
  ): Promise<Controller> {
    const extraArgs: string[] = [];
    if (name === 'source-controller') {
      const storagePath = join(labDir, 'source-storage');
      await mkdir(storagePath, { recursive: true });
      const storageAddr = `127.0.0.1:${await freePort()}`;
      extraArgs.push(
        `--storage-path=${storagePath}`,
        `--storage-addr=${storageAddr}`,
        // kustomize- and helm-controller download artifacts from this address.
        `--storage-adv-addr=${storageAddr}`,
      );
    }
    if (name === 'kustomize-controller') extraArgs.push('--no-remote-bases=true');
    extraArgs.push(`--requeue-dependency=${options.requeueDependency}`);
    return new Controller(name, binDir, labDir, kubeconfig, options, await freePort(), extraArgs);
  }

  get process(): LabProcess | undefined {
    return this.current;
  }

  get running(): boolean {
    return this.current?.running ?? false;
  }

  /** Starts it (if not running) and waits until its health endpoint answers. */
  async start(): Promise<void> {
    if (this.running) return;
    this.current = new LabProcess({
      name: this.name,
      command: join(this.binDir, this.name),
      args: [
        '--metrics-addr=0',
        `--health-addr=127.0.0.1:${this.healthPort}`,
        '--enable-leader-election=false',
        '--watch-all-namespaces=true',
        `--log-level=${this.options.logLevel}`,
        ...this.extraArgs,
      ],
      env: { ...process.env, KUBECONFIG: this.kubeconfig, RUNTIME_NAMESPACE: 'flux-system' },
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

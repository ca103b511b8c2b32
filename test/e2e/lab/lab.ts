// startLab(): a real Flux cluster on loopback, from the pinned binaries, under a fresh temp dir.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, type TokenUser } from './apiserver.js';
import { ensureBinaries, type LabBinaries } from './binaries.js';
import { applyCrds, createNamespace, grantRestrictedUser, RESTRICTED_USER } from './bootstrap.js';
import { LabClient } from './client.js';
import { type LabControl, startControlServer } from './control.js';
import {
  CONTROLLER_NAMES,
  Controller,
  type ControllerName,
  type NotificationEndpoints,
  notificationEndpoints,
} from './controllers.js';
import { type Etcd, startEtcd } from './etcd.js';
import { guardExit } from './exit-guard.js';
import { GitRepo } from './git-repo.js';
import { startGitServer } from './git-server.js';
import { startHelmServer } from './helm-repo.js';
import type { LabInfo, LabUser } from './info.js';
import { LabKube } from './kube.js';
import { KUBE_CONTROL_PLANE_NAMES, KubeControlPlaneProcess } from './kube-control-plane.js';
import { writeKubeconfig } from './kubeconfig.js';
import { KwokProcess } from './kwok.js';
import { startOidcServer } from './oidc.js';
import { ADMIN_CERT_USER, createPki, PLAIN_CERT_USER } from './pki.js';
import { freePort } from './ports.js';
import { startReleaseMirror } from './release-mirror.js';
import { LAB_DIR_PREFIX, sweepStaleLabs } from './stale.js';

export interface LabOptions {
  /** Prebuilt binaries; default: run build.sh (cached). */
  binaries?: LabBinaries;
  /** Progress lines (build and start). Default: stderr. */
  onProgress?: (line: string) => void;
  /** The controllers' --requeue-dependency. Default 5s (the real default, 30s, makes dependency tests slow). */
  requeueDependency?: string;
  controllerLogLevel?: 'info' | 'debug';
  /** Keep the temp dir after stop() (also with FLUX_LAB_KEEP=1), e.g. to read the logs. */
  keep?: boolean;
  /** The programs beyond the core (etcd, kube-apiserver, source-, kustomize- and helm-controller) to run. Default: all. */
  programs?: readonly OptionalProgram[];
}

/** Programs a lab may leave out: each costs start time and memory, and only some tests need them. */
export const OPTIONAL_PROGRAMS = [
  'notification-controller',
  'flux-operator',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
] as const;
export type OptionalProgram = (typeof OPTIONAL_PROGRAMS)[number];
const CORE_CONTROLLERS: readonly ControllerName[] = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
];

export const DEFAULT_GIT_REPO = 'fleet';

/** A running lab: the client surface plus stop(). */
export class Lab extends LabClient {
  private readonly stopAll: (keepDir?: boolean) => Promise<void>;

  constructor(info: LabInfo, control: LabControl, stopAll: (keepDir?: boolean) => Promise<void>) {
    super(info, control);
    this.stopAll = stopAll;
  }

  /**
   * Stops every process and server it started (SIGTERM, then SIGKILL) and removes its temp dir, unless
   * `keep` (e.g. after a failed test: the logs stay, their path is printed; the next lab's start removes them).
   */
  stop(options: { keep?: boolean } = {}): Promise<void> {
    return this.stopAll(options.keep || undefined);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const progress = options.onProgress ?? log;
  const binaries = options.binaries ?? (await ensureBinaries(progress));
  sweepStaleLabs();
  try {
    return await startLabOnce(options, binaries, progress);
  } catch (error) {
    // A port picked as free can be taken before the process binds it (another lab, an outgoing
    // connection); a second attempt picks new ports.
    if (!/address already in use/i.test(String((error as Error).message))) throw error;
    progress('[lab] a port was taken meanwhile; starting again on new ports');
    return startLabOnce(options, binaries, progress);
  }
}

async function startLabOnce(options: LabOptions, binaries: LabBinaries, progress: (line: string) => void) {
  const started = performance.now();

  const dir = mkdtempSync(join(tmpdir(), LAB_DIR_PREFIX));
  const logsDir = join(dir, 'logs');
  for (const sub of ['logs', 'pki', 'kubeconfig', 'git', 'git-work', 'helm'])
    mkdirSync(join(dir, sub), { mode: 0o700 });
  writeFileSync(join(dir, 'owner.pid'), `${process.pid}\n`);
  const keep = options.keep || process.env.FLUX_LAB_KEEP === '1';

  // Everything started so far, stopped in reverse order.
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  const unguard = guardExit(
    () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
    { last: true },
  );
  let stopped = false;
  const stopAll = async (keepDir = keep) => {
    if (stopped) return;
    stopped = true;
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        progress(`[lab] stopping ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    unguard();
    if (keepDir) progress(`[lab] kept ${dir} (logs in ${logsDir})`);
    else rmSync(dir, { recursive: true, force: true });
  };

  try {
    const pki = await createPki(join(dir, 'pki'));
    const etcd: Etcd = await startEtcd(binaries.binDir, dir);
    stops.push({ name: 'etcd', stop: async () => void (await etcd.process.stop()) });

    const adminToken = randomBytes(24).toString('hex');
    const restrictedToken = randomBytes(24).toString('hex');
    const users: TokenUser[] = [
      { token: adminToken, name: 'lab-admin', groups: ['system:masters'] },
      { token: restrictedToken, name: RESTRICTED_USER, groups: [] },
    ];
    const apiServer = new ApiServer({
      binDir: binaries.binDir,
      labDir: dir,
      port: await freePort(),
      etcdUrl: etcd.clientUrl,
      pki,
      users,
    });
    stops.push({ name: 'kube-apiserver', stop: () => apiServer.stop() });
    await apiServer.start();
    progress(
      `[lab] kube-apiserver ready at ${apiServer.url} (${Math.round(performance.now() - started)} ms)`,
    );

    const kc = (name: string) => join(dir, 'kubeconfig', `${name}.yaml`);
    const base = { server: apiServer.url, caFile: pki.ca.certFile };
    const kubeconfigs: Record<LabUser, string> = {
      admin: kc('admin'),
      adminCert: kc('admin-cert'),
      restricted: kc('restricted'),
      plainCert: kc('plain-cert'),
    };
    const secrets = [
      ...(await writeKubeconfig(kubeconfigs.admin, {
        ...base,
        userName: 'lab-admin',
        user: { token: adminToken },
      })),
      ...(await writeKubeconfig(kubeconfigs.adminCert, {
        ...base,
        userName: ADMIN_CERT_USER,
        user: { certFile: pki.adminClient.certFile, keyFile: pki.adminClient.keyFile },
      })),
      ...(await writeKubeconfig(kubeconfigs.restricted, {
        ...base,
        userName: RESTRICTED_USER,
        user: { token: restrictedToken },
      })),
      ...(await writeKubeconfig(kubeconfigs.plainCert, {
        ...base,
        userName: PLAIN_CERT_USER,
        user: { certFile: pki.plainClient.certFile, keyFile: pki.plainClient.keyFile },
      })),
    ];
    // The controllers get a kubeconfig of their own, so tests may do anything with the users' files.
    const controllersKubeconfig = kc('controllers');
    await writeKubeconfig(controllersKubeconfig, {
      ...base,
      userName: ADMIN_CERT_USER,
      user: { certFile: pki.adminClient.certFile, keyFile: pki.adminClient.keyFile },
    });

    const kube = new LabKube(kubeconfigs.admin);
    await applyCrds(kube, binaries.crdDir);
    await createNamespace(kube, 'flux-system');
    await grantRestrictedUser(kube);
    progress(`[lab] Flux CRDs established (${Math.round(performance.now() - started)} ms)`);

    const programs = new Set<OptionalProgram>(options.programs ?? OPTIONAL_PROGRAMS);
    const notification: NotificationEndpoints | undefined = programs.has('notification-controller')
      ? await notificationEndpoints()
      : undefined;
    const controllerOptions = {
      requeueDependency: options.requeueDependency ?? '5s',
      logLevel: options.controllerLogLevel ?? 'info',
      eventsUrl: notification?.eventsUrl,
      caFile: pki.ca.certFile,
    };
    const controllers = new Map<ControllerName, Controller>();
    for (const name of CONTROLLER_NAMES) {
      if (!CORE_CONTROLLERS.includes(name) && !programs.has(name as OptionalProgram)) continue;
      const controller = await Controller.create(
        name,
        binaries.binDir,
        dir,
        controllersKubeconfig,
        controllerOptions,
        notification,
      );
      controllers.set(name, controller);
      stops.push({ name, stop: () => controller.stop() });
    }
    const controllerOf = (name: ControllerName): Controller => {
      const c = controllers.get(name);
      if (!c) throw new Error(`${name} does not run in this lab (see LabOptions.programs)`);
      return c;
    };
    const kubeControlPlane: KubeControlPlaneProcess[] = [];
    for (const name of KUBE_CONTROL_PLANE_NAMES) {
      if (!programs.has(name)) continue;
      const proc = await KubeControlPlaneProcess.create(name, {
        binDir: binaries.binDir,
        labDir: dir,
        pki,
        kubeconfig: controllersKubeconfig,
      });
      kubeControlPlane.push(proc);
      stops.push({ name, stop: () => proc.stop() });
    }

    const kwok = programs.has('kwok')
      ? await KwokProcess.create({
          binDir: binaries.binDir,
          labDir: dir,
          kubeconfig: controllersKubeconfig,
          kube,
          kubernetesVersion: binaries.versions.KUBERNETES_VERSION ?? '0.0.0',
        })
      : undefined;
    if (kwok) stops.push({ name: kwok.name, stop: () => kwok.stop() });

    const fluxBinary = join(binaries.binDir, 'flux');
    const fluxVersion = binaries.versions.FLUX_VERSION ?? '0.0.0';
    // The controllers take seconds to become healthy: start the servers meanwhile.
    const controllersStarted = Promise.allSettled(
      [...controllers.values(), ...kubeControlPlane, ...(kwok ? [kwok] : [])].map((c) => c.start()),
    );
    const gitServer = await startGitServer(join(dir, 'git'));
    stops.push({ name: 'git server', stop: () => gitServer.stop() });
    const helmServer = await startHelmServer(join(dir, 'helm'));
    stops.push({ name: 'helm server', stop: () => helmServer.stop() });
    const mirror = await startReleaseMirror(fluxBinary, fluxVersion, binaries.cacheDir);
    stops.push({ name: 'release mirror', stop: () => mirror.stop() });
    // Issuers for generic-oidc Receivers: notification-controller asks them only when a request comes.
    const oidc = notification ? await startOidcServer(pki.oidcServer, pki.ca.certFile) : undefined;
    if (oidc) stops.push({ name: 'OIDC issuers', stop: () => oidc.stop() });
    for (const result of await controllersStarted) if (result.status === 'rejected') throw result.reason;
    progress(`[lab] controllers healthy (${Math.round(performance.now() - started)} ms)`);

    const gitLocation = {
      serverUrl: gitServer.url,
      projectRoot: join(dir, 'git'),
      workRoot: join(dir, 'git-work'),
    };
    await GitRepo.create(gitLocation, DEFAULT_GIT_REPO);

    const control: LabControl = {
      restartApiServer: (downMs) => apiServer.restart(downMs),
      stopController: (name) => controllerOf(name).stop(),
      startController: (name, options) => controllerOf(name).start(options?.featureGates),
      mirrorRequests: async () => mirror.requests(),
    };
    const controlServer = await startControlServer(control);
    stops.push({ name: 'control server', stop: () => controlServer.stop() });

    const info: LabInfo = {
      dir,
      logsDir,
      binDir: binaries.binDir,
      fluxBinary,
      versions: binaries.versions,
      apiServerUrl: apiServer.url,
      caFile: pki.ca.certFile,
      kubeconfigs,
      // The runner token's stand-in is a secret like the kubeconfigs' (the leak checks look for all of them).
      secrets: oidc ? [...secrets, oidc.info.tokenRequestToken] : secrets,
      git: { ...gitLocation, defaultRepo: DEFAULT_GIT_REPO },
      helm: { url: helmServer.url, dir: join(dir, 'helm') },
      mirror: mirror.info,
      control: controlServer.endpoint,
      programs: [...controllers.keys(), ...kubeControlPlane.map((p) => p.name), ...(kwok ? [kwok.name] : [])],
      notification,
      oidc: oidc?.info,
      startMs: Math.round(performance.now() - started),
    };
    progress(`[lab] ready in ${info.startMs} ms: ${dir}`);
    return new Lab(info, control, (keepDir) => stopAll(keepDir ?? keep));
  } catch (error) {
    // Keep the logs of a lab that failed to start: the path is in the message.
    await stopAll(true);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`the lab did not start: ${message}\n(logs kept in ${logsDir})`, { cause: error });
  }
}

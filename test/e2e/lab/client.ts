// What tests use to drive a running lab, from any process: the API (as any lab user), git and Helm
// repositories, the flux CLI, and the process controls (through the control endpoint).
import { randomBytes } from 'node:crypto';
import { apiVersionOf, findKind } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { type LabControl, remoteControl } from './control.js';
import type { ControllerName } from './controllers.js';
import { GitRepo } from './git-repo.js';
import { HelmRepo } from './helm-repo.js';
import type { LabInfo, LabUser } from './info.js';
import { type KubeObject, LabKube } from './kube.js';
import { type Manifests, toObjects } from './manifests.js';
import { type OidcTokenSource, oidcRunnerEnv, requestOidcToken } from './oidc.js';
import { LAB_PODS } from './pods.js';
import { type RunResult, run } from './run.js';
import { waitUntil } from './wait.js';

const CORE_KINDS: Record<string, string> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Namespace: 'v1',
  Event: 'v1',
  ServiceAccount: 'v1',
  Pod: 'v1',
  Node: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ControllerRevision: 'apps/v1',
  Job: 'batch/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
};

/** The apiVersion of a Flux kind (any alias) or of a few Kubernetes kinds. */
export function apiVersionFor(kind: string): { apiVersion: string; kind: string } {
  const flux = findKind(kind);
  if (flux) return { apiVersion: apiVersionOf(flux), kind: flux.kind };
  const core = CORE_KINDS[kind];
  if (core) return { apiVersion: core, kind };
  throw new Error(`lab: unknown kind ${kind}; pass its apiVersion`);
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export function conditionOf(obj: KubeObject | FluxObject | undefined, type: string): Condition | undefined {
  return (obj?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** Ready=True for the current generation. */
export function isReady(obj: KubeObject | undefined): boolean {
  return (
    conditionOf(obj, 'Ready')?.status === 'True' &&
    (obj?.status?.observedGeneration ?? -1) === (obj?.metadata.generation ?? 0)
  );
}

export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

export class LabClient {
  readonly info: LabInfo;
  /** The API as the admin token user. */
  readonly kube: LabKube;
  /** The default git repository (created with the lab). */
  readonly git: GitRepo;
  readonly helm: HelmRepo;
  /** How the lab's pods behave and how to make them fail (kwok's node; see pods.ts). */
  readonly pods = LAB_PODS;
  private readonly control: LabControl;
  private readonly kubes = new Map<LabUser, LabKube>();

  constructor(info: LabInfo, control: LabControl = remoteControl(info.control)) {
    this.info = info;
    this.control = control;
    this.kube = this.kubeAs('admin');
    this.git = GitRepo.open(this.gitLocation(), info.git.defaultRepo);
    this.helm = new HelmRepo(info.helm.dir, info.helm.url);
  }

  /** The admin kubeconfig file (token). */
  get kubeconfig(): string {
    return this.info.kubeconfigs.admin;
  }

  get mirror() {
    return this.info.mirror;
  }

  kubeconfigFor(user: LabUser): string {
    return this.info.kubeconfigs[user];
  }

  kubeAs(user: LabUser): LabKube {
    let kube = this.kubes.get(user);
    if (!kube) {
      kube = new LabKube(this.info.kubeconfigs[user]);
      this.kubes.set(user, kube);
    }
    return kube;
  }

  /** Server-side applies every object; `namespace` fills in objects that name none (namespaced kinds only). */
  async apply(manifests: Manifests, options: { namespace?: string } = {}): Promise<KubeObject[]> {
    const applied: KubeObject[] = [];
    for (const obj of toObjects(manifests)) {
      const copy = structuredClone(obj);
      if (
        options.namespace &&
        !copy.metadata.namespace &&
        (await this.kube.isNamespaced(copy.apiVersion, copy.kind))
      ) {
        copy.metadata.namespace = options.namespace;
      }
      applied.push(await this.kube.apply(copy));
    }
    return applied;
  }

  async get(kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const k = apiVersionFor(kind);
    return this.kube.get(k.apiVersion, k.kind, namespace, name);
  }

  async list(kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const k = apiVersionFor(kind);
    return this.kube.list(k.apiVersion, k.kind, namespace, labelSelector);
  }

  /** JSON merge patch. */
  async patch(kind: string, namespace: string | undefined, name: string, patch: object): Promise<KubeObject> {
    const k = apiVersionFor(kind);
    return this.kube.mergePatch(k.apiVersion, k.kind, namespace, name, patch);
  }

  async delete(kind: string, namespace: string | undefined, name: string): Promise<void> {
    const k = apiVersionFor(kind);
    await this.kube.delete(k.apiVersion, k.kind, namespace, name);
  }

  /** Polls the object until `predicate` holds; resolves with it. */
  async waitFor(
    kind: string,
    namespace: string | undefined,
    name: string,
    predicate: (obj: KubeObject) => boolean,
    options: WaitOptions = {},
  ): Promise<KubeObject> {
    let last: KubeObject | undefined;
    return waitUntil(
      async () => {
        last = await this.get(kind, namespace, name);
        return last && predicate(last) ? last : undefined;
      },
      {
        timeoutMs: options.timeoutMs ?? 60_000,
        intervalMs: 250,
        what: `${kind} ${namespace ?? ''}/${name}: ${options.what ?? 'condition'}`,
        context: () => `last seen status: ${JSON.stringify(last?.status ?? null)}`,
      },
    );
  }

  /** Waits for Ready=True at the current generation and, if given, a revision the kind reports (substring). */
  waitForReady(
    kind: string,
    namespace: string,
    name: string,
    options: WaitOptions & { revision?: string } = {},
  ): Promise<KubeObject> {
    const fluxKind = findKind(kind);
    const { revision } = options;
    return this.waitFor(
      kind,
      namespace,
      name,
      (obj) =>
        isReady(obj) &&
        (!revision ||
          (fluxKind?.revisionCandidates(obj as unknown as FluxObject) ?? []).some((r) =>
            r.includes(revision),
          )),
      { ...options, what: options.what ?? `Ready${revision ? ` at ${revision}` : ''}` },
    );
  }

  /** Events about one object, oldest first. */
  async events(kind: string, namespace: string, name: string): Promise<KubeObject[]> {
    const path = await this.kube.pathOf('v1', 'Event', namespace);
    const { kind: canonical } = apiVersionFor(kind);
    const list = await this.kube.request<{ items: KubeObject[] }>('GET', path, {
      query: { fieldSelector: `involvedObject.kind=${canonical},involvedObject.name=${name}` },
    });
    const time = (e: KubeObject) =>
      String(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '');
    return list.items
      .map((e) => ({ ...e, apiVersion: 'v1', kind: 'Event' }))
      .sort((a, b) => time(a).localeCompare(time(b)));
  }

  /** Sets reconcile.fluxcd.io/requestedAt as `flux reconcile` does (plus forceAt/resetAt when asked); returns the token. */
  async requestReconcile(
    kind: string,
    namespace: string,
    name: string,
    options: { force?: boolean; reset?: boolean } = {},
  ): Promise<string> {
    const token = new Date().toISOString();
    const annotations: Record<string, string> = { 'reconcile.fluxcd.io/requestedAt': token };
    if (options.force) annotations['reconcile.fluxcd.io/forceAt'] = token;
    if (options.reset) annotations['reconcile.fluxcd.io/resetAt'] = token;
    await this.patch(kind, namespace, name, { metadata: { annotations } });
    return token;
  }

  /** Runs the lab's flux CLI against the lab (as `user`, admin by default). */
  flux(args: string[], options: { user?: LabUser; timeoutMs?: number } = {}): Promise<RunResult> {
    const kubeconfig = this.info.kubeconfigs[options.user ?? 'admin'];
    return run(this.info.fluxBinary, [...args, '--kubeconfig', kubeconfig], {
      timeoutMs: options.timeoutMs ?? 600_000,
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
  }

  /** A new namespace named `<prefix>-<random>`, so that test files sharing the lab do not meet. */
  async namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${randomBytes(3).toString('hex')}`;
    await this.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  }

  /** A new git repository on the lab's server, named `<prefix>-<random>`. */
  createGitRepo(prefix: string): Promise<GitRepo> {
    return GitRepo.createUnique(this.gitLocation(), prefix);
  }

  /** Stops kube-apiserver, keeps it down `downMs`, starts it on the same port; resolves once it is ready. */
  restartApiServer(downMs = 0): Promise<void> {
    return this.control.restartApiServer(downMs);
  }

  stopController(name: ControllerName): Promise<void> {
    return this.control.stopController(name);
  }

  startController(name: ControllerName, options?: { featureGates?: string }): Promise<void> {
    return this.control.startController(name, options);
  }

  /** Requests the release mirror has served, per path. */
  mirrorRequests(): Promise<Record<string, number>> {
    return this.control.mirrorRequests();
  }

  /**
   * A step's environment in a job with `permissions: id-token: write`: the runner's token endpoint (the lab's
   * stand-in, minting tokens from `source`) and the lab CA that its HTTPS certificate needs.
   */
  oidcRunnerEnv(source: OidcTokenSource = 'trusted'): Record<string, string> {
    return oidcRunnerEnv(this.info.oidc, source);
  }

  /** An OIDC token from `source` for `audience`, as a workflow gets it (GitHub's default audience when none). */
  oidcToken(source: OidcTokenSource = 'trusted', audience?: string): Promise<string> {
    return requestOidcToken(this.info.oidc, source, audience);
  }

  private gitLocation() {
    const { serverUrl, projectRoot, workRoot } = this.info.git;
    return { serverUrl, projectRoot, workRoot };
  }
}

/** The lab as a test worker sees it. */
export function connectLab(info: LabInfo): LabClient {
  return new LabClient(info);
}

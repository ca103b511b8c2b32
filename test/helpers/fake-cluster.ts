// An in-memory ClusterApi for unit tests of the planner and the run loop: objects in a map, watches that
// see every change, and a hook that plays the controller's part when an object is patched. It proves the
// orchestration only; the end-to-end tests prove the same behaviour against the real controllers.
import type { FluxKind } from '../../src/flux/kinds.js';
import type { ObjectRef } from '../../src/flux/refs.js';
import type { FluxObject, KubeEvent } from '../../src/flux/types.js';
import type {
  ClusterApi,
  KubeObject,
  ListResult,
  ResourceType,
  ResourceWatchHandlers,
  WatchHandler,
} from '../../src/kube/api.js';
import { buildPlan } from '../../src/reconcile/plan.js';
import { type RunOptions, runPlan } from '../../src/reconcile/run.js';
import type { RunResult } from '../../src/reconcile/types.js';

type Controller = (obj: FluxObject, cluster: FakeCluster) => void;

export class FakeCluster implements ClusterApi {
  private objects = new Map<string, FluxObject>();
  private watchers = new Set<{ kind: string; namespace: string; handler: WatchHandler }>();
  private version = 100;
  private requests = 0;
  /** Each list+watch of a resource outside Flux, as `deployments in <namespace>`, in the order opened. */
  readonly resourceWatches: string[] = [];
  /** Every patch, with the cluster's resource version after it: orders it among the controllers' updates. */
  readonly patches: Array<{ key: string; patch: object; resourceVersion: number }> = [];
  /** Plays the controller: called (asynchronously) after each patch of an object of that kind. */
  controllers = new Map<string, Controller>();

  add(kind: string, obj: FluxObject): FluxObject {
    const stored = structuredClone(obj);
    stored.kind = kind;
    stored.metadata.namespace ??= 'flux-system';
    stored.metadata.generation ??= 1;
    stored.metadata.resourceVersion = String(++this.version);
    this.objects.set(this.key(kind, stored.metadata.namespace, stored.metadata.name), stored);
    return stored;
  }

  /** Changes an object as a controller would, and tells the watchers. */
  update(kind: string, namespace: string, name: string, change: (obj: FluxObject) => void): FluxObject {
    const obj = this.objects.get(this.key(kind, namespace, name));
    if (!obj) throw new Error(`no ${kind} ${namespace}/${name}`);
    change(obj);
    obj.metadata.resourceVersion = String(++this.version);
    for (const w of this.watchers)
      if (w.kind === kind && (w.namespace === namespace || w.namespace === ''))
        w.handler(structuredClone(obj));
    return obj;
  }

  /** Namespaces these credentials may not read: get answers 403 there, as the API server would. */
  forbiddenNamespaces = new Set<string>();

  async get(kind: FluxKind, namespace: string, name: string): Promise<FluxObject | undefined> {
    this.requests++;
    if (this.forbiddenNamespaces.has(namespace)) {
      const message = `${kind.plural}.${kind.group} "${name}" is forbidden: User "ci" cannot get resource "${kind.plural}" in API group "${kind.group}" in the namespace "${namespace}"`;
      throw Object.assign(new Error(message), { statusCode: 403 });
    }
    const obj = this.objects.get(this.key(kind.kind, namespace, name));
    return obj ? structuredClone(obj) : undefined;
  }

  async list(kind: FluxKind, namespace: string, labelSelector?: string): Promise<ListResult> {
    this.requests++;
    // '' is every namespace, as the API's cluster-wide list.
    const items = [...this.objects.values()].filter(
      (o) =>
        o.kind === kind.kind &&
        (namespace === '' || o.metadata.namespace === namespace) &&
        matchesLabels(o, labelSelector),
    );
    return { items: structuredClone(items), resourceVersion: String(this.version) };
  }

  async mergePatch(kind: FluxKind, namespace: string, name: string, patch: object): Promise<FluxObject> {
    this.requests++;
    const key = this.key(kind.kind, namespace, name);
    const obj = this.objects.get(key);
    if (!obj) throw Object.assign(new Error(`${kind.kind} ${namespace}/${name} not found`), { code: 404 });
    mergeInto(obj as unknown as Record<string, unknown>, patch as Record<string, unknown>);
    const updated = this.update(kind.kind, namespace, name, () => {});
    this.patches.push({ key, patch, resourceVersion: Number(updated.metadata.resourceVersion) });
    const controller = this.controllers.get(kind.kind);
    if (controller) setTimeout(() => controller(this.objects.get(key)!, this), 5);
    return structuredClone(updated);
  }

  /** Makes every watch of this kind fail as a permanent error (a 403, say) would. */
  failWatches = new Map<string, Error>();

  /** Whether the credentials may list and watch every namespace (not when some namespace is forbidden). */
  clusterWideAccess = true;

  async canWatchEverywhere(_kind: FluxKind): Promise<boolean> {
    this.requests++;
    return this.clusterWideAccess && this.forbiddenNamespaces.size === 0;
  }

  /** Every watch opened (`Kind/namespace`, '' for every namespace), and the most open at once. */
  readonly watchesOpened: string[] = [];
  maxOpenWatches = 0;

  async watch(kind: FluxKind, namespace: string, onObject: WatchHandler, signal: AbortSignal): Promise<void> {
    this.requests++;
    const failure = this.failWatches.get(kind.kind);
    if (failure) throw failure;
    const watcher = { kind: kind.kind, namespace, handler: onObject };
    this.watchesOpened.push(`${kind.kind}/${namespace}`);
    this.watchers.add(watcher);
    this.maxOpenWatches = Math.max(this.maxOpenWatches, this.watchers.size);
    if (!signal.aborted) {
      for (const item of (await this.list(kind, namespace)).items) onObject(item);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    this.watchers.delete(watcher);
  }

  private readonly eventList: KubeEvent[] = [];
  private readonly resources = new Map<string, KubeObject>();

  /** Records an event, as a controller's or the scheduler's recorder would. */
  addEvent(event: KubeEvent): void {
    this.eventList.push(structuredClone(event));
  }

  async events(ref: ObjectRef): Promise<KubeEvent[]> {
    this.requests++;
    // The API server's field selector: involvedObject.kind, .name and .namespace.
    return this.eventList
      .filter(
        (e) =>
          e.involvedObject.kind === ref.kind &&
          e.involvedObject.name === ref.name &&
          (e.involvedObject.namespace ?? '') === ref.namespace,
      )
      .sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''))
      .map((e) => structuredClone(e));
  }

  private readonly resourceWatchers = new Set<{ prefix: string; handlers: ResourceWatchHandlers }>();
  /** Resources whose watch fails as a permanent error (a 403) would: by plural. */
  failResourceWatches = new Map<string, Error>();

  /** Stores an object of a resource outside Flux (a Deployment, a Pod), and tells the watchers. */
  addResource(type: ResourceType, obj: KubeObject): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.version);
    const key = this.resourceKey(type, namespace, obj.metadata.name);
    const known = this.resources.has(key);
    this.resources.set(key, stored);
    this.tellResourceWatchers(key, stored, known ? 'MODIFIED' : 'ADDED');
  }

  /** Changes a stored resource as its controller (or the kubelet) would, and tells the watchers. */
  updateResource(
    type: ResourceType,
    namespace: string,
    name: string,
    change: (obj: KubeObject) => void,
  ): void {
    const key = this.resourceKey(type, namespace, name);
    const obj = this.resources.get(key);
    if (!obj) throw new Error(`no ${type.plural} ${namespace}/${name}`);
    change(obj);
    obj.metadata.resourceVersion = String(++this.version);
    this.tellResourceWatchers(key, obj, 'MODIFIED');
  }

  deleteResource(type: ResourceType, namespace: string, name: string): void {
    const key = this.resourceKey(type, namespace, name);
    const obj = this.resources.get(key);
    if (!obj) return;
    this.resources.delete(key);
    this.tellResourceWatchers(
      key,
      { ...obj, metadata: { ...obj.metadata, deletionTimestamp: 'now' } },
      'DELETED',
    );
  }

  private tellResourceWatchers(key: string, obj: KubeObject, type: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    for (const w of this.resourceWatchers)
      if (key.startsWith(w.prefix)) w.handlers.onObject(structuredClone(obj), type);
  }

  async watchResource(
    type: ResourceType,
    namespace: string,
    handlers: ResourceWatchHandlers,
    signal: AbortSignal,
  ): Promise<void> {
    this.requests++;
    this.resourceWatches.push(`${type.plural} in ${namespace}`);
    const failure = this.failResourceWatches.get(type.plural);
    if (failure) throw failure;
    const watcher = { prefix: this.resourceKey(type, namespace, ''), handlers };
    this.resourceWatchers.add(watcher);
    for (const item of await this.listResources(type, namespace)) handlers.onObject(item, 'LISTED');
    handlers.onListed?.();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.resourceWatchers.delete(watcher);
  }

  async getResource(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined> {
    this.requests++;
    const obj = this.resources.get(this.resourceKey(type, namespace, name));
    return obj ? structuredClone(obj) : undefined;
  }

  async listResources(
    type: ResourceType,
    namespace: string,
    options: { labelSelector?: string; limit?: number } = {},
  ): Promise<KubeObject[]> {
    this.requests++;
    const prefix = this.resourceKey(type, namespace, '');
    const items = [...this.resources.entries()]
      .filter(
        ([key, obj]) => key.startsWith(prefix) && matchesSelector(obj.metadata.labels, options.labelSelector),
      )
      .map(([, obj]) => structuredClone(obj));
    return options.limit ? items.slice(0, options.limit) : items;
  }

  private resourceKey(type: ResourceType, namespace: string, name: string): string {
    return `${type.apiVersion}/${type.plural}/${namespace}/${name}`;
  }

  requestCount(): number {
    return this.requests;
  }

  private key(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }
}

function matchesLabels(obj: FluxObject, selector?: string): boolean {
  return matchesSelector(obj.metadata.labels, selector);
}

/** The API server's label selector syntax: `k=v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`. */
function matchesSelector(labels: Record<string, string> = {}, selector?: string): boolean {
  if (!selector) return true;
  const terms = selector.split(/,(?![^(]*\))/).map((t) => t.trim());
  return terms.every((term) => {
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = set[3]!.split(',').map((v) => v.trim());
      const has = set[1]! in labels && values.includes(labels[set[1]!]!);
      return set[2] === 'in' ? has : !has;
    }
    const inequality = /^([^!=]+)!=(.*)$/.exec(term);
    if (inequality) return labels[inequality[1]!.trim()] !== inequality[2]!.trim();
    const equality = /^([^=]+)==?(.*)$/.exec(term);
    if (equality) return labels[equality[1]!.trim()] === equality[2]!.trim();
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    return term in labels;
  });
}

function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const current = target[k];
      const next = current && typeof current === 'object' ? (current as Record<string, unknown>) : {};
      mergeInto(next, v as Record<string, unknown>);
      target[k] = next;
    } else if (v === null) delete target[k];
    else target[k] = v;
  }
}

/** Controller behaviours for tests: handle the request and end Ready, or end failed. */
export const handleAndSucceed =
  (revision: (obj: FluxObject) => string) =>
  (obj: FluxObject, cluster: FakeCluster): FluxObject =>
    cluster.update(obj.kind!, obj.metadata.namespace!, obj.metadata.name, (o) => {
      const token = o.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
      o.status = {
        ...o.status,
        observedGeneration: o.metadata.generation,
        lastHandledReconcileAt: token,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ReconciliationSucceeded',
            message: `Applied revision: ${revision(o)}`,
          },
        ],
      };
      if (o.kind === 'Kustomization') o.status.lastAppliedRevision = revision(o);
      else if (o.kind === 'HelmRelease')
        o.status.history = [{ chartVersion: revision(o), status: 'deployed' }];
      else o.status.artifact = { revision: revision(o) };
    });

export const handleAndFail =
  (reason: string, message: string) =>
  (obj: FluxObject, cluster: FakeCluster): FluxObject =>
    cluster.update(obj.kind!, obj.metadata.namespace!, obj.metadata.name, (o) => {
      o.status = {
        ...o.status,
        lastHandledReconcileAt: o.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
        conditions: [
          { type: 'Ready', status: 'False', reason, message },
          { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message },
        ],
      };
    });

/** Plans the named Kustomizations of flux-system (with their sources when asked) and runs the plan. */
export async function runKustomizations(
  cluster: FakeCluster,
  names: string[],
  options: RunOptions,
  withSource = false,
): Promise<RunResult> {
  const plan = await buildPlan(cluster, {
    selectors: names.map((name) => ({ kind: 'Kustomization', namespace: 'flux-system', name })),
    all: false,
    namespace: 'flux-system',
    labelSelector: '',
    withSource,
  });
  return runPlan(cluster, plan, options);
}

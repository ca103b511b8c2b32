// The run's sight of what workloads are made of: one list+watch per kind and namespace (Deployments,
// StatefulSets, DaemonSets, Jobs, Deployments' ReplicaSets, Pods), opened the first time a Ready object's
// workloads need it, in the run's one registry of watches, and kept as the latest copy of each object. Every
// change is passed on; the judging is done elsewhere, on what these caches hold.
import { errorMessage } from '../base/error-message.js';
import { WORKLOAD_KINDS, type WorkloadKind } from '../flux/workload-scope.js';
import type { ClusterApi, KubeObject, ResourceType } from '../kube/api.js';

export type WatchedResource = WorkloadKind | 'ReplicaSet' | 'Pod';

const RESOURCES: Record<WatchedResource, ResourceType> = {
  ...WORKLOAD_KINDS,
  ReplicaSet: { apiVersion: 'apps/v1', plural: 'replicasets' },
  Pod: { apiVersion: 'v1', plural: 'pods' },
};

interface Cache {
  objects: Map<string, KubeObject>;
  listed: boolean;
  /** Why the watch ended for good (a 403): what was not seen stays unseen. */
  failed?: string;
}

export interface WorkloadWatchesOptions {
  api: ClusterApi;
  /** The run's registry of watches by `Kind/namespace`: one per kind and namespace, ended together. */
  registry: Map<string, Promise<void>>;
  signal: AbortSignal;
  /** Something in the namespace changed (or was listed, or its watch failed). */
  changed(namespace: string): void;
  debug?(message: string): void;
}

export class WorkloadWatches {
  private readonly caches = new Map<string, Cache>();

  constructor(private readonly options: WorkloadWatchesOptions) {}

  /** Opens the watch of the resource in the namespace, unless it is open. */
  ensure(resource: WatchedResource, namespace: string): void {
    const key = `${resource}/${namespace}`;
    if (this.caches.has(key)) return;
    const cache: Cache = { objects: new Map(), listed: false };
    this.caches.set(key, cache);
    const { api, registry, signal, changed, debug } = this.options;
    const type = RESOURCES[resource];
    const watch = api
      .watchResource(
        type,
        namespace,
        {
          onObject: (obj, event) => {
            if (event === 'DELETED') cache.objects.delete(obj.metadata.name);
            else cache.objects.set(obj.metadata.name, obj);
            if (cache.listed) changed(namespace);
          },
          onListed: () => {
            cache.listed = true;
            changed(namespace);
          },
          onError: (error) => debug?.(`watch ${type.plural} in ${namespace}: ${error.message}`),
        },
        signal,
      )
      .catch((error: unknown) => {
        cache.failed = `could not watch ${type.plural} in ${namespace}: ${errorMessage(error)}`;
        changed(namespace);
      });
    registry.set(key, watch);
  }

  listed(resource: WatchedResource, namespace: string): boolean {
    return this.caches.get(`${resource}/${namespace}`)?.listed ?? false;
  }

  failure(resource: WatchedResource, namespace: string): string | undefined {
    return this.caches.get(`${resource}/${namespace}`)?.failed;
  }

  get(resource: WatchedResource, namespace: string, name: string): KubeObject | undefined {
    return this.caches.get(`${resource}/${namespace}`)?.objects.get(name);
  }

  all(resource: WatchedResource, namespace: string): KubeObject[] {
    return [...(this.caches.get(`${resource}/${namespace}`)?.objects.values() ?? [])];
  }
}

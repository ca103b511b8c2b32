// The small surface of the Kubernetes API that plan, request, watch and report use.
// kube/client.ts implements it with @kubernetes/client-node; unit tests may implement it in memory.
import type { FluxKind } from '../flux/kinds.js';
import type { ObjectRef } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';

export interface ListResult {
  items: FluxObject[];
  resourceVersion: string;
}

/**
 * Why the handler hears about an object: LISTED (the initial list, or a re-list after a dropped watch or
 * `410 Gone`), or a watch event. A DELETED object carries `metadata.deletionTimestamp`. Objects that
 * vanished while the watch was down are delivered as DELETED after the re-list.
 */
export type WatchEventType = 'LISTED' | 'ADDED' | 'MODIFIED' | 'DELETED';

export type WatchHandler = (obj: FluxObject, type?: WatchEventType) => void;

/** A resource outside Flux, where the API serves it: `{ apiVersion: 'apps/v1', plural: 'deployments' }`. */
export interface ResourceType {
  apiVersion: string;
  plural: string;
}

/** Any Kubernetes object as the API sent it (plain JSON): readers check the types of what they use. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ uid?: string; kind?: string; name?: string }>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** What a watch of a resource outside Flux tells: each object, and when the current state is all delivered. */
export interface ResourceWatchHandlers {
  onObject(obj: KubeObject, type: WatchEventType): void;
  /** Every object that exists has been delivered: after the first list, and after each re-list. */
  onListed?(): void;
  /** A transient error the watch recovers from by itself. */
  onError?(error: Error): void;
}

export interface ClusterApi {
  /** The object, or undefined when it does not exist (404). Other errors throw with context. */
  get(kind: FluxKind, namespace: string, name: string): Promise<FluxObject | undefined>;
  list(kind: FluxKind, namespace: string, labelSelector?: string): Promise<ListResult>;
  /** JSON merge patch (application/merge-patch+json); retried on conflict. */
  mergePatch(kind: FluxKind, namespace: string, name: string, patch: object): Promise<FluxObject>;
  /**
   * Streams every object of the kind in the namespace: the current state first (a list), then each change.
   * Survives dropped connections and `410 Gone` by re-listing, with backoff, until `signal` aborts.
   * Resolves when aborted. Never rejects for transient errors; `onError` hears about them.
   */
  watch(
    kind: FluxKind,
    namespace: string,
    onObject: WatchHandler,
    signal: AbortSignal,
    onError?: (error: Error) => void,
  ): Promise<void>;
  /**
   * Whether these credentials may list and watch the kind in every namespace (a SelfSubjectAccessReview
   * without a namespace): then one stream serves every namespace. False when the review cannot tell.
   */
  canWatchEverywhere(kind: FluxKind): Promise<boolean>;
  /** As `watch`, for a resource outside Flux (Deployments, ReplicaSets, Pods): one list+watch of the namespace. */
  watchResource(
    type: ResourceType,
    namespace: string,
    handlers: ResourceWatchHandlers,
    signal: AbortSignal,
  ): Promise<void>;
  /** Recent events about one object (of any kind: a Pod's too), newest last. */
  events(ref: ObjectRef): Promise<KubeEvent[]>;
  /** A namespaced object of a core, apps or batch resource, or undefined when it does not exist (404). */
  getResource(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** At most `limit` objects of the resource in the namespace that match the label selector. */
  listResources(
    type: ResourceType,
    namespace: string,
    options?: { labelSelector?: string; limit?: number },
  ): Promise<KubeObject[]>;
  /** Counts of API requests made, for the benchmark of requests per object. */
  requestCount(): number;
}

// ClusterApi on @kubernetes/client-node 2.x: custom objects for Flux kinds, core/v1 events, Watch for
// streams. Every request is counted, has a timeout, and fails with a message that names the object.
import {
  AuthorizationV1Api,
  type Configuration,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  type KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  setHeaderOptions,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
import { apiVersionOf, type FluxKind } from '../flux/kinds.js';
import { describeRef, type ObjectRef } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type { ClusterApi, KubeObject, ListResult, ResourceType, WatchHandler } from './api.js';
import { GuardedKubeConfig } from './auth-guard.js';
import { type BackoffOptions, sleep } from './backoff.js';
import { ClusterAccessError, describeError, httpStatusOf, withContext } from './errors.js';
import { toKubeEvent } from './events.js';
import { ResourceReads } from './resource-reads.js';
import { runWatch, type WatchStream } from './watch.js';

export interface ClusterApiOptions {
  /** Per request (not per watch stream). */
  requestTimeoutMs?: number;
  /** A watch stream that delivers nothing (not even a bookmark) for this long is reopened. */
  watchIdleMs?: number;
  /** Asks the API server to end each watch stream after this long (it is then resumed). */
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  /** Attempts of a merge patch that meets 409 Conflict. */
  conflictAttempts?: number;
}

/** What preflight asks of the cluster; KubeClusterApi implements it, tests may fake it. */
export interface PreflightApi {
  readonly server: string;
  /** The API server's gitVersion; throws (with the server URL) when it does not answer in time. */
  serverVersion(timeoutMs: number): Promise<string>;
  /** Whether API discovery lists the kind at its group/version. */
  servesKind(kind: FluxKind): Promise<boolean>;
  /** Whether the namespace exists; undefined when the credentials may not read namespaces. */
  namespaceExists(namespace: string): Promise<boolean | undefined>;
  /** SelfSubjectAccessReview; undefined when the review itself is not allowed. */
  canI(verb: string, kind: FluxKind, namespace: string): Promise<boolean | undefined>;
}

const DEFAULTS = {
  requestTimeoutMs: 30_000,
  // The API server sends a bookmark about once a minute to watchers that allow them.
  watchIdleMs: 90_000,
  watchTimeoutSeconds: 300,
  backoff: { initialMs: 500, maxMs: 30_000 },
  conflictAttempts: 5,
};

/** Counts requests and gives each one a deadline, unless the caller gave it a signal already. */
function requestMiddleware(counter: { count: number }, timeoutMs: number) {
  return {
    pre: async (context: RequestContext) => {
      counter.count++;
      if (!context.getSignal()) context.setSignal(AbortSignal.timeout(timeoutMs));
      return context;
    },
    post: async (response: ResponseContext) => response,
  };
}

/** API discovery: client-node's cached lookup of a kind in /apis/<group>/<version>. */
class Discovery extends KubernetesObjectApi {
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)) !== undefined;
  }
}

export class KubeClusterApi implements ClusterApi, PreflightApi {
  readonly server: string;
  private readonly counter = { count: 0 };
  private readonly options: typeof DEFAULTS;
  private readonly kc: GuardedKubeConfig;
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly discovery: Discovery;
  private readonly resources: ResourceReads;

  constructor(kc: KubeConfig, options: ClusterApiOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.kc = GuardedKubeConfig.from(kc);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('The kubeconfig has no cluster for its current context.');
    this.server = cluster.server;
    const configuration = this.configuration(this.options.requestTimeoutMs);
    this.objects = new CustomObjectsApi(configuration);
    this.core = new CoreV1Api(configuration);
    this.authz = new AuthorizationV1Api(configuration);
    this.discovery = new Discovery(configuration);
    this.resources = new ResourceReads(configuration);
  }

  private configuration(timeoutMs: number): Configuration {
    return createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      authMethods: { default: this.kc },
      promiseMiddleware: [requestMiddleware(this.counter, timeoutMs)],
    });
  }

  requestCount(): number {
    return this.counter.count;
  }

  private target(kind: FluxKind, namespace: string) {
    return { group: kind.group, version: kind.version, namespace, plural: kind.plural };
  }

  async get(kind: FluxKind, namespace: string, name: string): Promise<FluxObject | undefined> {
    try {
      return (await this.objects.getNamespacedCustomObject({
        ...this.target(kind, namespace),
        name,
      })) as FluxObject;
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw withContext(describeRef({ kind: kind.kind, namespace, name }), error, this.server);
    }
  }

  async list(kind: FluxKind, namespace: string, labelSelector?: string): Promise<ListResult> {
    try {
      return await this.listUnwrapped(kind, namespace, labelSelector);
    } catch (error) {
      throw withContext(`${kind.kind} list in ${namespace || 'all namespaces'}`, error, this.server);
    }
  }

  /** The list with client-node's own errors, which the watch classifies (transient or not) itself. */
  private async listUnwrapped(
    kind: FluxKind,
    namespace: string,
    labelSelector?: string,
  ): Promise<ListResult> {
    const selector = labelSelector ? { labelSelector } : {};
    const response = (
      namespace === ''
        ? await this.objects.listClusterCustomObject({ ...this.target(kind, namespace), ...selector })
        : await this.objects.listNamespacedCustomObject({ ...this.target(kind, namespace), ...selector })
    ) as { items?: FluxObject[]; metadata?: { resourceVersion?: string } };
    return { items: response.items ?? [], resourceVersion: response.metadata?.resourceVersion ?? '' };
  }

  async mergePatch(kind: FluxKind, namespace: string, name: string, patch: object): Promise<FluxObject> {
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.objects.patchNamespacedCustomObject(
          { ...this.target(kind, namespace), name, body: patch },
          mergePatch,
        )) as FluxObject;
      } catch (error) {
        if (httpStatusOf(error) !== 409 || attempt >= this.options.conflictAttempts) {
          throw withContext(describeRef({ kind: kind.kind, namespace, name }), error, this.server);
        }
        await sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  watch(
    kind: FluxKind,
    namespace: string,
    onObject: WatchHandler,
    signal: AbortSignal,
    onError?: (error: Error) => void,
  ): Promise<void> {
    const watcher = new Watch(this.kc);
    // client-node keeps its idle timeout (30 s) private; a quiet Flux object is normal, a bookmark comes
    // about once a minute, so the action waits longer before it calls a stream dead.
    (watcher as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.options.watchIdleMs;
    const path =
      namespace === ''
        ? `/apis/${kind.group}/${kind.version}/${kind.plural}`
        : `/apis/${kind.group}/${kind.version}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
    return runWatch(
      {
        label: `${kind.kind} watch in ${namespace || 'all namespaces'}`,
        server: this.server,
        backoff: this.options.backoff,
        list: () => this.listUnwrapped(kind, namespace),
        open: async (resourceVersion, onEvent, onEnd): Promise<WatchStream> => {
          this.counter.count++;
          const query = {
            allowWatchBookmarks: true,
            resourceVersion,
            timeoutSeconds: this.options.watchTimeoutSeconds,
          };
          return watcher.watch(path, query, onEvent, onEnd);
        },
      },
      onObject,
      signal,
      onError,
    );
  }

  async events(ref: ObjectRef): Promise<KubeEvent[]> {
    const fieldSelector = [
      `involvedObject.kind=${ref.kind}`,
      `involvedObject.name=${ref.name}`,
      `involvedObject.namespace=${ref.namespace}`,
    ].join(',');
    try {
      const list = await this.core.listNamespacedEvent({ namespace: ref.namespace, fieldSelector });
      return list.items
        .map(toKubeEvent)
        .sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''));
    } catch (error) {
      throw withContext(`${describeRef(ref)}: events`, error, this.server);
    }
  }

  async getResource(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.resources.getOne(type, namespace, name);
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw withContext(`${type.plural} ${namespace}/${name}`, error, this.server);
    }
  }

  async listResources(
    type: ResourceType,
    namespace: string,
    options: { labelSelector?: string; limit?: number } = {},
  ): Promise<KubeObject[]> {
    try {
      return await this.resources.listSome(type, namespace, options);
    } catch (error) {
      throw withContext(`${type.plural} list in ${namespace}`, error, this.server);
    }
  }

  async serverVersion(timeoutMs: number): Promise<string> {
    try {
      const info = await new VersionApi(this.configuration(timeoutMs)).getCode();
      return info.gitVersion;
    } catch (error) {
      const name = (error as { name?: unknown })?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ClusterAccessError(
          `The Kubernetes API server ${this.server} did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s. ` +
            'Is the address right, and may this runner reach it (firewall, private endpoint, authorized IP ranges)?',
        );
      }
      if (httpStatusOf(error) !== undefined) {
        throw withContext(`The Kubernetes API server ${this.server} answered`, error, this.server);
      }
      const reason = describeError(error, this.server);
      throw new ClusterAccessError(reason.charAt(0).toUpperCase() + reason.slice(1));
    }
  }

  async servesKind(kind: FluxKind): Promise<boolean> {
    try {
      return await this.discovery.serves(apiVersionOf(kind), kind.kind);
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      throw withContext(`API discovery of ${apiVersionOf(kind)}`, error, this.server);
    }
  }

  async namespaceExists(namespace: string): Promise<boolean | undefined> {
    try {
      await this.core.readNamespace({ name: namespace });
      return true;
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404) return false;
      if (status === 403) return undefined;
      throw withContext(`namespace ${namespace}`, error, this.server);
    }
  }

  async canI(verb: string, kind: FluxKind, namespace: string): Promise<boolean | undefined> {
    try {
      const review = await this.authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb, group: kind.group, resource: kind.plural, namespace } },
        },
      });
      return review.status?.allowed === true;
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 403 || status === 404) return undefined;
      throw withContext(`access review (${verb} ${kind.plural} in ${namespace})`, error, this.server);
    }
  }
}

export function createClusterApi(kc: KubeConfig, options?: ClusterApiOptions): KubeClusterApi {
  return new KubeClusterApi(kc, options);
}

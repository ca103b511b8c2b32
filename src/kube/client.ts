// ClusterApi on @kubernetes/client-node 2.x: custom objects for Flux kinds, core/v1 events, Watch for
// streams. Every request is counted, waits for one of a bounded number of slots, goes over the cluster's
// keep-alive connections, is retried by the action's one rule (retry.ts) until the step's deadline, and
// fails with a message that names the object.
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
import type { BackoffOptions } from '../base/backoff.js';
import { Deadline, timerDelay } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { retry } from '../base/retry.js';
import { apiVersionOf, type FluxKind } from '../flux/kinds.js';
import { describeRef, type ObjectRef } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type {
  ClusterApi,
  KubeObject,
  ListResult,
  ResourceType,
  ResourceWatchHandlers,
  WatchHandler,
} from './api.js';
import { GuardedKubeConfig } from './auth-guard.js';
import { MAX_REQUEST_CONNECTIONS } from './connections.js';
import { ClusterAccessError, describeError, httpStatusOf, withContext } from './errors.js';
import { toKubeEvent } from './events.js';
import { lean } from './lean.js';
import { RequestSlots } from './request-slots.js';
import { collectionPath, ResourceReads } from './resource-reads.js';
import { adviseOnKubeFailure } from './transient.js';
import { runWatch, type WatchStream } from './watch.js';

export interface ClusterApiOptions {
  /** Per request attempt (not per watch stream). */
  requestTimeoutMs?: number;
  /** A watch stream that delivers nothing (not even a bookmark) for this long is reopened. */
  watchIdleMs?: number;
  /** Asks the API server to end each watch stream after this long (it is then resumed). */
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  /**
   * The step's deadline: requests are retried until it, and none outlives it. Without one, each request
   * retries for at most `retryWindowMs`.
   */
  deadline?: Deadline;
  retryWindowMs?: number;
  /** API requests in flight at once; the rest wait for a slot. */
  maxInFlight?: number;
  /** Told about each retry, for the debug log. */
  onRetry?: (what: string, error: unknown, delayMs: number) => void;
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
  retryWindowMs: 60_000,
  // Enough to read a namespace's objects quickly; few enough that the API server's fairness never throttles us.
  maxInFlight: MAX_REQUEST_CONNECTIONS,
};

/** Counts requests and gives each attempt its time: its own timeout, and never past the deadline. */
function requestMiddleware(counter: { count: number }, signal: () => AbortSignal) {
  return {
    pre: async (context: RequestContext) => {
      counter.count++;
      if (!context.getSignal()) context.setSignal(signal());
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

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

export class KubeClusterApi implements ClusterApi, PreflightApi {
  readonly server: string;
  private readonly counter = { count: 0 };
  private options: Omit<Required<ClusterApiOptions>, 'deadline' | 'onRetry'> &
    Pick<ClusterApiOptions, 'deadline' | 'onRetry'>;
  private readonly kc: GuardedKubeConfig;
  private readonly slots: RequestSlots;
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly discovery: Discovery;
  private readonly resources: ResourceReads;

  constructor(kc: KubeConfig, options: ClusterApiOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.kc = GuardedKubeConfig.from(kc);
    this.slots = new RequestSlots(this.options.maxInFlight);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('The kubeconfig has no cluster for its current context.');
    this.server = cluster.server;
    const configuration = this.configuration(() => this.attemptSignal(this.options.requestTimeoutMs));
    this.objects = new CustomObjectsApi(configuration);
    this.core = new CoreV1Api(configuration);
    this.authz = new AuthorizationV1Api(configuration);
    this.discovery = new Discovery(configuration);
    this.resources = new ResourceReads(configuration);
  }

  private configuration(signal: () => AbortSignal): Configuration {
    return createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      authMethods: { default: this.kc },
      promiseMiddleware: [requestMiddleware(this.counter, signal)],
    });
  }

  private attemptSignal(timeoutMs: number): AbortSignal {
    return this.options.deadline
      ? this.options.deadline.within(timeoutMs)
      : AbortSignal.timeout(timerDelay(timeoutMs));
  }

  requestCount(): number {
    return this.counter.count;
  }

  /** From now on, requests run under this deadline: the report's share of the step, after the run's. */
  useDeadline(deadline: Deadline): void {
    this.options.deadline = deadline;
  }

  /** Ends every connection: the step is done. A watch still waiting for its headers ends with it. */
  close(): Promise<void> {
    return this.kc.closeConnections();
  }

  /**
   * One request in a slot, retried while its failures are transient and time is left: until the step's
   * deadline, or `window` (the retry window when there is no deadline).
   */
  private async send<T>(what: string, work: () => Promise<T>, window?: Deadline): Promise<T> {
    const deadline = window ?? this.options.deadline ?? Deadline.after(this.options.retryWindowMs);
    let lastFailure: unknown;
    try {
      return await retry(() => this.slots.run(work), {
        backoff: this.options.backoff,
        deadline: deadline.at,
        signal: deadline.signal,
        advise: adviseOnKubeFailure,
        onRetry: (error, delayMs) => {
          lastFailure = error;
          this.options.onRetry?.(what, error, delayMs);
        },
      });
    } catch (error) {
      if (!deadline.expired || !isTimeout(error)) throw error;
      // Cut off by the deadline while retrying: the answer that made it retry says more than the cut.
      if (lastFailure !== undefined) {
        const said = describeError(lastFailure, this.server);
        const status = httpStatusOf(lastFailure);
        throw Object.assign(
          new ClusterAccessError(`${said} (still so when ${deadline.describe()} ran out)`),
          status !== undefined ? { statusCode: status } : {},
        );
      }
      throw new ClusterAccessError(
        `no answer from the API server ${this.server} within ${deadline.describe()}`,
      );
    }
  }

  private target(kind: FluxKind, namespace: string) {
    return { group: kind.group, version: kind.version, namespace, plural: kind.plural };
  }

  async get(kind: FluxKind, namespace: string, name: string): Promise<FluxObject | undefined> {
    const label = describeRef({ kind: kind.kind, namespace, name });
    try {
      return lean(
        (await this.send(label, () =>
          this.objects.getNamespacedCustomObject({ ...this.target(kind, namespace), name }),
        )) as FluxObject,
      );
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw withContext(label, error, this.server);
    }
  }

  async list(kind: FluxKind, namespace: string, labelSelector?: string): Promise<ListResult> {
    const label = `${kind.kind} list in ${namespace || 'all namespaces'}`;
    try {
      return await this.send(label, () => this.listOnce(kind, namespace, labelSelector));
    } catch (error) {
      throw withContext(label, error, this.server);
    }
  }

  /** One list request with client-node's own errors: the watch retries (and classifies) them itself. */
  private async listOnce(kind: FluxKind, namespace: string, labelSelector?: string): Promise<ListResult> {
    const selector = labelSelector ? { labelSelector } : {};
    const response = (
      namespace === ''
        ? await this.objects.listClusterCustomObject({ ...this.target(kind, namespace), ...selector })
        : await this.objects.listNamespacedCustomObject({ ...this.target(kind, namespace), ...selector })
    ) as { items?: FluxObject[]; metadata?: { resourceVersion?: string } };
    return {
      items: (response.items ?? []).map(lean),
      resourceVersion: response.metadata?.resourceVersion ?? '',
    };
  }

  /** A merge patch sets what it names whatever the object's version, so sending it again is safe. */
  async mergePatch(kind: FluxKind, namespace: string, name: string, patch: object): Promise<FluxObject> {
    const label = describeRef({ kind: kind.kind, namespace, name });
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    try {
      return lean(
        (await this.send(label, () =>
          this.objects.patchNamespacedCustomObject(
            { ...this.target(kind, namespace), name, body: patch },
            mergePatch,
          ),
        )) as FluxObject,
      );
    } catch (error) {
      throw withContext(label, error, this.server);
    }
  }

  /** client-node keeps its idle timeout private; it also bounds the wait for the headers. */
  private watcher(): Watch {
    const watcher = new Watch(this.kc.forStreams());
    // A quiet Flux object is normal and a bookmark comes about once a minute, so the action waits longer
    // than client-node's 30 s before it calls a stream dead; never past the deadline, even before headers.
    const remaining = this.options.deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
    (watcher as unknown as { requestTimeoutMs: number }).requestTimeoutMs = Math.max(
      1,
      Math.min(this.options.watchIdleMs, remaining),
    );
    return watcher;
  }

  watch(
    kind: FluxKind,
    namespace: string,
    onObject: WatchHandler,
    signal: AbortSignal,
    onError?: (error: Error) => void,
  ): Promise<void> {
    const path =
      namespace === ''
        ? `/apis/${kind.group}/${kind.version}/${kind.plural}`
        : `/apis/${kind.group}/${kind.version}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
    return this.stream(
      { label: `${kind.kind} watch in ${namespace || 'all namespaces'}`, path },
      () => this.listOnce(kind, namespace),
      { onObject: (obj, type) => onObject(obj as FluxObject, type), onError },
      signal,
    );
  }

  watchResource(
    type: ResourceType,
    namespace: string,
    handlers: ResourceWatchHandlers,
    signal: AbortSignal,
  ): Promise<void> {
    return this.stream(
      { label: `${type.plural} watch in ${namespace}`, path: collectionPath(type, namespace) },
      async () => {
        const listed = await this.resources.listAll(type, namespace);
        return { items: listed.items.map(lean), resourceVersion: listed.resourceVersion };
      },
      handlers,
      signal,
    );
  }

  /** One list+watch of a collection, until the signal (or the deadline) stops it. */
  private stream(
    target: { label: string; path: string },
    list: () => Promise<{ items: Array<FluxObject | KubeObject>; resourceVersion: string }>,
    handlers: ResourceWatchHandlers,
    signal: AbortSignal,
  ): Promise<void> {
    const stopped = this.options.deadline ? AbortSignal.any([signal, this.options.deadline.signal]) : signal;
    return runWatch(
      {
        label: target.label,
        server: this.server,
        backoff: this.options.backoff,
        list: () => this.slots.run(list) as Promise<ListResult>,
        open: async (resourceVersion, onEvent, onEnd): Promise<WatchStream> => {
          this.counter.count++;
          const query = {
            allowWatchBookmarks: true,
            resourceVersion,
            timeoutSeconds: this.options.watchTimeoutSeconds,
          };
          const leanEvent = (type: string, obj: unknown) =>
            onEvent(type, type === 'ERROR' ? obj : lean(obj as FluxObject));
          return this.watcher().watch(target.path, query, leanEvent, onEnd);
        },
      },
      (obj, type) => handlers.onObject(obj as KubeObject, type ?? 'LISTED'),
      stopped,
      handlers.onError,
      handlers.onListed,
    );
  }

  async events(ref: ObjectRef): Promise<KubeEvent[]> {
    const fieldSelector = [
      `involvedObject.kind=${ref.kind}`,
      `involvedObject.name=${ref.name}`,
      `involvedObject.namespace=${ref.namespace}`,
    ].join(',');
    const label = `${describeRef(ref)}: events`;
    try {
      const list = await this.send(label, () =>
        this.core.listNamespacedEvent({ namespace: ref.namespace, fieldSelector }),
      );
      return list.items
        .map(toKubeEvent)
        .sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''));
    } catch (error) {
      throw withContext(label, error, this.server);
    }
  }

  async getResource(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined> {
    const label = `${type.plural} ${namespace}/${name}`;
    try {
      return await this.send(label, () => this.resources.getOne(type, namespace, name));
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw withContext(label, error, this.server);
    }
  }

  async listResources(
    type: ResourceType,
    namespace: string,
    options: { labelSelector?: string; limit?: number } = {},
  ): Promise<KubeObject[]> {
    const label = `${type.plural} list in ${namespace}`;
    try {
      return await this.send(label, () => this.resources.listSome(type, namespace, options));
    } catch (error) {
      throw withContext(label, error, this.server);
    }
  }

  /**
   * Transient failures are retried for at most `timeoutMs` (and never past the deadline): an API server
   * that does not answer at all gets one clear error, soon, instead of a wait until the deadline.
   */
  async serverVersion(timeoutMs: number): Promise<string> {
    if (this.options.deadline?.expired) {
      throw new ClusterAccessError(
        `${capitalized(this.options.deadline.describe())} ran out before the API server ${this.server} was asked anything: raise \`timeout\`.`,
      );
    }
    const budgetMs = Math.min(timeoutMs, this.options.deadline?.remainingMs() ?? timeoutMs);
    const window = Deadline.after(budgetMs);
    const versionApi = new VersionApi(this.configuration(() => window.signal));
    try {
      const info = await this.send('version', () => versionApi.getCode(), window);
      return info.gitVersion;
    } catch (error) {
      if (window.expired && (isTimeout(error) || error instanceof ClusterAccessError)) {
        throw new ClusterAccessError(
          `The Kubernetes API server ${this.server} did not answer within ${formatDuration(budgetMs)}. ` +
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
    const label = `API discovery of ${apiVersionOf(kind)}`;
    try {
      return await this.send(label, () => this.discovery.serves(apiVersionOf(kind), kind.kind));
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      throw withContext(label, error, this.server);
    }
  }

  async namespaceExists(namespace: string): Promise<boolean | undefined> {
    const label = `namespace ${namespace}`;
    try {
      await this.send(label, () => this.core.readNamespace({ name: namespace }));
      return true;
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404) return false;
      if (status === 403) return undefined;
      throw withContext(label, error, this.server);
    }
  }

  async canWatchEverywhere(kind: FluxKind): Promise<boolean> {
    const answers = await Promise.all([this.canI('list', kind, ''), this.canI('watch', kind, '')]);
    return answers.every((allowed) => allowed === true);
  }

  async canI(verb: string, kind: FluxKind, namespace: string): Promise<boolean | undefined> {
    const label = `access review (${verb} ${kind.plural} in ${namespace})`;
    try {
      const review = await this.send(label, () =>
        this.authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb, group: kind.group, resource: kind.plural, namespace } },
          },
        }),
      );
      return review.status?.allowed === true;
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 403 || status === 404) return undefined;
      throw withContext(label, error, this.server);
    }
  }
}

export function createClusterApi(kc: KubeConfig, options?: ClusterApiOptions): KubeClusterApi {
  return new KubeClusterApi(kc, options);
}

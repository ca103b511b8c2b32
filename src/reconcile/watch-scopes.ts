// Which list+watch streams a run holds. A tree may span hundreds of namespaces (one opened a stream, and a
// connection, for each: 601 streams): when the credentials may list and watch a kind in every namespace, one
// stream per kind serves the whole run. Otherwise each namespace has its own stream, at most
// MAX_NAMESPACE_STREAMS at once, held only while an object of it is being requested or judged; a scope
// waiting for a free stream opens when another closes.
import { errorMessage } from '../base/error-message.js';
import type { FluxKind } from '../flux/kinds.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import { RequestSlots } from '../kube/request-slots.js';

/** Per-namespace streams open at once, when no kind can be watched in every namespace. */
export const MAX_NAMESPACE_STREAMS = 16;

export interface WatchScopeHooks {
  onObject(obj: FluxObject, kind: FluxKind): void;
  /** A watch failed for good (a 403): its objects fail. `namespace` undefined: every namespace. */
  onFailed(kind: FluxKind, namespace: string | undefined, message: string): void;
  debug?(message: string): void;
}

interface NamespaceScope {
  stop: AbortController;
  /** The stream is open: changes reach the handler. */
  open: boolean;
}

const scopeKey = (kind: FluxKind, namespace: string): string => `${kind.kind}/${namespace}`;

export class WatchScopes {
  /** Per kind: may these credentials list and watch it in every namespace? */
  private readonly everywhere = new Map<string, Promise<boolean>>();
  private readonly kindWatches = new Set<string>();
  private readonly namespaceScopes = new Map<string, NamespaceScope>();
  private readonly failures = new Map<string, string>();
  private readonly streams: RequestSlots;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly api: ClusterApi,
    /** Aborts when the run ends: every stream closes. */
    private readonly ended: AbortSignal,
    private readonly hooks: WatchScopeHooks,
    maxNamespaceStreams = MAX_NAMESPACE_STREAMS,
  ) {
    this.streams = new RequestSlots(maxNamespaceStreams);
  }

  /** A kind joins the run: asks once whether it can be watched everywhere, and if so opens that stream. */
  prepare(kind: FluxKind): Promise<boolean> {
    let decided = this.everywhere.get(kind.kind);
    if (!decided) {
      decided = this.api.canWatchEverywhere(kind).catch((error: unknown) => {
        this.hooks.debug?.(`access review for ${kind.plural} in every namespace: ${errorMessage(error)}`);
        return false;
      });
      this.everywhere.set(kind.kind, decided);
      void decided.then((wide) => {
        if (wide) this.openKindWatch(kind);
      });
    }
    return decided;
  }

  /** Whether changes to objects of the kind in the namespace reach the handler now. */
  isOpen(kind: FluxKind, namespace: string): boolean {
    return (
      this.kindWatches.has(kind.kind) || this.namespaceScopes.get(scopeKey(kind, namespace))?.open === true
    );
  }

  /** Why objects of the kind in the namespace cannot be watched, once a watch failed for good. */
  failure(kind: FluxKind, namespace: string): string | undefined {
    return this.failures.get(scopeKey(kind, '')) ?? this.failures.get(scopeKey(kind, namespace));
  }

  /** An object of the scope is being requested or judged: its stream opens now, or when one is free. */
  async need(kind: FluxKind, namespace: string): Promise<void> {
    if (await this.prepare(kind)) return;
    const key = scopeKey(kind, namespace);
    if (this.namespaceScopes.has(key) || this.ended.aborted) return;
    const scope: NamespaceScope = { stop: new AbortController(), open: false };
    this.namespaceScopes.set(key, scope);
    this.track(
      this.streams.run(async () => {
        if (scope.stop.signal.aborted || this.ended.aborted) return;
        scope.open = true;
        try {
          await this.watch(kind, namespace, AbortSignal.any([scope.stop.signal, this.ended]));
        } finally {
          scope.open = false;
        }
      }),
    );
  }

  /** No object of the scope is being requested or judged: its per-namespace stream closes. */
  release(kind: FluxKind, namespace: string): void {
    const key = scopeKey(kind, namespace);
    const scope = this.namespaceScopes.get(key);
    if (!scope) return;
    this.namespaceScopes.delete(key);
    scope.stop.abort();
  }

  /** Resolves once every stream has closed (after the run's end aborted them). */
  async closed(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private openKindWatch(kind: FluxKind): void {
    if (this.kindWatches.has(kind.kind) || this.ended.aborted) return;
    this.kindWatches.add(kind.kind);
    this.track(this.watch(kind, '', this.ended));
  }

  /** One stream until `signal` aborts; a failure no retry mends fails the scope's objects. */
  private async watch(kind: FluxKind, namespace: string, signal: AbortSignal): Promise<void> {
    const where = namespace === '' ? 'every namespace' : namespace;
    try {
      await this.api.watch(
        kind,
        namespace,
        (obj) => this.hooks.onObject(obj, kind),
        signal,
        (error) => this.hooks.debug?.(`watch ${kind.plural} in ${where}: ${error.message}`),
      );
    } catch (error) {
      const message = `could not watch ${kind.plural} in ${where}: ${errorMessage(error)}`;
      this.failures.set(scopeKey(kind, namespace), message);
      this.hooks.onFailed(kind, namespace === '' ? undefined : namespace, message);
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }
}

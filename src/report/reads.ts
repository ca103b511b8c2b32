// The report's reads of the cluster after a run: each read made once (objects that failed together often
// share workloads, sources and dependencies) and cut off when the report's time for reading runs out.
import type { FluxKind } from '../flux/kinds.js';
import { type ObjectRef, refKey } from '../flux/refs.js';
import type { FluxObject, KubeEvent } from '../flux/types.js';
import type { ClusterApi, KubeObject, ResourceType } from '../kube/api.js';

/** Warning events kept per object: the newest tell the story. */
const MAX_WARNINGS = 5;

export class OutOfTime extends Error {
  constructor() {
    super("left out: the report's time for reading the cluster ran out");
  }
}

export class Reads {
  private readonly done = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: ClusterApi,
    private readonly signal?: AbortSignal,
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const known = this.done.get(key);
    if (known) return known as Promise<T>;
    const started = this.signal?.aborted
      ? Promise.reject(new OutOfTime())
      : untilAborted(read(), this.signal);
    this.done.set(key, started);
    return started;
  }

  /** An object a list (or the run) already returned: not read again. */
  remember(type: ResourceType, namespace: string, obj: KubeObject): void {
    this.done.set(`get ${type.plural} ${namespace}/${obj.metadata.name}`, Promise.resolve(obj));
  }

  /** A namespaced object of a core, apps or batch resource; undefined when it does not exist. */
  resource(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.once(`get ${type.plural} ${namespace}/${name}`, () =>
      this.api.getResource(type, namespace, name),
    );
  }

  /** A Flux object; undefined when it does not exist. */
  flux(kind: FluxKind, namespace: string, name: string): Promise<FluxObject | undefined> {
    return this.once(`get ${kind.plural} ${namespace}/${name}`, () => this.api.get(kind, namespace, name));
  }

  list(type: ResourceType, namespace: string, labelSelector: string, limit: number): Promise<KubeObject[]> {
    return this.once(`list ${type.plural} ${namespace} ${labelSelector}`, () =>
      this.api.listResources(type, namespace, { labelSelector, limit }),
    );
  }

  /** Every recent event of the object, newest last (as the API gives them). */
  events(ref: ObjectRef): Promise<KubeEvent[]> {
    return this.once(`events ${refKey(ref)}`, () => this.api.events(ref));
  }

  /** Warning events only, newest first, repeats of one reason and message counted once. */
  async warnings(ref: ObjectRef): Promise<KubeEvent[]> {
    return newestWarnings(await this.events(ref));
  }
}

/** Warning events among `events` (newest last), newest first, each reason and message once with its count. */
export function newestWarnings(events: readonly KubeEvent[], max = MAX_WARNINGS): KubeEvent[] {
  const said = new Map<string, KubeEvent>();
  for (const e of events.filter((e) => e.type === 'Warning').reverse()) {
    const key = `${e.reason}\n${e.message}`;
    const newer = said.get(key);
    if (newer) newer.count = (newer.count ?? 1) + (e.count ?? 1);
    else said.set(key, { ...e });
  }
  return [...said.values()].slice(0, max);
}

function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new OutOfTime());
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

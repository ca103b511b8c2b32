// The controllers' own time, seen from outside the action: a list+watch per kind in a namespace records,
// on this process's clock (performance.now(), the clock ActionRun.startedAt uses), when each object was
// first asked to reconcile (its requestedAt annotation changed) and when its controller wrote Ready for
// that request (Ready=True at the current generation, lastHandledReconcileAt equal to the annotation).
// "The controllers' time" of a run is first request to last such Ready write. Given a revision, it also
// records when each object was first Ready at it, whichever request the controller had handled: the moment
// a tree has reached a commit, which can come before every request is handled.
import { KubeConfig } from '@kubernetes/client-node';
import { findCondition } from '../../src/flux/conditions.js';
import { kindOf } from '../../src/flux/kinds.js';
import type { FluxObject } from '../../src/flux/types.js';
import { createClusterApi } from '../../src/kube/client.js';
import { REQUESTED_AT } from '../../src/reconcile/request.js';
import { waitUntil } from '../e2e/lab/wait.js';

interface Timeline {
  /** The annotation when the clock started: a change of it is a new request. */
  baseline: string | undefined;
  token?: string;
  requestedAt?: number;
  readyAt?: number;
  /** First Ready at the revision the clock was given. */
  reachedAt?: number;
}

export interface ControllerTimes {
  /** Objects asked to reconcile while the clock ran. */
  requested: number;
  /** Of those, how many had their Ready written for the latest request. */
  ready: number;
  firstRequestAt: number;
  lastReadyAt: number;
  /** First request to last Ready written, in milliseconds. */
  busyMs: number;
  /** With a revision: first request to the last object Ready at it. */
  reachedMs?: number;
  /** Every request's Ready write, for counting those after a moment (the step's end). */
  readyTimes: number[];
}

const readyNow = (obj: FluxObject): boolean =>
  findCondition(obj, 'Ready')?.status === 'True' &&
  (obj.status?.observedGeneration ?? -1) === (obj.metadata.generation ?? 0);

const handledFor = (obj: FluxObject, token: string | undefined): boolean =>
  token !== undefined && obj.status?.lastHandledReconcileAt === token && readyNow(obj);

export class ControllerClock {
  private readonly timelines = new Map<string, Timeline>();
  private readonly stopping = new AbortController();
  private watches: Promise<void>[] = [];

  private constructor(
    private readonly listed: Map<string, number>,
    private readonly revision: string | undefined,
  ) {}

  /** Starts watching `kinds` in `namespace`; resolves once every object there has been listed. */
  static async start(
    kubeconfigPath: string,
    namespace: string,
    kinds: string[],
    options: { revision?: string } = {},
  ): Promise<ControllerClock> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const api = createClusterApi(kc);
    const clock = new ControllerClock(new Map(kinds.map((k) => [k, 0])), options.revision);
    const expected = await Promise.all(kinds.map(async (k) => (await api.list(kindOf(k), namespace)).items));
    clock.watches = kinds.map((k) =>
      api.watch(kindOf(k), namespace, (obj) => clock.observe(k, obj), clock.stopping.signal),
    );
    const allListed = () => kinds.every((k, i) => (clock.listed.get(k) ?? 0) >= expected[i]!.length);
    await waitUntil(async () => (allListed() ? true : undefined), {
      what: `the clock's first list of ${kinds.join(', ')} in ${namespace}`,
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    return clock;
  }

  private observe(kind: string, obj: FluxObject): void {
    const now = performance.now();
    const key = `${kind}/${obj.metadata.name}`;
    const token = obj.metadata.annotations?.[REQUESTED_AT];
    let line = this.timelines.get(key);
    if (!line) {
      line = { baseline: token };
      this.timelines.set(key, line);
      this.listed.set(kind, (this.listed.get(kind) ?? 0) + 1);
    }
    if (token !== line.baseline && token !== line.token) {
      line.token = token;
      line.requestedAt ??= now;
      line.readyAt = undefined;
    }
    if (line.readyAt === undefined && handledFor(obj, line.token)) line.readyAt = now;
    if (this.revision && line.reachedAt === undefined && readyNow(obj)) {
      if (kindOf(kind).revision(obj)?.includes(this.revision)) line.reachedAt = now;
    }
  }

  /** The figures so far. */
  times(): ControllerTimes {
    const requested = [...this.timelines.values()].filter((l) => l.requestedAt !== undefined);
    const ready = requested.filter((l) => l.readyAt !== undefined);
    const firstRequestAt = Math.min(...requested.map((l) => l.requestedAt!));
    const lastReadyAt = Math.max(...ready.map((l) => l.readyAt!));
    const reached = [...this.timelines.values()].map((l) => l.reachedAt);
    const lastReachedAt = reached.every((t) => t !== undefined) ? Math.max(...reached) : undefined;
    return {
      requested: requested.length,
      ready: ready.length,
      firstRequestAt,
      lastReadyAt,
      busyMs: lastReadyAt - firstRequestAt,
      ...(this.revision && lastReachedAt !== undefined ? { reachedMs: lastReachedAt - firstRequestAt } : {}),
      readyTimes: ready.map((l) => l.readyAt!),
    };
  }

  /** Waits until at least `count` objects were requested and each has its Ready written, then stops. */
  async stopWhenReady(count: number, timeoutMs = 60_000): Promise<ControllerTimes> {
    try {
      return await waitUntil(
        async () => {
          const t = this.times();
          return t.requested >= count && t.ready === t.requested ? t : undefined;
        },
        {
          what: `${count} objects requested and Ready`,
          timeoutMs,
          intervalMs: 20,
          context: () => JSON.stringify(this.times()),
        },
      );
    } finally {
      await this.stop();
    }
  }

  /**
   * With a revision: waits until every object is Ready at it and every request made has its Ready written,
   * then stops. (An object already Ready at the revision may never be asked: the action leaves such a child
   * alone.)
   */
  async stopWhenReached(timeoutMs = 60_000): Promise<ControllerTimes> {
    try {
      return await waitUntil(
        async () => {
          const t = this.times();
          return t.reachedMs !== undefined && t.ready === t.requested ? t : undefined;
        },
        {
          what: 'every object Ready at the revision and every request handled',
          timeoutMs,
          intervalMs: 20,
          context: () => JSON.stringify(this.times()),
        },
      );
    } finally {
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.watches);
  }
}

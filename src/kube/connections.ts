// Keep-alive connections, one pool per cluster and user. client-node builds a new undici Agent for every
// request, so each request paid a TLS handshake on a socket of its own (400 objects opened 416 sockets at
// once). The action keeps the first Agent of each cluster/user pair, as client-node itself does for its
// WebSocket agents, and closes them all when the step is done, which also ends a watch still waiting for
// its headers.
import { Agent, type Dispatcher } from 'undici';

// Connections go idle between a plan's reads and the watch's events; 30 s, as client-go keeps them.
const KEEP_ALIVE_MS = 30_000;

export class ConnectionPools {
  private readonly pools = new Map<string, Dispatcher>();
  private closed = false;

  /**
   * The pool for `key`, made from `fresh` the first time: the dispatcher client-node just built for this
   * request, or none when it would use the global one (no TLS settings at all).
   */
  pool(key: string, fresh: Dispatcher | undefined): Dispatcher {
    const existing = this.pools.get(key);
    if (existing) return existing;
    if (this.closed) throw new Error('the connections to the API server are closed');
    const pool = fresh ?? new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, connect: { keepAlive: true } });
    this.pools.set(key, pool);
    return pool;
  }

  /** Ends every connection, idle or busy: what is still in flight fails at once. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }
}

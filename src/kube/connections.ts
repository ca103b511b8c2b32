// Keep-alive connections to the API server, one pool per cluster and user. client-node builds a new undici
// Agent for every request, so each request paid a TLS handshake on a socket of its own (400 objects opened
// 416 sockets at once). The action keeps two pools per cluster/user pair, as client-node keeps its own
// WebSocket agents: one for requests, capped at as many connections as the client has request slots, and
// one for watch streams, each of which holds its connection for as long as it runs. Closing the pools at
// the end of the step also ends a watch still waiting for its headers.
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, type Dispatcher, ProxyAgent } from 'undici';

export type ConnectionUse = 'requests' | 'streams';

/** What client-node would build a dispatcher from: TLS settings and the proxy. */
export type DispatcherOptions = ReturnType<KubeConfig['createDispatcherOptions']>;

/** The most connections requests use at once; the client never has more requests in flight. */
export const MAX_REQUEST_CONNECTIONS = 16;

// Connections go idle between a plan's reads and the watch's events; 30 s, as client-go keeps them.
const KEEP_ALIVE_MS = 30_000;

/** A pool for these options; a SOCKS proxy keeps client-node's own dispatcher (`fallback`). */
export function newPool(
  options: DispatcherOptions,
  use: ConnectionUse,
  fallback: Dispatcher | undefined,
): Dispatcher {
  const limits = {
    keepAliveTimeout: KEEP_ALIVE_MS,
    ...(use === 'requests' ? { connections: MAX_REQUEST_CONNECTIONS } : {}),
  };
  switch (options.type) {
    case 'agent':
      return new Agent({ ...limits, connect: options.connect });
    case 'proxy':
      return new ProxyAgent({
        ...limits,
        uri: options.uri,
        requestTls: options.requestTls,
        connect: options.connect,
      });
    case 'none':
      return new Agent({ ...limits, connect: { keepAlive: true } });
    case 'socks':
      return fallback ?? new Agent(limits);
  }
}

export class ConnectionPools {
  private readonly pools = new Map<string, Promise<Dispatcher>>();
  private closed = false;

  /** The pool for `key` and `use`, made by `create` the first time. */
  pool(key: string, use: ConnectionUse, create: () => Promise<Dispatcher>): Promise<Dispatcher> {
    const id = `${use} ${key}`;
    const existing = this.pools.get(id);
    if (existing) return existing;
    if (this.closed) return Promise.reject(new Error('the connections to the API server are closed'));
    const made = create();
    this.pools.set(id, made);
    // A pool that could not be made is made again by the next request.
    made.catch(() => this.pools.delete(id));
    return made;
  }

  /** Ends every connection, idle or busy: what is still in flight fails at once. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map(async (pool) => (await pool).destroy()));
  }
}

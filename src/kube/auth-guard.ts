// A KubeConfig that explains exec credential plugin failures, masks the credential a plugin returns,
// runs the plugin once, not once per concurrent request (client-node caches the credential only after
// the first run has finished), and sends every request over the cluster's keep-alive connections.
import type { AgentOptions, RequestOptions } from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { maskSecret } from '../base/secrets.js';
import { ConnectionPools, type ConnectionUse, newPool } from './connections.js';
import { execCommandOf, explainExecFailure } from './kubeconfig/exec-plugins.js';

/** The token of an exec plugin's credential is as secret as one written in the kubeconfig. */
function maskAuthorization(header: unknown): void {
  if (typeof header === 'string' && header.startsWith('Bearer ')) maskSecret(header.slice('Bearer '.length));
}

export class GuardedKubeConfig extends KubeConfig {
  private execReady?: Promise<void>;
  private readonly connections = new ConnectionPools();

  /** A copy of kc (its clusters, users, contexts and current context) with the guard. */
  static from(kc: KubeConfig): GuardedKubeConfig {
    if (kc instanceof GuardedKubeConfig) return kc;
    const guarded = new GuardedKubeConfig();
    guarded.loadFromOptions({
      clusters: kc.getClusters(),
      users: kc.getUsers(),
      contexts: kc.getContexts(),
      currentContext: kc.getCurrentContext(),
    });
    return guarded;
  }

  override async applySecurityAuthentication(
    context: RequestContext,
    use: ConnectionUse = 'requests',
  ): Promise<void> {
    const user = this.getCurrentUser();
    if (execCommandOf(user)) {
      // applyToHTTPSOptions is client-node's public way to run the user's authenticator; its result is cached.
      this.execReady ??= this.runPlugin().catch((error: unknown) => {
        this.execReady = undefined;
        throw explainExecFailure(error, user);
      });
      await this.execReady;
    }
    try {
      await super.applySecurityAuthentication(context);
    } catch (error) {
      // A credential that expired mid-run is fetched again here, so its failures need the same words.
      throw explainExecFailure(error, user);
    }
    if (execCommandOf(user)) maskAuthorization(context.getHeaders().Authorization);
    // Keyed like client-node's own agent cache: the TLS identity belongs to the cluster/user pair.
    const cluster = this.getCurrentCluster();
    const key = JSON.stringify([cluster?.name, cluster?.server, user?.name]);
    const fresh = context.getDispatcher();
    context.setDispatcher(await this.connections.pool(key, use, () => this.newPool(use, fresh)));
  }

  /** A pool with the TLS settings client-node gives its own dispatchers (CA, client certificate, SNI). */
  private async newPool(use: ConnectionUse, fresh: Dispatcher | undefined): Promise<Dispatcher> {
    const https: RequestOptions = {};
    await this.applyToHTTPSOptions(https);
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = https as AgentOptions;
    const tls: AgentOptions = { ca, cert, key, pfx, passphrase };
    if (rejectUnauthorized !== undefined) tls.rejectUnauthorized = rejectUnauthorized;
    if (servername !== undefined) tls.servername = servername;
    return newPool(this.createDispatcherOptions(this.getCurrentCluster(), tls), use, fresh);
  }

  /** This config as client-node's Watch uses it: streams go over their own pool. */
  forStreams(): KubeConfig {
    const streams = Object.create(this) as GuardedKubeConfig;
    streams.applySecurityAuthentication = (context: RequestContext) =>
      this.applySecurityAuthentication(context, 'streams');
    return streams;
  }

  /** Closes every connection this config opened; requests still in flight fail. */
  closeConnections(): Promise<void> {
    return this.connections.close();
  }

  /** Runs the plugin through client-node (which caches its credential) and masks what it returned. */
  private async runPlugin(): Promise<void> {
    const options: { headers?: Record<string, unknown>; key?: unknown } = {};
    await this.applyToHTTPSOptions(options);
    maskAuthorization(options.headers?.Authorization);
    if (options.key) maskSecret(String(options.key));
  }
}

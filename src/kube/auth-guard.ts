// A KubeConfig that explains exec credential plugin failures, masks the credential a plugin returns,
// runs the plugin once, not once per concurrent request (client-node caches the credential only after
// the first run has finished), and sends every request over the cluster's keep-alive connections.
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { ConnectionPools } from './connections.js';
import { execCommandOf, explainExecFailure } from './exec-plugins.js';
import { maskSecret } from './secrets.js';

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

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
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
    const key = JSON.stringify([
      this.getCurrentCluster()?.name,
      this.getCurrentCluster()?.server,
      user?.name,
    ]);
    context.setDispatcher(this.connections.pool(key, context.getDispatcher()));
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

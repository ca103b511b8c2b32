// A KubeConfig that explains exec credential plugin failures and runs the plugin once, not once per
// concurrent request: client-node caches the credential only after the first run has finished.
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { execCommandOf, explainExecFailure } from './exec-plugins.js';

export class GuardedKubeConfig extends KubeConfig {
  private execReady?: Promise<void>;

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
      this.execReady ??= this.applyToHTTPSOptions({}).catch((error: unknown) => {
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
  }
}

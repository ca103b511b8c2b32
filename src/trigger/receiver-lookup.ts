// Which Receiver a webhook URL reaches, read from the cluster (its status.webhookPath is the URL's path), to
// explain a refusal the controller gives no reason for. Credentials that may not list Receivers somewhere
// only make it unknown there: the explanation then does without it.
import { RECEIVER } from '../flux/kinds.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';

/**
 * The Receiver whose webhook path is `webhookPath`: looked for in `namespaces` (where the run looks), then
 * in all namespaces; undefined when none readable has it.
 */
export async function findReceiverByPath(
  api: Pick<ClusterApi, 'list'>,
  webhookPath: string,
  namespaces: readonly string[],
): Promise<FluxObject | undefined> {
  for (const namespace of new Set([...namespaces, ''])) {
    try {
      const { items } = await api.list(RECEIVER, namespace);
      const found = items.find((receiver) => receiver.status?.webhookPath === webhookPath);
      if (found) return found;
    } catch {
      // Not readable there (forbidden, or the CRD absent): look on, then explain without it.
    }
  }
  return undefined;
}

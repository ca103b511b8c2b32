// Reads of resources outside Flux (core/v1 Pods, apps/v1 Deployments, batch/v1 Jobs) as plain JSON. The
// typed APIs of client-node turn times into Date objects and need one class per group; this goes through
// the same configuration (authentication, the request middleware that counts and times each request) and
// leaves the body as the API server sent it. The path is built from apiVersion and plural: no discovery.
import { HttpMethod, KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubeObject, ResourceType } from './api.js';

function collectionPath(type: ResourceType, namespace: string): string {
  // The core group is served under /api/v1, every other group under /apis/<group>/<version>.
  const root = type.apiVersion.includes('/') ? 'apis' : 'api';
  return `/${root}/${type.apiVersion}/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(type.plural)}`;
}

export class ResourceReads extends KubernetesObjectApi {
  async getOne(type: ResourceType, namespace: string, name: string): Promise<KubeObject> {
    return this.getJson(`${collectionPath(type, namespace)}/${encodeURIComponent(name)}`, {});
  }

  async listSome(
    type: ResourceType,
    namespace: string,
    options: { labelSelector?: string; limit?: number },
  ): Promise<KubeObject[]> {
    const query: Record<string, string> = {};
    if (options.labelSelector) query.labelSelector = options.labelSelector;
    if (options.limit) query.limit = String(options.limit);
    const list = (await this.getJson(collectionPath(type, namespace), query)) as { items?: unknown };
    return Array.isArray(list.items) ? (list.items as KubeObject[]) : [];
  }

  private async getJson(path: string, query: Record<string, string>): Promise<KubeObject> {
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    // 'any' tells client-node's serializer to keep the parsed JSON as it is.
    return (await this.requestPromise(context, 'any')) as unknown as KubeObject;
  }
}

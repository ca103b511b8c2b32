// Reads of resources outside Flux (core/v1 Pods, apps/v1 Deployments, batch/v1 Jobs) as plain JSON. The
// typed APIs of client-node turn times into Date objects and need one class per group, and its generic
// object API turns `metadata` into a typed model too; this goes through the same configuration
// (authentication, the request middleware that counts and times each request) and keeps the body as the
// API server sent it. The path is built from apiVersion and plural: no discovery request.
import {
  ApiException,
  HttpMethod,
  type KubernetesObject,
  KubernetesObjectApi,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { KubeObject, ResourceType } from './api.js';

export function collectionPath(type: ResourceType, namespace: string): string {
  // The core group is served under /api/v1, every other group under /apis/<group>/<version>.
  const root = type.apiVersion.includes('/') ? 'apis' : 'api';
  return `/${root}/${type.apiVersion}/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(type.plural)}`;
}

export class ResourceReads extends KubernetesObjectApi {
  async getOne(type: ResourceType, namespace: string, name: string): Promise<KubeObject> {
    return (await this.getJson(
      `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`,
      {},
    )) as KubeObject;
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

  /** Every object of the resource in the namespace, and the list's resourceVersion to watch from. */
  async listAll(
    type: ResourceType,
    namespace: string,
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const list = (await this.getJson(collectionPath(type, namespace), {})) as {
      items?: unknown;
      metadata?: { resourceVersion?: unknown };
    };
    const version = list.metadata?.resourceVersion;
    return {
      items: Array.isArray(list.items) ? (list.items as KubeObject[]) : [],
      resourceVersion: typeof version === 'string' ? version : '',
    };
  }

  private async getJson(path: string, query: Record<string, string>): Promise<unknown> {
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    return this.requestPromise(context);
  }

  /** The body as parsed JSON, nothing converted; errors as client-node's own (status in `code`). */
  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
  ): Promise<T> {
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      return JSON.parse(await response.body.text()) as T;
    }
    throw new ApiException(
      response.httpStatusCode,
      'Unsuccessful HTTP Request',
      await response.getBodyAsAny(),
      response.headers,
    );
  }
}

// A small raw client for the lab's own API calls: @kubernetes/client-node reads the kubeconfig and supplies
// TLS and credentials; requests and responses stay plain JSON, so what tests and fixtures see is exactly
// what the API server sent (no typed model in between).
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  // biome-ignore lint/suspicious/noExplicitAny: objects of any kind; tests narrow what they read.
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  status?: any;
  [key: string]: unknown;
}

export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(method: string, path: string, status: number, body: string) {
    let reason = '';
    let message = body.trim();
    try {
      const parsed = JSON.parse(body) as { reason?: string; message?: string };
      reason = parsed.reason ?? '';
      message = parsed.message ?? message;
    } catch {
      // not a Status object: keep the raw body
    }
    super(`${method} ${path}: HTTP ${status}${reason ? ` ${reason}` : ''}: ${message}`);
    this.status = status;
    this.reason = reason;
  }
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface RequestInit {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
}

export class LabKube {
  private readonly config = new KubeConfig();
  private readonly discovery = new Map<string, ApiResource[]>();
  readonly server: string;

  constructor(kubeconfigPath: string) {
    this.config.loadFromFile(kubeconfigPath);
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
    this.server = cluster.server;
  }

  /** One API call; resolves with the parsed JSON body, throws KubeApiError for any status >= 300. */
  async request<T = KubeObject>(method: string, path: string, init: RequestInit = {}): Promise<T> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const options: RequestOptions = { method, headers: { Accept: 'application/json' } };
    await this.config.applyToHTTPSOptions(options);
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (payload !== undefined) {
      options.headers = {
        ...options.headers,
        'Content-Type': init.contentType ?? 'application/json',
        'Content-Length': Buffer.byteLength(payload),
      };
    }
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname}: no response in 30 s`)));
      req.on('error', (error) =>
        reject(new Error(`${method} ${url.pathname}: ${error.message}`, { cause: error })),
      );
      req.end(payload);
    });
    if (status >= 300) throw new KubeApiError(method, url.pathname, status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The REST path of a collection (no name) or of one object. */
  async pathOf(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const resource = await this.resourceOf(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${resource.name}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resourceOf(apiVersion, kind)).namespaced;
  }

  private async resourceOf(apiVersion: string, kind: string): Promise<ApiResource> {
    const find = () => this.discovery.get(apiVersion)?.find((r) => r.kind === kind && !r.name.includes('/'));
    let found = find();
    if (!found) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const list = await this.request<{ resources: ApiResource[] }>('GET', base);
      this.discovery.set(apiVersion, list.resources);
      found = find();
    }
    if (!found) throw new Error(`the API server does not serve ${kind} in ${apiVersion}`);
    return found;
  }

  /** Server-side apply (force: the lab owns what it applies). */
  async apply(obj: KubeObject, fieldManager = 'flux-reconcile-lab'): Promise<KubeObject> {
    const path = await this.pathOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
    return this.request('PATCH', path, {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: 'true' },
    });
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string) {
    try {
      return await this.request('GET', await this.pathOf(apiVersion, kind, namespace, name));
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    const path = await this.pathOf(apiVersion, kind, namespace);
    const list = await this.request<{ items: KubeObject[] }>('GET', path, { query: { labelSelector } });
    // Items of a list carry no apiVersion/kind; give them back so they can be applied or stored as they are.
    return list.items.map((item) => ({ ...item, apiVersion, kind }));
  }

  async mergePatch(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    patch: object,
  ) {
    return this.request('PATCH', await this.pathOf(apiVersion, kind, namespace, name), {
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Deletes the object; an object already gone is not an error. */
  async delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.request('DELETE', await this.pathOf(apiVersion, kind, namespace, name));
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return;
      throw error;
    }
  }
}

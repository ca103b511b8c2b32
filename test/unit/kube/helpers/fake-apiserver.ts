// A real HTTPS server on 127.0.0.1 that speaks enough of the Kubernetes API for the client's tests:
// bearer-token, basic and client-certificate authentication, discovery, namespaces, access reviews, custom
// objects (get, list, merge patch), watch streams that can be dropped or expired, and events. It can be
// told to answer some requests with an error status (and Retry-After), and it counts requests in flight
// and connections.

import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FluxObject } from '../../../../src/flux/types.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  user: string | undefined;
  body: string;
}

export interface FakeApiOptions {
  cert: string;
  key: string;
  /** CA for client certificates; when set, the server asks for one. */
  clientCa?: string;
  /** token → user name. */
  tokens?: Record<string, string>;
  /** `username:password` → user name, for Basic authentication. */
  passwords?: Record<string, string>;
}

interface WatchClient {
  res: ServerResponse;
  prefix: string;
}

interface LoggedEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: FluxObject;
  rv: number;
  prefix: string;
}

type Permission = (user: string, verb: string, resource: string, namespace: string) => boolean;

/** An answer the server gives instead of the real one: a status (with a Retry-After), as the real one would. */
export interface Fault {
  status: number;
  /** Seconds, or an HTTP date, as the Retry-After header says it. */
  retryAfter?: string;
  message?: string;
}

interface PendingFault {
  match: string | RegExp;
  method: string | undefined;
  fault: Fault;
  times: number;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** group/version → kinds served (kind, plural). */
  readonly served = new Map<string, { kind: string; plural: string }[]>();
  readonly namespaces = new Set<string>(['default', 'flux-system']);
  /** Users who may not read Namespace objects (403). */
  readonly namespaceReadersDenied = new Set<string>();
  permission: Permission = () => true;
  /** Watches asking for a resourceVersion below this get `410 Gone`. */
  expiredBelow = 0;
  /** How a too-old watch is refused: an ERROR event in a 200 stream (as kube-apiserver does) or HTTP 410. */
  goneAs: 'event' | 'http' = 'event';
  /** The next N merge patches fail with 409 Conflict. */
  conflictsToServe = 0;
  /** The next N list requests fail with 503 (a transient error). */
  listFailuresToServe = 0;
  /** /version never answers while true. */
  hangVersion = false;
  /** Watch requests get no answer at all (not even headers) while true. */
  hangWatches = false;
  /** Watch requests left without an answer whose connection is still open. */
  readonly hangingWatches = new Set<ServerResponse>();
  /** A header value that must never reach the client's error messages. */
  readonly responseSecretHeader = 'x-response-secret-value-42';
  events: unknown[] = [];
  /** Requests in flight right now, and the most there ever were. */
  inFlight = 0;
  peakInFlight = 0;
  /** TCP connections open right now, and the most there ever were; and how many were opened in all. */
  openConnections = 0;
  peakConnections = 0;
  connectionsOpened = 0;

  private server?: Server;
  private readonly faults: PendingFault[] = [];
  private readonly objects = new Map<string, FluxObject>();
  private readonly log: LoggedEvent[] = [];
  private readonly watches = new Set<WatchClient>();
  private rv = 100;

  constructor(private readonly options: FakeApiOptions) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake API server not started');
    return `https://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async start(): Promise<this> {
    this.server = createServer(
      {
        cert: this.options.cert,
        key: this.options.key,
        ...(this.options.clientCa
          ? { ca: this.options.clientCa, requestCert: true, rejectUnauthorized: false }
          : {}),
      },
      (req, res) => this.handle(req, res),
    );
    this.server.on('connection', (socket) => {
      this.openConnections++;
      this.connectionsOpened++;
      this.peakConnections = Math.max(this.peakConnections, this.openConnections);
      socket.on('close', () => this.openConnections--);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The next `times` requests whose path contains (or matches) `match` get `fault` instead of an answer. */
  inject(match: string | RegExp, fault: Fault, times = 1, method?: string): void {
    this.faults.push({ match, method, fault, times });
  }

  /** Answers with the first pending fault that matches; true when it did. */
  private serveFault(method: string, path: string, res: ServerResponse): boolean {
    const pending = this.faults.find(
      (f) =>
        f.times > 0 &&
        (f.method === undefined || f.method === method) &&
        (typeof f.match === 'string' ? path.includes(f.match) : f.match.test(path)),
    );
    if (!pending) return false;
    pending.times--;
    const { status: code, retryAfter, message } = pending.fault;
    const reason = STATUS_CODES[code] ?? 'Error';
    res.writeHead(code, {
      'content-type': 'application/json',
      ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}),
    });
    res.end(JSON.stringify(status(code, reason.replace(/\s/g, ''), message ?? `injected ${code}`)));
    return true;
  }

  async stop(): Promise<void> {
    for (const watch of this.watches) watch.res.destroy();
    this.watches.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  serve(group: string, version: string, kinds: { kind: string; plural: string }[]): void {
    this.served.set(`${group}/${version}`, kinds);
  }

  currentResourceVersion(): number {
    return this.rv;
  }

  /** Creates or replaces an object (as a controller would) and tells open watches. */
  put(prefix: string, obj: FluxObject): FluxObject {
    const key = `${prefix}/${obj.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    this.rv++;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    this.objects.set(key, stored);
    this.emit({ type, object: stored, rv: this.rv, prefix });
    return stored;
  }

  remove(prefix: string, name: string): void {
    const key = `${prefix}/${name}`;
    const obj = this.objects.get(key);
    if (!obj) return;
    this.objects.delete(key);
    this.rv++;
    this.emit({
      type: 'DELETED',
      object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } },
      rv: this.rv,
      prefix,
    });
  }

  object(prefix: string, name: string): FluxObject | undefined {
    return this.objects.get(`${prefix}/${name}`);
  }

  openWatchCount(): number {
    return this.watches.size;
  }

  /** Kills every open watch connection mid-stream (no clean end of the chunked body). */
  dropWatches(): void {
    for (const watch of this.watches) watch.res.socket?.destroy();
    this.watches.clear();
  }

  /** Ends every open watch cleanly, as the API server does when timeoutSeconds elapses. */
  endWatches(): void {
    for (const watch of this.watches) watch.res.end();
    this.watches.clear();
  }

  sendBookmark(): void {
    for (const watch of this.watches) {
      this.write(watch.res, { type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } });
    }
  }

  requestsTo(pathPart: string, method = 'GET', watch?: boolean): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === method &&
        r.path.includes(pathPart) &&
        (watch === undefined || (r.query.get('watch') === 'true') === watch),
    );
  }

  private emit(event: LoggedEvent): void {
    this.log.push(event);
    for (const watch of this.watches) {
      if (watch.prefix === event.prefix) this.write(watch.res, { type: event.type, object: event.object });
    }
  }

  private write(res: ServerResponse, event: unknown): void {
    res.write(`${JSON.stringify(event)}\n`);
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json', 'x-secret-header': this.responseSecretHeader });
    res.end(JSON.stringify(body));
  }

  private authenticate(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return this.options.tokens?.[auth.slice('Bearer '.length)];
    if (auth?.startsWith('Basic ')) {
      const pair = Buffer.from(auth.slice('Basic '.length), 'base64').toString('utf8');
      return this.options.passwords?.[pair];
    }
    const socket = req.socket as TLSSocket;
    if (this.options.clientCa && socket.authorized) {
      const cn = socket.getPeerCertificate()?.subject?.CN;
      return typeof cn === 'string' ? cn : undefined;
    }
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://fake');
      const user = this.authenticate(req);
      this.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        user,
        body,
      });
      if (this.serveFault(req.method ?? 'GET', url.pathname, res)) return;
      if (!user) {
        this.json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      this.route(req.method ?? 'GET', url, { body, contentType: req.headers['content-type'] }, user, res);
    });
  }

  private route(
    method: string,
    url: URL,
    request: { body: string; contentType: string | undefined },
    user: string,
    res: ServerResponse,
  ): void {
    const { body } = request;
    const path = url.pathname;
    if (path === '/version') {
      if (!this.hangVersion) this.json(res, 200, { major: '1', minor: '36', gitVersion: 'v1.36.4' });
      return;
    }
    if (method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const review = JSON.parse(body) as { spec: { resourceAttributes: Record<string, string> } };
      const attrs = review.spec.resourceAttributes;
      const allowed = this.permission(user, attrs.verb ?? '', attrs.resource ?? '', attrs.namespace ?? '');
      this.json(res, 201, { ...review, status: { allowed } });
      return;
    }
    const namespace = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path);
    if (namespace) {
      const name = namespace[1] ?? '';
      if (this.namespaceReadersDenied.has(user)) {
        this.json(
          res,
          403,
          status(403, 'Forbidden', `namespaces "${name}" is forbidden: User "${user}" cannot get`),
        );
      } else if (this.namespaces.has(name)) {
        this.json(res, 200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } else {
        this.json(res, 404, status(404, 'NotFound', `namespaces "${name}" not found`));
      }
      return;
    }
    if (/^\/api\/v1\/namespaces\/[^/]+\/events$/.test(path)) {
      this.json(res, 200, {
        apiVersion: 'v1',
        kind: 'EventList',
        metadata: { resourceVersion: '1' },
        items: this.events,
      });
      return;
    }
    const coreObject = /^\/api\/v1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (coreObject && method === 'GET') {
      this.coreRead(user, coreObject[1]!, coreObject[2]!, coreObject[3], res);
      return;
    }
    const discovery = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (discovery) {
      const kinds = this.served.get(`${discovery[1]}/${discovery[2]}`);
      if (!kinds) {
        this.json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
        return;
      }
      this.json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${discovery[1]}/${discovery[2]}`,
        resources: kinds.map((k) => ({
          name: k.plural,
          singularName: k.kind.toLowerCase(),
          namespaced: true,
          kind: k.kind,
          verbs: ['get', 'list', 'watch', 'patch'],
        })),
      });
      return;
    }
    const objectPath = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (objectPath) {
      const [, group, version, ns, plural, name] = objectPath;
      const prefix = `${group}/${version}/${ns}/${plural}`;
      const allowedVerb = name
        ? method === 'PATCH'
          ? 'patch'
          : 'get'
        : url.searchParams.get('watch')
          ? 'watch'
          : 'list';
      if (!this.permission(user, allowedVerb, plural ?? '', ns ?? '')) {
        this.json(
          res,
          403,
          status(
            403,
            'Forbidden',
            `${plural}.${group} is forbidden: User "${user}" cannot ${allowedVerb} resource "${plural}" in API group "${group}" in the namespace "${ns}"`,
          ),
        );
        return;
      }
      if (!this.served.has(`${group}/${version}`)) {
        this.json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
        return;
      }
      if (!name) {
        if (url.searchParams.get('watch') === 'true') this.watch(url, prefix, res);
        else this.list(prefix, res);
        return;
      }
      const key = `${prefix}/${name}`;
      const existing = this.objects.get(key);
      if (!existing) {
        this.json(res, 404, status(404, 'NotFound', `${plural}.${group} "${name}" not found`));
        return;
      }
      if (method === 'PATCH') {
        this.patch(prefix, existing, request, res, name);
        return;
      }
      this.json(res, 200, existing);
      return;
    }
    this.json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }

  /** Core objects (pods) live under the prefix `v1/<namespace>/<plural>`: a get or a list, with RBAC. */
  private coreRead(
    user: string,
    ns: string,
    plural: string,
    name: string | undefined,
    res: ServerResponse,
  ): void {
    const verb = name ? 'get' : 'list';
    if (!this.permission(user, verb, plural, ns)) {
      const said = `${plural} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "" in the namespace "${ns}"`;
      this.json(res, 403, status(403, 'Forbidden', said));
      return;
    }
    const prefix = `v1/${ns}/${plural}`;
    if (!name) {
      this.list(prefix, res);
      return;
    }
    const existing = this.objects.get(`${prefix}/${name}`);
    if (existing) this.json(res, 200, existing);
    else this.json(res, 404, status(404, 'NotFound', `${plural} "${name}" not found`));
  }

  private list(prefix: string, res: ServerResponse): void {
    if (this.listFailuresToServe > 0) {
      this.listFailuresToServe--;
      this.json(res, 503, status(503, 'ServiceUnavailable', 'etcd is having a moment'));
      return;
    }
    const items = [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${prefix}/`))
      .map(([, obj]) => obj);
    this.json(res, 200, {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private patch(
    prefix: string,
    existing: FluxObject,
    { body, contentType }: { body: string; contentType: string | undefined },
    res: ServerResponse,
    name: string,
  ): void {
    if (contentType !== 'application/merge-patch+json') {
      this.json(
        res,
        415,
        status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format: ${contentType}`,
        ),
      );
      return;
    }
    if (this.conflictsToServe > 0) {
      this.conflictsToServe--;
      this.json(
        res,
        409,
        status(409, 'Conflict', `Operation cannot be fulfilled on ${name}: the object has been modified`),
      );
      return;
    }
    const patch = JSON.parse(body) as { metadata?: { annotations?: Record<string, string> } };
    const merged: FluxObject = {
      ...existing,
      metadata: {
        ...existing.metadata,
        annotations: { ...existing.metadata.annotations, ...patch.metadata?.annotations },
      },
    };
    this.json(res, 200, this.put(prefix, merged));
  }

  private watch(url: URL, prefix: string, res: ServerResponse): void {
    if (this.hangWatches) {
      this.hangingWatches.add(res);
      res.on('close', () => this.hangingWatches.delete(res));
      return;
    }
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    if (from < this.expiredBelow) {
      const gone = status(410, 'Expired', `too old resource version: ${from} (${this.expiredBelow})`);
      if (this.goneAs === 'http') {
        this.json(res, 410, gone);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        this.write(res, { type: 'ERROR', object: gone });
        res.end();
      }
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const event of this.log) {
      if (event.prefix === prefix && event.rv > from)
        this.write(res, { type: event.type, object: event.object });
    }
    const client = { res, prefix };
    this.watches.add(client);
    res.on('close', () => this.watches.delete(client));
  }
}

// A loopback HTTP proxy in front of a server (the lab's git server) that lets through only requests with
// one Authorization header, as GitHub does for a private repository: git then needs the credentials
// actions/checkout stored, and without them must fail rather than prompt.
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../e2e/lab/git-server.js';

export interface AuthProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Requests seen, with whether they carried the right credentials. */
  requests: { path: string; authorized: boolean }[];
  stop(): Promise<void>;
}

/** Relays a request to `upstream` (same path) and its answer back, as it streams. */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, upstream: URL): void {
  const forward = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`proxy: ${error.message}\n`);
  });
  req.pipe(forward);
}

export async function startAuthProxy(target: string, authorization: string): Promise<AuthProxy> {
  const upstream = new URL(target);
  const requests: AuthProxy['requests'] = [];
  const server = createServer((req, res) => {
    const authorized = req.headers.authorization === authorization;
    requests.push({ path: req.url ?? '/', authorized });
    if (!authorized) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="private"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    forwardRequest(req, res, upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, stop: () => closeServer(server) };
}

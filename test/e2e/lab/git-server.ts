// A git server over HTTP on loopback: a node HTTP server that runs `git http-backend` (CGI) per request,
// serving every bare repository under one root. Pushes are allowed (REMOTE_USER is set).
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitServer {
  /** Base URL; a repository `name` is at `${url}/${name}.git`. */
  url: string;
  stop(): Promise<void>;
}

function cgiEnv(req: IncomingMessage, projectRoot: string): NodeJS.ProcessEnv {
  const url = new URL(req.url ?? '/', 'http://lab');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    // http-backend allows receive-pack (push) for an authenticated user only.
    REMOTE_USER: 'lab',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  if (header('content-type')) env.CONTENT_TYPE = header('content-type');
  if (header('content-length')) env.CONTENT_LENGTH = header('content-length');
  if (header('content-encoding')) env.HTTP_CONTENT_ENCODING = header('content-encoding');
  if (header('git-protocol')) env.GIT_PROTOCOL = header('git-protocol');
  return env;
}

/** Runs http-backend for one request and relays its CGI response (headers, then the body as it streams). */
function handle(req: IncomingMessage, res: ServerResponse, projectRoot: string): void {
  const backend = spawn('git', ['http-backend'], {
    env: cgiEnv(req, projectRoot),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  backend.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  req.pipe(backend.stdin);
  backend.stdin.on('error', () => {
    // The backend may exit before reading everything (e.g. a 404): not the client's problem.
  });
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const crlf = text.indexOf('\r\n\r\n');
    const lf = text.indexOf('\n\n');
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
    if (end < 0) return;
    let status = 200;
    for (const line of text.slice(0, end).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    headersSent = true;
    res.write(head.subarray(end));
  });
  backend.on('close', (code) => {
    if (!headersSent) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`git http-backend exited ${code}: ${stderr}`);
      return;
    }
    res.end();
  });
  backend.on('error', (error) => {
    if (!headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(`could not run git http-backend: ${error.message}`);
  });
}

export async function startGitServer(projectRoot: string): Promise<GitServer> {
  const server: Server = createServer((req, res) => handle(req, res, projectRoot));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => closeServer(server),
  };
}

/** Closes the server and every open connection, so it stops at once. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

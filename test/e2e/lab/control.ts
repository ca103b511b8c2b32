// The lab's processes live in the process that started it; test files run in workers. This small HTTP
// server (loopback, bearer token) lets a worker restart the API server or stop and start a controller.
import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROLLER_NAMES, type ControllerName } from './controllers.js';
import { closeServer } from './git-server.js';

export interface LabControl {
  /** Stops the API server, keeps it down `downMs` (default 0), starts it again and waits until it is ready. */
  restartApiServer(downMs?: number): Promise<void>;
  stopController(name: ControllerName): Promise<void>;
  /** `featureGates`: the controller's --feature-gates for this run of it (e.g. `CancelHealthCheckOnNewRevision=true`). */
  startController(name: ControllerName, options?: { featureGates?: string }): Promise<void>;
  /** Requests the release mirror has served, per path. */
  mirrorRequests(): Promise<Record<string, number>>;
}

export interface ControlEndpoint {
  url: string;
  token: string;
}

const isController = (name: string): name is ControllerName =>
  (CONTROLLER_NAMES as readonly string[]).includes(name);

async function dispatch(control: LabControl, method: string, url: URL): Promise<unknown> {
  const path = url.pathname;
  if (method === 'POST' && path === '/apiserver/restart') {
    return control.restartApiServer(Number(url.searchParams.get('downMs') ?? 0));
  }
  if (method === 'GET' && path === '/mirror/requests') return control.mirrorRequests();
  const m = /^\/controllers\/([a-z-]+)\/(start|stop)$/.exec(path);
  if (method === 'POST' && m?.[1] && isController(m[1])) {
    const featureGates = url.searchParams.get('featureGates') ?? undefined;
    return m[2] === 'stop' ? control.stopController(m[1]) : control.startController(m[1], { featureGates });
  }
  throw Object.assign(new Error(`no such lab control: ${method} ${path}`), { status: 404 });
}

export async function startControlServer(
  control: LabControl,
): Promise<{ endpoint: ControlEndpoint; stop(): Promise<void> }> {
  const token = randomBytes(16).toString('hex');
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    try {
      const result = await dispatch(control, req.method ?? 'GET', new URL(req.url ?? '/', 'http://lab'));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result ?? null));
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      res
        .writeHead(status, { 'Content-Type': 'text/plain' })
        .end(error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: { url: `http://127.0.0.1:${port}`, token }, stop: () => closeServer(server) };
}

function call(endpoint: ControlEndpoint, method: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, endpoint.url),
      { method, headers: { Authorization: `Bearer ${endpoint.token}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => {
          if (res.statusCode === 200) resolve(body ? JSON.parse(body) : null);
          else reject(new Error(`lab control ${method} ${path}: HTTP ${res.statusCode}: ${body}`));
        });
      },
    );
    req.on('error', (error) => reject(new Error(`lab control ${method} ${path}: ${error.message}`)));
    req.end();
  });
}

/** The control surface, reached over HTTP from another process. */
export function remoteControl(endpoint: ControlEndpoint): LabControl {
  return {
    restartApiServer: async (downMs = 0) => {
      await call(endpoint, 'POST', `/apiserver/restart?downMs=${downMs}`);
    },
    stopController: async (name) => {
      await call(endpoint, 'POST', `/controllers/${name}/stop`);
    },
    startController: async (name, options = {}) => {
      const gates = options.featureGates ? `?featureGates=${encodeURIComponent(options.featureGates)}` : '';
      await call(endpoint, 'POST', `/controllers/${name}/start${gates}`);
    },
    mirrorRequests: async () => (await call(endpoint, 'GET', '/mirror/requests')) as Record<string, number>,
  };
}

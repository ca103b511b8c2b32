// A fake of the few GitHub REST endpoints the action reports to, on 127.0.0.1, built to answer as
// api.github.com does: the same status codes, response shapes, headers (rate limit, request id, accepted
// permissions on a 403), validation errors, pagination Link headers (in GitHub's `/repositories/<id>/`
// form), 401 for a wrong token, 404 for a private repository asked without one, and 403 bodies worded as
// GitHub words them. It keeps state (deployments and their statuses, commit statuses, issue comments),
// answers compare from a real git history, records every request, and can be told to refuse a permission
// or to fail the next calls of an endpoint.
//
// Endpoints: POST /repos/{o}/{r}/deployments, POST …/deployments/{id}/statuses, POST …/statuses/{sha},
// GET/POST …/issues/{n}/comments, PATCH …/issues/comments/{id}, GET …/compare/{base}...{head}; who the
// token is: GET /user (403 for an app's installation token, as GitHub answers it) and GraphQL's
// `viewer { login }`. Served under `basePath` ('' for api.github.com, '/api/v3' for GitHub Enterprise
// Server, whose GraphQL is /api/graphql); with `gitServer`, the same address also serves the repository
// over git, as a GitHub server does.
// Only erasable TypeScript here, like the other helpers.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest } from './auth-proxy.js';
import { type Answer, DOCS, HttpError, notFound, rateLimited, serverError } from './github-api-answers.js';
import { FakeRepository } from './github-api-repo.js';

export interface GitHubRequest {
  method: string;
  /** Path without the base path and query, e.g. `/repos/o/r/deployments`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET). */
  body: Record<string, unknown> | undefined;
  /** The status the fake answered. */
  status: number;
  /** performance.now() when it arrived. */
  at: number;
}

/** A permission the token lacks: every call that needs it gets GitHub's 403. */
export type Permission = 'deployments' | 'statuses' | 'pull_requests' | 'contents';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; id: number; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
}

export interface StoredDeployment {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  created_at: string;
  statuses: Array<Record<string, unknown>>;
}

export interface FakeGitHubOptions {
  /** The token the fake accepts. Default `ghs_fake`. */
  token?: string;
  owner?: string;
  repo?: string;
  /** '' (api.github.com) or '/api/v3' (GitHub Enterprise Server). */
  basePath?: string;
  /** The git directory (bare or not) whose history answers compare. Without it, compare knows no commit. */
  history?: string;
  /**
   * A private repository (the default) answers 404 to a request without a token, as GitHub does not
   * admit it exists; a public one answers reads without a token.
   */
  private?: boolean;
  /**
   * A git server (the lab's) that holds the repository at `path`: `${origin}/owner/repo(.git)/…` is relayed
   * to it, so that one address serves the repository over git and the API.
   */
  gitServer?: { url: string; path: string };
  /** Who the token is: the author of the comments it writes. Default the job token's github-actions[bot]. */
  identity?: FakeComment['user'];
}

export interface FakeGitHub {
  /** http://127.0.0.1:<port><basePath>: the GITHUB_API_URL to give the action. */
  apiUrl: string;
  /** http://127.0.0.1:<port>: the GITHUB_SERVER_URL; the repository is `${origin}/owner/repo`. */
  origin: string;
  token: string;
  owner: string;
  repo: string;
  requests: GitHubRequest[];
  /** Requests for this method and path pattern, e.g. `('POST', /\/statuses\//)`. */
  calls(method: string, path?: RegExp): GitHubRequest[];
  /** `POST deployments`, `PATCH comment`...: one short name per request, in order. */
  sequence(): string[];
  deployments: StoredDeployment[];
  commitStatuses: Array<Record<string, unknown>>;
  comments(issue: number): FakeComment[];
  /** Adds comments by someone else (or by `user`) to an issue, e.g. to make the listing span pages. */
  seedComments(issue: number, bodies: string[], user?: string): void;
  /** From now on, calls needing `permission` get 403. */
  deny(permission: Permission): void;
  /** Called with each request (its body parsed) before it is answered: to look at the world at that moment. */
  onRequest?: (request: GitHubRequest) => void;
  /** The next `times` requests matching method and path get `status` (with GitHub's body for it). */
  fail(method: string, path: RegExp, status: number, times?: number): void;
  /**
   * The next request matching method and path hits a rate limit, as GitHub answers it: the primary limit
   * (403, remaining 0, reset in `seconds`) or the secondary one (403 with `retry-after: seconds`).
   */
  rateLimit(method: string, path: RegExp, kind: 'primary' | 'secondary', seconds: number): void;
  close(): Promise<void>;
}

const shortName = (r: GitHubRequest): string => {
  if (r.path.endsWith('/deployments')) return `${r.method} deployment`;
  if (/\/deployments\/\d+\/statuses$/.test(r.path))
    return `${r.method} deployment status ${String(r.body?.state)}`;
  if (/\/statuses\/[^/]+$/.test(r.path)) return `${r.method} commit status ${String(r.body?.state)}`;
  if (/\/comments$/.test(r.path)) return `${r.method} comments`;
  if (/\/comments\/\d+$/.test(r.path)) return `${r.method} comment`;
  return `${r.method} ${r.path}`;
};

function rateHeaders(count: number): Record<string, string> {
  return {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(5000 - count),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-used': String(count),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `F4KE:${count.toString(16).toUpperCase()}`,
  };
}

interface Fault {
  method: string;
  path: RegExp;
  left: number;
  answer: () => HttpError;
}

/** Who may ask: the token, or no token for reads of a public repository. */
function authenticate(token: string, isPrivate: boolean, record: GitHubRequest): void {
  const given = /^(?:token|Bearer) (.+)$/i.exec(record.headers.authorization ?? '')?.[1];
  if (given === undefined && isPrivate) throw notFound(DOCS);
  if (given === undefined && record.method !== 'GET') {
    throw new HttpError(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
  }
  if (given !== undefined && given !== token) {
    throw new HttpError(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
  }
}

interface Access {
  token: string;
  isPrivate: boolean;
  faults: Fault[];
}

/** Authentication, then an injected fault, then the endpoint: what GitHub answers this request. */
async function answerOf(repository: FakeRepository, access: Access, record: GitHubRequest): Promise<Answer> {
  try {
    authenticate(access.token, access.isPrivate, record);
    const fault = access.faults.find(
      (f) => f.left > 0 && f.method === record.method && f.path.test(record.path),
    );
    if (fault) {
      fault.left--;
      throw fault.answer();
    }
    return await repository.route(record.method, record.path, record.query, record.body ?? {});
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return [error.status, error.body, error.headers];
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = options.token ?? 'ghs_fake';
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'fleet';
  const repository = new FakeRepository(owner, repo, options.history, options.identity);
  const requests: GitHubRequest[] = [];
  const access: Access = { token, isPrivate: options.private !== false, faults: [] };
  const gitPath = new RegExp(`^/${owner}/${repo}(?:\\.git)?(?=/|$)`, 'i');

  const server = createServer((req, res) => {
    const { gitServer } = options;
    if (gitServer && gitPath.test(req.url ?? '/')) {
      req.url = (req.url ?? '/').replace(gitPath, `/${gitServer.path}`);
      forwardRequest(req, res, new URL(gitServer.url));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const inside = url.pathname.startsWith(`${basePath}/`);
      // GitHub Enterprise Server serves GraphQL beside its REST base: /api/graphql for /api/v3.
      const graphql = url.pathname === `${basePath.replace(/\/v3$/, '')}/graphql`;
      const record: GitHubRequest = {
        method: req.method ?? 'GET',
        path: graphql
          ? '/graphql'
          : inside
            ? url.pathname.slice(basePath.length)
            : `(outside ${basePath})${url.pathname}`,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: undefined,
        status: 0,
        at: performance.now(),
      };
      requests.push(record);
      const raw = Buffer.concat(chunks).toString('utf8');
      let answer: Answer;
      try {
        record.body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
        fake.onRequest?.(record);
        answer = await answerOf(repository, access, record);
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        answer = [400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' }];
      }
      const [status, json, headers] = answer;
      record.status = status;
      const text = JSON.stringify(json);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...rateHeaders(requests.length),
        ...headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  repository.apiUrl = `${origin}${basePath}`;
  repository.webUrl = origin;

  const fake: FakeGitHub = {
    apiUrl: repository.apiUrl,
    origin,
    token,
    owner,
    repo,
    requests,
    calls: (method, path) => requests.filter((r) => r.method === method && (!path || path.test(r.path))),
    sequence: () => requests.map(shortName),
    deployments: repository.deployments,
    commitStatuses: repository.commitStatuses,
    comments: (issue) => repository.comments.get(issue) ?? [],
    seedComments: (issue, bodies, user = 'octocat') => repository.seedComments(issue, bodies, user),
    deny: (permission) => repository.denied.add(permission),
    fail: (method, path, status, times = 1) =>
      access.faults.push({
        method,
        path,
        left: times,
        answer: () => new HttpError(status, serverError(status)),
      }),
    rateLimit: (method, path, kind, seconds) =>
      access.faults.push({ method, path, left: 1, answer: () => rateLimited(kind, seconds) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

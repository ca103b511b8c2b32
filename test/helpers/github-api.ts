// A fake of the few GitHub REST endpoints the action reports to, on 127.0.0.1, built to answer as
// api.github.com does: the same status codes, response shapes, headers (rate limit, request id, accepted
// permissions on a 403), validation errors, pagination Link headers (in GitHub's `/repositories/<id>/`
// form), 401 without the right token, and 403 bodies worded as GitHub words them. It keeps state
// (deployments and their statuses, commit statuses, issue comments), records every request, and can be
// told to refuse a permission or to fail the next calls of an endpoint.
//
// Endpoints: POST /repos/{o}/{r}/deployments, POST …/deployments/{id}/statuses, POST …/statuses/{sha},
// GET/POST …/issues/{n}/comments, PATCH …/issues/comments/{id}. Served under `basePath` ('' for
// api.github.com, '/api/v3' for GitHub Enterprise Server).
// Only erasable TypeScript here, like the other helpers.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
export type Permission = 'deployments' | 'statuses' | 'pull_requests';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; id: number; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
}

interface StoredDeployment {
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
}

export interface FakeGitHub {
  /** http://127.0.0.1:<port><basePath>: the GITHUB_API_URL to give the action. */
  apiUrl: string;
  /** http://127.0.0.1:<port> */
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

const DOCS = 'https://docs.github.com/rest';
const REPOSITORY_ID = 583_231;
const BOT = { login: 'github-actions[bot]', id: 41_898_282, type: 'Bot' as const };
const SHA = /^[0-9a-f]{40}$/;

type Answer = [number, unknown] | [number, unknown, Record<string, string>];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const notFound = (docs: string) =>
  new HttpError(404, { message: 'Not Found', documentation_url: docs, status: '404' });

function validationFailed(resource: string, field: string, message: string, docs: string): HttpError {
  return new HttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field, message }],
    documentation_url: docs,
    status: '422',
  });
}

function forbidden(permission: Permission, docs: string): HttpError {
  const accepted =
    permission === 'pull_requests' ? 'issues=write; pull_requests=write' : `${permission}=write`;
  return new HttpError(
    403,
    { message: 'Resource not accessible by integration', documentation_url: docs, status: '403' },
    { 'x-accepted-github-permissions': accepted },
  );
}

function rateLimited(kind: 'primary' | 'secondary', seconds: number): HttpError {
  if (kind === 'secondary') {
    return new HttpError(
      403,
      {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID F4KE:0.',
        documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        status: '403',
      },
      { 'retry-after': String(seconds) },
    );
  }
  return new HttpError(
    403,
    {
      message: 'API rate limit exceeded for installation ID 4242.',
      documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`,
      status: '403',
    },
    {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + seconds),
    },
  );
}

function statusBody(status: number): Record<string, unknown> {
  const message =
    status === 502
      ? 'Server Error'
      : status === 503
        ? 'Service Unavailable'
        : status === 500
          ? 'Server Error'
          : 'Error';
  return { message, documentation_url: DOCS, status: String(status) };
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = options.token ?? 'ghs_fake';
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'fleet';
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const requests: GitHubRequest[] = [];
  const denied = new Set<Permission>();
  const faults: Array<{ method: string; path: RegExp; left: number; answer: () => HttpError }> = [];
  const deployments: StoredDeployment[] = [];
  const commitStatuses: Array<Record<string, unknown>> = [];
  const comments = new Map<number, FakeComment[]>();
  let nextId = 1000;
  let origin = '';
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const repoUrl = () => `${origin}${basePath}/repos/${owner}/${repo}`;

  const need = (permission: Permission, docs: string) => {
    if (denied.has(permission)) throw forbidden(permission, docs);
  };

  const commentJson = (issue: number, c: FakeComment) => ({
    url: `${repoUrl()}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${c.id}`,
    issue_url: `${repoUrl()}/issues/${issue}`,
    id: c.id,
    node_id: `IC_${c.id}`,
    user: c.user,
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    body: c.body,
    reactions: { total_count: 0 },
    performed_via_github_app: null,
  });

  const deploymentJson = (d: StoredDeployment) => ({
    url: `${repoUrl()}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: BOT,
    created_at: d.created_at,
    updated_at: d.created_at,
    statuses_url: `${repoUrl()}/deployments/${d.id}/statuses`,
    repository_url: repoUrl(),
    transient_environment: d.transient,
    production_environment: d.production,
  });

  function createDeployment(body: Record<string, unknown>): [number, unknown] {
    const docs = `${DOCS}/deployments/deployments#create-a-deployment`;
    need('deployments', docs);
    const ref = body.ref;
    if (typeof ref !== 'string' || ref === '') {
      throw new HttpError(422, {
        message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
        documentation_url: docs,
        status: '422',
      });
    }
    if (body.auto_merge !== false && !SHA.test(ref)) {
      return [202, { message: `Auto-merged main into ${ref} on deployment.` }];
    }
    // Without required_contexts, GitHub requires every status context of the commit to be success.
    if (body.required_contexts === undefined) {
      const latest = new Map<string, string>();
      for (const s of commitStatuses) if (s.sha === ref) latest.set(String(s.context), String(s.state));
      if ([...latest.values()].some((state) => state !== 'success')) {
        throw new HttpError(409, {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          documentation_url: docs,
          status: '409',
        });
      }
    }
    const environment = typeof body.environment === 'string' ? body.environment : 'production';
    const d: StoredDeployment = {
      id: nextId++,
      ref,
      sha: SHA.test(ref) ? ref : 'f'.repeat(40),
      environment,
      description: typeof body.description === 'string' ? body.description : null,
      transient: body.transient_environment === true,
      production:
        typeof body.production_environment === 'boolean'
          ? body.production_environment
          : environment === 'production',
      created_at: now(),
      statuses: [],
    };
    deployments.push(d);
    return [201, deploymentJson(d)];
  }

  function createDeploymentStatus(id: number, body: Record<string, unknown>): [number, unknown] {
    const docs = `${DOCS}/deployments/statuses#create-a-deployment-status`;
    need('deployments', docs);
    const d = deployments.find((x) => x.id === id);
    if (!d) throw notFound(docs);
    const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
    if (!states.includes(String(body.state))) {
      throw validationFailed('DeploymentStatus', 'state', `state is not included in the list`, docs);
    }
    if (typeof body.description === 'string' && Array.from(body.description).length > 140) {
      throw validationFailed(
        'DeploymentStatus',
        'description',
        'description is too long (maximum is 140 characters)',
        docs,
      );
    }
    const statusId = nextId++;
    const status = {
      url: `${repoUrl()}/deployments/${id}/statuses/${statusId}`,
      id: statusId,
      node_id: `DES_${statusId}`,
      state: body.state,
      creator: BOT,
      description: body.description ?? '',
      environment: d.environment,
      target_url: body.log_url ?? '',
      log_url: body.log_url ?? '',
      environment_url: body.environment_url ?? '',
      created_at: now(),
      updated_at: now(),
      deployment_url: `${repoUrl()}/deployments/${id}`,
      repository_url: repoUrl(),
    };
    d.statuses.push(status);
    // As documented: prior non-transient, non-production deployments of the environment that succeeded.
    if (body.auto_inactive !== false) {
      for (const other of deployments) {
        const last = other.statuses.at(-1);
        if (
          other.id < id &&
          other.environment === d.environment &&
          !other.transient &&
          !other.production &&
          last?.state === 'success'
        ) {
          other.statuses.push({ ...last, id: nextId++, state: 'inactive', description: '' });
        }
      }
    }
    return [201, status];
  }

  function createCommitStatus(sha: string, body: Record<string, unknown>): [number, unknown] {
    const docs = `${DOCS}/commits/statuses#create-a-commit-status`;
    need('statuses', docs);
    if (!SHA.test(sha)) {
      throw new HttpError(422, {
        message: `No commit found for SHA: ${sha}`,
        documentation_url: docs,
        status: '422',
      });
    }
    if (!['error', 'failure', 'pending', 'success'].includes(String(body.state))) {
      throw validationFailed('Status', 'state', 'state is not included in the list', docs);
    }
    if (typeof body.description === 'string' && Array.from(body.description).length > 140) {
      throw validationFailed(
        'Status',
        'description',
        'description is too long (maximum is 140 characters)',
        docs,
      );
    }
    const status = {
      url: `${repoUrl()}/statuses/${sha}`,
      avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
      id: nextId,
      node_id: `SC_${nextId++}`,
      state: body.state,
      description: body.description ?? null,
      target_url: body.target_url ?? null,
      context: body.context ?? 'default',
      created_at: now(),
      updated_at: now(),
      creator: BOT,
      sha,
    };
    commitStatuses.push(status);
    return [201, status];
  }

  function listComments(
    issue: number,
    query: Record<string, string>,
  ): [number, unknown, Record<string, string>] {
    need('pull_requests', `${DOCS}/issues/comments#list-issue-comments`);
    const all = comments.get(issue) ?? [];
    const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
    const page = Math.max(Number(query.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(all.length / perPage), 1);
    const items = all.slice((page - 1) * perPage, page * perPage).map((c) => commentJson(issue, c));
    const link = (p: number, rel: string) =>
      `<${origin}${basePath}/repositories/${REPOSITORY_ID}/issues/${issue}/comments?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return [200, items, links.length ? { link: links.join(', ') } : {}];
  }

  function checkCommentBody(body: Record<string, unknown>, docs: string): string {
    if (typeof body.body !== 'string') {
      throw new HttpError(422, {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: docs,
        status: '422',
      });
    }
    if (Array.from(body.body).length > 65_536) {
      throw validationFailed('IssueComment', 'body', 'Body is too long (maximum is 65536 characters)', docs);
    }
    return body.body;
  }

  function createComment(issue: number, body: Record<string, unknown>): [number, unknown] {
    const docs = `${DOCS}/issues/comments#create-an-issue-comment`;
    need('pull_requests', docs);
    const text = checkCommentBody(body, docs);
    const c: FakeComment = { id: nextId++, body: text, user: BOT, created_at: now(), updated_at: now() };
    comments.set(issue, [...(comments.get(issue) ?? []), c]);
    return [201, commentJson(issue, c)];
  }

  function updateComment(id: number, body: Record<string, unknown>): [number, unknown] {
    const docs = `${DOCS}/issues/comments#update-an-issue-comment`;
    need('pull_requests', docs);
    for (const [issue, list] of comments) {
      const c = list.find((x) => x.id === id);
      if (!c) continue;
      c.body = checkCommentBody(body, docs);
      c.updated_at = now();
      return [200, commentJson(issue, c)];
    }
    throw notFound(docs);
  }

  type Handler = (m: RegExpExecArray, query: Record<string, string>, body: Record<string, unknown>) => Answer;
  function routes(): Array<[string, RegExp, Handler]> {
    const repoPath = `/repos/${owner}/${repo}`;
    // Link headers point at /repositories/<id>/…, which GitHub serves as well.
    const issueComments = new RegExp(
      `^(?:${repoPath}|/repositories/${REPOSITORY_ID})/issues/(\\d+)/comments$`,
    );
    return [
      ['POST', new RegExp(`^${repoPath}/deployments$`), (_m, _q, body) => createDeployment(body)],
      [
        'POST',
        new RegExp(`^${repoPath}/deployments/(\\d+)/statuses$`),
        (m, _q, body) => createDeploymentStatus(Number(m[1]), body),
      ],
      [
        'POST',
        new RegExp(`^${repoPath}/statuses/([^/]+)$`),
        (m, _q, body) => createCommitStatus(m[1]!, body),
      ],
      ['GET', issueComments, (m, query) => listComments(Number(m[1]), query)],
      ['POST', issueComments, (m, _q, body) => createComment(Number(m[1]), body)],
      [
        'PATCH',
        new RegExp(`^${repoPath}/issues/comments/(\\d+)$`),
        (m, _q, body) => updateComment(Number(m[1]), body),
      ],
    ];
  }

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown>,
  ): Answer {
    for (const [verb, pattern, handler] of routes()) {
      const m = verb === method ? pattern.exec(path) : null;
      if (m) return handler(m, query, body);
    }
    throw notFound(DOCS);
  }

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(5000 - requests.length),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-used': String(requests.length),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `F4KE:${requests.length.toString(16).toUpperCase()}`,
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...rateHeaders(),
      ...headers,
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const path = url.pathname.startsWith(`${basePath}/`)
        ? url.pathname.slice(basePath.length)
        : `(outside ${basePath})${url.pathname}`;
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      const record: GitHubRequest = {
        method,
        path,
        query,
        headers: req.headers,
        body: undefined,
        status: 0,
        at: performance.now(),
      };
      requests.push(record);
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        send(res, status, json, headers);
      };
      try {
        body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        answer(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
        return;
      }
      record.body = body;
      fake.onRequest?.(record);
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
        answer(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
        return;
      }
      const fault = faults.find((f) => f.left > 0 && f.method === method && f.path.test(path));
      if (fault) {
        fault.left--;
        const refusal = fault.answer();
        answer(refusal.status, refusal.body, refusal.headers);
        return;
      }
      try {
        const [status, json, headers] = route(method, path, query, body ?? {});
        answer(status, json, headers);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        answer(error.status, error.body, error.headers);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const shortName = (r: GitHubRequest): string => {
    if (r.path.endsWith('/deployments')) return `${r.method} deployment`;
    if (/\/deployments\/\d+\/statuses$/.test(r.path))
      return `${r.method} deployment status ${String(r.body?.state)}`;
    if (/\/statuses\/[^/]+$/.test(r.path)) return `${r.method} commit status ${String(r.body?.state)}`;
    if (/\/comments$/.test(r.path)) return `${r.method} comments`;
    if (/\/comments\/\d+$/.test(r.path)) return `${r.method} comment`;
    return `${r.method} ${r.path}`;
  };

  const fake: FakeGitHub = {
    apiUrl: `${origin}${basePath}`,
    origin,
    token,
    owner,
    repo,
    requests,
    calls: (method, path) => requests.filter((r) => r.method === method && (!path || path.test(r.path))),
    sequence: () => requests.map(shortName),
    deployments,
    commitStatuses,
    comments: (issue) => comments.get(issue) ?? [],
    seedComments(issue, bodies, user = 'octocat') {
      const author = user === BOT.login ? BOT : { login: user, id: 583_231, type: 'User' as const };
      const added = bodies.map((body) => ({
        id: nextId++,
        body,
        user: author,
        created_at: now(),
        updated_at: now(),
      }));
      comments.set(issue, [...(comments.get(issue) ?? []), ...added]);
    },
    deny: (permission) => denied.add(permission),
    fail: (method, path, status, times = 1) =>
      faults.push({ method, path, left: times, answer: () => new HttpError(status, statusBody(status)) }),
    rateLimit: (method, path, kind, seconds) =>
      faults.push({ method, path, left: 1, answer: () => rateLimited(kind, seconds) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

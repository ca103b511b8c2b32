// The state of one repository in the fake GitHub, and what each endpoint does to it, as api.github.com
// does: deployments and their statuses (auto_inactive, required_contexts), commit statuses, issue comments
// listed page by page, and the compare endpoint answered from a git history (github-api-compare.ts). Owner
// and repository name are read in any case, as GitHub reads them. Part of github-api.ts; only erasable
// TypeScript, like the other helpers.

import type { FakeComment, Permission, StoredDeployment } from './github-api.js';
import {
  type Answer,
  BOT,
  DOCS,
  forbidden,
  HttpError,
  notFound,
  REPOSITORY_ID,
  SHA,
  validationFailed,
} from './github-api-answers.js';
import { COMPARE_DOCS, compareCommits } from './github-api-compare.js';

type Body = Record<string, unknown>;
type Handler = (m: RegExpExecArray, query: Record<string, string>, body: Body) => Answer | Promise<Answer>;

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const COMMIT_STATES = ['error', 'failure', 'pending', 'success'];

function missing(field: string, docs: string): HttpError {
  return new HttpError(422, {
    message: `Invalid request.\n\n"${field}" wasn't supplied.`,
    documentation_url: docs,
    status: '422',
  });
}

function checkDescription(resource: string, body: Body, docs: string): void {
  if (typeof body.description === 'string' && Array.from(body.description).length > 140) {
    throw validationFailed(
      resource,
      'description',
      'description is too long (maximum is 140 characters)',
      docs,
    );
  }
}

export class FakeRepository {
  readonly deployments: StoredDeployment[] = [];
  readonly commitStatuses: Body[] = [];
  readonly comments = new Map<number, FakeComment[]>();
  readonly denied = new Set<Permission>();
  private nextId = 1000;
  private readonly owner: string;
  private readonly repo: string;
  /** Who the token is: the author of what it writes. */
  private readonly identity: FakeComment['user'];
  /** `http://127.0.0.1:<port><basePath>`, known once the server listens. */
  apiUrl = '';
  /** `http://127.0.0.1:<port>`: the web and git server, known once the server listens. */
  webUrl = '';
  private readonly history: string | undefined;

  /** `history`: the git directory whose commits the compare endpoint knows (none: it knows no commit). */
  constructor(owner: string, repo: string, history?: string, identity: FakeComment['user'] = BOT) {
    this.owner = owner;
    this.repo = repo;
    this.history = history;
    this.identity = identity;
  }

  private id(): number {
    return this.nextId++;
  }

  private repoUrl(): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}`;
  }

  private need(permission: Permission, docs: string): void {
    if (this.denied.has(permission)) throw forbidden(permission, docs);
  }

  /** The handler for a method and path (without the base path), or GitHub's 404. */
  route(method: string, path: string, query: Record<string, string>, body: Body): Answer | Promise<Answer> {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    if (path.toLowerCase().startsWith(`${repoPath.toLowerCase()}/`))
      path = repoPath + path.slice(repoPath.length);
    // Link headers point at /repositories/<id>/…, which GitHub serves as well.
    const issueComments = new RegExp(
      `^(?:${repoPath}|/repositories/${REPOSITORY_ID})/issues/(\\d+)/comments$`,
    );
    const routes: Array<[string, RegExp, Handler]> = [
      ['POST', new RegExp(`^${repoPath}/deployments$`), (_m, _q, b) => this.createDeployment(b)],
      [
        'POST',
        new RegExp(`^${repoPath}/deployments/(\\d+)/statuses$`),
        (m, _q, b) => this.createDeploymentStatus(Number(m[1]), b),
      ],
      ['POST', new RegExp(`^${repoPath}/statuses/([^/]+)$`), (m, _q, b) => this.createCommitStatus(m[1]!, b)],
      ['GET', issueComments, (m, q) => this.listComments(Number(m[1]), q)],
      ['POST', issueComments, (m, _q, b) => this.createComment(Number(m[1]), b)],
      [
        'PATCH',
        new RegExp(`^${repoPath}/issues/comments/(\\d+)$`),
        (m, _q, b) => this.updateComment(Number(m[1]), b),
      ],
      [
        'GET',
        new RegExp(`^${repoPath}/compare/([^/]+)$`),
        (m, q) => this.compare(decodeURIComponent(m[1]!), q),
      ],
      ['GET', /^\/user$/, () => this.authenticatedUser()],
      ['POST', /^\/graphql$/, (_m, _q, b) => this.graphql(b)],
    ];
    for (const [verb, pattern, handler] of routes) {
      const m = verb === method ? pattern.exec(path) : null;
      if (m) return handler(m, query, body);
    }
    throw notFound(DOCS);
  }

  createDeployment(body: Body): Answer {
    const docs = `${DOCS}/deployments/deployments#create-a-deployment`;
    this.need('deployments', docs);
    const ref = body.ref;
    if (typeof ref !== 'string' || ref === '') throw missing('ref', docs);
    if (body.auto_merge !== false && !SHA.test(ref)) {
      return [202, { message: `Auto-merged main into ${ref} on deployment.` }];
    }
    // Without required_contexts, GitHub requires every status context of the commit to be success.
    if (body.required_contexts === undefined) {
      const latest = new Map<string, string>();
      for (const s of this.commitStatuses) if (s.sha === ref) latest.set(String(s.context), String(s.state));
      if ([...latest.values()].some((state) => state !== 'success')) {
        throw new HttpError(409, {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          documentation_url: docs,
          status: '409',
        });
      }
    }
    const environment = typeof body.environment === 'string' ? body.environment : 'production';
    const production = body.production_environment;
    const d: StoredDeployment = {
      id: this.id(),
      ref,
      sha: SHA.test(ref) ? ref : 'f'.repeat(40),
      environment,
      description: typeof body.description === 'string' ? body.description : null,
      transient: body.transient_environment === true,
      production: typeof production === 'boolean' ? production : environment === 'production',
      created_at: now(),
      statuses: [],
    };
    this.deployments.push(d);
    return [201, this.deploymentJson(d)];
  }

  private deploymentJson(d: StoredDeployment): Body {
    return {
      url: `${this.repoUrl()}/deployments/${d.id}`,
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
      statuses_url: `${this.repoUrl()}/deployments/${d.id}/statuses`,
      repository_url: this.repoUrl(),
      transient_environment: d.transient,
      production_environment: d.production,
    };
  }

  createDeploymentStatus(id: number, body: Body): Answer {
    const docs = `${DOCS}/deployments/statuses#create-a-deployment-status`;
    this.need('deployments', docs);
    const d = this.deployments.find((x) => x.id === id);
    if (!d) throw notFound(docs);
    if (!DEPLOYMENT_STATES.includes(String(body.state))) {
      throw validationFailed('DeploymentStatus', 'state', 'state is not included in the list', docs);
    }
    checkDescription('DeploymentStatus', body, docs);
    const statusId = this.id();
    const status = {
      url: `${this.repoUrl()}/deployments/${id}/statuses/${statusId}`,
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
      deployment_url: `${this.repoUrl()}/deployments/${id}`,
      repository_url: this.repoUrl(),
    };
    d.statuses.push(status);
    if (body.auto_inactive !== false) this.deactivateBefore(d);
    return [201, status];
  }

  /** As documented: prior non-transient, non-production deployments of the environment that succeeded. */
  private deactivateBefore(d: StoredDeployment): void {
    for (const other of this.deployments) {
      const last = other.statuses.at(-1);
      const prior = other.id < d.id && other.environment === d.environment;
      if (prior && !other.transient && !other.production && last?.state === 'success') {
        other.statuses.push({ ...last, id: this.id(), state: 'inactive', description: '' });
      }
    }
  }

  createCommitStatus(sha: string, body: Body): Answer {
    const docs = `${DOCS}/commits/statuses#create-a-commit-status`;
    this.need('statuses', docs);
    if (!SHA.test(sha)) {
      throw new HttpError(422, {
        message: `No commit found for SHA: ${sha}`,
        documentation_url: docs,
        status: '422',
      });
    }
    if (!COMMIT_STATES.includes(String(body.state))) {
      throw validationFailed('Status', 'state', 'state is not included in the list', docs);
    }
    checkDescription('Status', body, docs);
    const id = this.id();
    const status = {
      url: `${this.repoUrl()}/statuses/${sha}`,
      avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
      id,
      node_id: `SC_${id}`,
      state: body.state,
      description: body.description ?? null,
      target_url: body.target_url ?? null,
      context: body.context ?? 'default',
      created_at: now(),
      updated_at: now(),
      creator: BOT,
      sha,
    };
    this.commitStatuses.push(status);
    return [201, status];
  }

  compare(range: string, query: Record<string, string>): Promise<Answer> {
    this.need('contents', COMPARE_DOCS);
    if (this.history === undefined) throw notFound(COMPARE_DOCS);
    const site = { api: this.apiUrl, web: this.webUrl, fullName: `${this.owner}/${this.repo}` };
    return compareCommits(this.history, site, range, query);
  }

  listComments(issue: number, query: Record<string, string>): Answer {
    this.need('pull_requests', `${DOCS}/issues/comments#list-issue-comments`);
    const all = this.comments.get(issue) ?? [];
    const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
    const page = Math.max(Number(query.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(all.length / perPage), 1);
    const items = all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(issue, c));
    const link = (p: number, rel: string) =>
      `<${this.apiUrl}/repositories/${REPOSITORY_ID}/issues/${issue}/comments?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return [200, items, links.length ? { link: links.join(', ') } : {}];
  }

  createComment(issue: number, body: Body): Answer {
    const docs = `${DOCS}/issues/comments#create-an-issue-comment`;
    this.need('pull_requests', docs);
    const text = commentText(body, docs);
    const c: FakeComment = {
      id: this.id(),
      body: text,
      user: this.identity,
      created_at: now(),
      updated_at: now(),
    };
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), c]);
    return [201, this.commentJson(issue, c)];
  }

  updateComment(id: number, body: Body): Answer {
    const docs = `${DOCS}/issues/comments#update-an-issue-comment`;
    this.need('pull_requests', docs);
    for (const [issue, list] of this.comments) {
      const c = list.find((x) => x.id === id);
      if (!c) continue;
      c.body = commentText(body, docs);
      c.updated_at = now();
      return [200, this.commentJson(issue, c)];
    }
    throw notFound(docs);
  }

  /** GET /user: a person's token gets its user; an app's installation token (the job's) gets 403. */
  authenticatedUser(): Answer {
    const docs = `${DOCS}/users/users#get-the-authenticated-user`;
    if (this.identity.type === 'Bot') {
      throw new HttpError(403, {
        message: 'Resource not accessible by integration',
        documentation_url: docs,
        status: '403',
      });
    }
    return [200, { login: this.identity.login, id: this.identity.id, type: 'User' }];
  }

  /** GraphQL, as far as `viewer { login }`: the bot's login carries its `[bot]` suffix. */
  graphql(body: Body): Answer {
    if (typeof body.query === 'string' && /\bviewer\s*\{\s*login\s*\}/.test(body.query)) {
      return [200, { data: { viewer: { login: this.identity.login } } }];
    }
    return [200, { errors: [{ message: 'the fake answers only viewer { login }' }] }];
  }

  /** Comments by someone else (or by `user`). */
  seedComments(issue: number, bodies: string[], user: string): void {
    const author =
      user === BOT.login
        ? BOT
        : user === this.identity.login
          ? this.identity
          : { login: user, id: 583_231, type: 'User' as const };
    const added = bodies.map((body) => ({
      id: this.id(),
      body,
      user: author,
      created_at: now(),
      updated_at: now(),
    }));
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), ...added]);
  }

  private commentJson(issue: number, c: FakeComment): Body {
    return {
      url: `${this.repoUrl()}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${issue}#issuecomment-${c.id}`,
      issue_url: `${this.repoUrl()}/issues/${issue}`,
      id: c.id,
      node_id: `IC_${c.id}`,
      user: c.user,
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      body: c.body,
      reactions: { total_count: 0 },
      performed_via_github_app: null,
    };
  }
}

function commentText(body: Body, docs: string): string {
  if (typeof body.body !== 'string') throw missing('body', docs);
  if (Array.from(body.body).length > 65_536) {
    throw validationFailed('IssueComment', 'body', 'Body is too long (maximum is 65536 characters)', docs);
  }
  return body.body;
}

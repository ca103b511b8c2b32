// GitHub Actions' OIDC, as a loopback stand-in: issuers (discovery document and JWKS, as
// token.actions.githubusercontent.com serves them) and the runner's token endpoint (what
// ACTIONS_ID_TOKEN_REQUEST_URL points at: GET with `&audience=`, bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN,
// answer `{"value": "<jwt>"}`), minting tokens with GitHub's claim names. Served over HTTP or HTTPS alike.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type SigningKey, signJwt } from './jwt.js';

/** The workflow run a token stands for. */
export interface GitHubRun {
  repository: string;
  ref: string;
  sha: string;
  /** The workflow's name. */
  workflow: string;
  /** The workflow file under .github/workflows/. */
  workflowFile: string;
  eventName: string;
  actor: string;
}

export const DEFAULT_RUN: GitHubRun = {
  repository: 'org/fleet',
  ref: 'refs/heads/main',
  sha: '2f1b1f7a9c3d4e5f60718293a4b5c6d7e8f90a1b',
  workflow: 'deploy',
  workflowFile: 'deploy.yml',
  eventName: 'push',
  actor: 'octocat',
};

/**
 * The claims GitHub puts in a workflow's token (docs: "About security hardening with OpenID Connect"):
 * valid from 10 minutes before issue to 5 minutes after, as GitHub's example token is.
 */
export function githubClaims(
  issuer: string,
  audience: string,
  run: GitHubRun,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  const [owner = ''] = run.repository.split('/');
  const workflowRef = `${run.repository}/.github/workflows/${run.workflowFile}@${run.ref}`;
  return {
    jti: randomUUID(),
    sub: `repo:${run.repository}:ref:${run.ref}`,
    aud: audience,
    ref: run.ref,
    sha: run.sha,
    repository: run.repository,
    repository_owner: owner,
    repository_owner_id: '1024',
    repository_id: '4096',
    repository_visibility: 'private',
    run_id: '8000000001',
    run_number: '42',
    run_attempt: '1',
    actor: run.actor,
    actor_id: '583231',
    workflow: run.workflow,
    workflow_ref: workflowRef,
    workflow_sha: run.sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: run.sha,
    head_ref: '',
    base_ref: '',
    event_name: run.eventName,
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'false',
    runner_environment: 'github-hosted',
    iss: issuer,
    nbf: nowSeconds - 600,
    exp: nowSeconds + 300,
    iat: nowSeconds,
  };
}

/** token.actions.githubusercontent.com's discovery document, for `issuer`. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  };
}

/** An issuer this server serves under `/<name>`: its URL is the server's origin + `/<name>`. */
export interface IssuerRoute {
  name: string;
  key: SigningKey;
}

/** What a token endpoint under `/runner/<name>/idtoken` mints: tokens naming `issuer`, signed with `key`. */
export interface TokenSource {
  name: string;
  /** The issuer route whose URL the tokens carry in `iss`. */
  issuer: string;
  /** The key that signs them: the issuer's own, or another (a forged token). */
  key: SigningKey;
  run?: GitHubRun;
}

export interface GitHubOidcRoutes {
  issuers: IssuerRoute[];
  sources: TokenSource[];
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN: the token endpoint answers 401 without it. */
  requestToken: string;
}

export const issuerUrl = (origin: string, name: string): string => `${origin}/${name}`;

/** ACTIONS_ID_TOKEN_REQUEST_URL of a source: like GitHub's, it carries a query that `&audience=` extends. */
export const tokenRequestUrl = (origin: string, source: string): string =>
  `${origin}/runner/${source}/idtoken?api-version=2.0`;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function mint(origin: string, source: TokenSource, url: URL): string {
  const run = source.run ?? DEFAULT_RUN;
  // Without an audience GitHub's tokens name the repository owner's URL.
  const audience = url.searchParams.get('audience') ?? `https://github.com/${run.repository.split('/')[0]}`;
  return signJwt(githubClaims(issuerUrl(origin, source.issuer), audience, run), source.key);
}

/** The request handler for `routes`; `origin` is the server's own `scheme://host:port`. */
export function githubOidcHandler(
  routes: GitHubOidcRoutes,
  origin: () => string,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    if (req.method !== 'GET') return json(res, 405, { message: 'GET only' });
    const token = /^\/runner\/([a-z-]+)\/idtoken$/.exec(url.pathname);
    const source = token && routes.sources.find((s) => s.name === token[1]);
    if (source) {
      if (req.headers.authorization !== `Bearer ${routes.requestToken}`)
        return json(res, 401, { message: 'Bad credentials' });
      return json(res, 200, { value: mint(origin(), source, url) });
    }
    const wellKnown = /^\/([a-z-]+)\/\.well-known\/(openid-configuration|jwks)$/.exec(url.pathname);
    const issuer = wellKnown && routes.issuers.find((i) => i.name === wellKnown[1]);
    if (issuer) {
      return wellKnown[2] === 'jwks'
        ? json(res, 200, { keys: [issuer.key.publicJwk] })
        : json(res, 200, discoveryDocument(issuerUrl(origin(), issuer.name)));
    }
    json(res, 404, { message: 'Not Found' });
  };
}

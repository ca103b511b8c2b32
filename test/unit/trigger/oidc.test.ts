// generic-oidc through the step's own code: the job's token asked of a loopback stand-in for the runner's
// token endpoint (through @actions/core's real client) and masked, the bearer request a loopback stand-in
// for the receiver server sees, and each refusal explained in notification-controller's words (the words
// are checked against the real controller in test/e2e/lab-programs.test.ts and the e2e scenario).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/base/deadline.js';
import { redact } from '../../../src/base/secrets.js';
import { triggerReceiver } from '../../../src/commands/receiver.js';
import { RECEIVER } from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { readConfig } from '../../../src/inputs/read.js';
import type { Config } from '../../../src/inputs/types.js';
import { explainOidcRefusal, tokenClaims } from '../../../src/trigger/oidc-refusal.js';
import { jobOidcToken } from '../../../src/trigger/oidc-token.js';
import type { ReceiverTrigger } from '../../../src/trigger/receiver.js';
import { findReceiverByPath } from '../../../src/trigger/receiver-lookup.js';
import { DEFAULT_RUN, githubOidcHandler, tokenRequestUrl } from '../../helpers/github-oidc.js';
import { decodeJwt, newSigningKey } from '../../helpers/jwt.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';

const DIGEST = 'ab43c6d0b908b2f55a668bf7ef598d4478853745f92415ad19a500ecf41a357c';
const REQUEST_TOKEN = 'runner-request-token-7d1e';
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

const servers: Server[] = [];
async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The runner's token endpoint (and an issuer, for the `iss` it names), GitHub's way. */
async function tokenEndpoint(): Promise<{ url: string; issuer: string }> {
  const key = await newSigningKey();
  let origin = '';
  origin = await listen(
    githubOidcHandler(
      {
        issuers: [{ name: 'github', key }],
        sources: [{ name: 'job', issuer: 'github', key }],
        requestToken: REQUEST_TOKEN,
      },
      () => origin,
    ),
  );
  return { url: tokenRequestUrl(origin, 'job'), issuer: `${origin}/github` };
}

/** The receiver server: records each request and answers `status`, with no body, as notification-controller. */
async function receiverServer(status: number): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const origin = await listen((req, res) => {
    seen.push(req.headers);
    req.resume().on('end', () => res.writeHead(status).end());
  });
  return { url: `${origin}/hook/${DIGEST}`, seen };
}

function oidcConfig(url: string, audience?: string): Config {
  const inputs: Record<string, string> = {
    trigger: 'receiver',
    'receiver-type': 'generic-oidc',
    'receiver-url': url,
    'oidc-audience': audience ?? '',
    install: 'false',
  };
  return readConfig(
    (name) => inputs[name] ?? '',
    () => {},
  );
}

const limits = () => ({ deadline: Deadline.after(30_000), cancelled: new AbortController().signal });

let runner: RunnerEnv;
beforeEach(async () => {
  runner = await fakeRunner();
});
afterEach(async () => {
  await runner.restore();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("the job's OIDC token", () => {
  it('without id-token: write, says so and shows the permissions block', async () => {
    const error = await jobOidcToken('notification-controller').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('no ACTIONS_ID_TOKEN_REQUEST_URL');
    expect((error as Error).message).toContain('permissions:\n  id-token: write');
  });

  it('is asked for the audience through the runner client, and masked before anything is logged', async () => {
    const endpoint = await tokenEndpoint();
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = endpoint.url;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
    const token = await jobOidcToken('fleet-prod');
    expect(decodeJwt(token).claims).toMatchObject({
      iss: endpoint.issuer,
      aud: 'fleet-prod',
      repository: DEFAULT_RUN.repository,
    });
    expect(runner.masks()).toContain(token);
    expect(redact(`sent ${token}`)).toBe('sent ***');
  });

  it('says what the runner answered when it refuses, on one line', async () => {
    const endpoint = await tokenEndpoint();
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = endpoint.url;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'not-the-request-token';
    const error = await jobOidcToken('notification-controller').catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /^The runner gave no OIDC token for the audience 'notification-controller': .*401/,
    );
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('trigger: receiver with generic-oidc', () => {
  it('sends the token as a bearer, and never logs it', async () => {
    const endpoint = await tokenEndpoint();
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = endpoint.url;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
    const receiver = await receiverServer(200);
    const config = oidcConfig(receiver.url);
    const answer = await triggerReceiver(config, config.trigger as ReceiverTrigger, limits());
    expect(answer.status).toBe(200);
    const bearer = /^Bearer (.+)$/.exec(receiver.seen[0]?.authorization ?? '')?.[1] ?? '';
    expect(decodeJwt(bearer).claims.aud).toBe('notification-controller');
    expect(runner.masks()).toContain(bearer);
    expect(runner.visibleOutput()).not.toMatch(JWT);
    expect(runner.visibleOutput()).toContain("with the job's OIDC token (audience notification-controller)");
  });

  it('without id-token: write, fails before any request', async () => {
    const receiver = await receiverServer(200);
    const config = oidcConfig(receiver.url);
    const error = await triggerReceiver(config, config.trigger as ReceiverTrigger, limits()).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toContain('id-token: write');
    expect(receiver.seen).toHaveLength(0);
  });

  it('a refusal without cluster access names every check with the token’s values, never the token', async () => {
    const endpoint = await tokenEndpoint();
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = endpoint.url;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
    const receiver = await receiverServer(400);
    const config = oidcConfig(receiver.url, 'fleet-prod');
    const error = await triggerReceiver(config, config.trigger as ReceiverTrigger, limits()).catch(
      (e: Error) => e,
    );
    const message = (error as Error).message;
    expect(message).toMatch(
      /^The Receiver at http:\/\/127\.0\.0\.1:\d+\/hook\/\*\*\* did not take the request/,
    );
    expect(message).toContain(`no oidcProvider configured for issuer "${endpoint.issuer}"`);
    expect(message).toContain('oidc: expected audience "X" got ["fleet-prod"]');
    expect(message).toContain('token validation failed');
    expect(message).toContain(`repository "${DEFAULT_RUN.repository}"`);
    expect(message).not.toMatch(JWT);
    expect(message).not.toContain(DIGEST);
  });
});

const ISSUER = 'https://token.actions.githubusercontent.com';
const claims = {
  iss: ISSUER,
  aud: 'notification-controller',
  sub: 'repo:org/fleet:ref:refs/heads/main',
  repository: 'org/fleet',
  ref: 'refs/heads/main',
};

function receiverObject(spec: Record<string, unknown>): FluxObject {
  return {
    metadata: { name: 'deploy', namespace: 'flux-system' },
    spec,
    status: { webhookPath: `/hook/${DIGEST}` },
  };
}

const provider = (extra: Record<string, unknown> = {}) => ({
  type: 'generic-oidc',
  oidcProviders: [
    {
      issuerURL: ISSUER,
      validations: [{ expression: "claims.repository == 'org/other'", message: 'only org/other may deploy' }],
      ...extra,
    },
  ],
});

describe('a refusal explained from the Receiver', () => {
  it('an issuer it does not list', () => {
    const text = explainOidcRefusal(
      { ...claims, iss: 'https://gitea.example.com' },
      receiverObject(provider()),
    );
    expect(text).toBe(
      `notification-controller: no oidcProvider configured for issuer "https://gitea.example.com". Receiver flux-system/deploy trusts "${ISSUER}"; this job's tokens come from "https://gitea.example.com": add an oidcProviders entry with that issuerURL to the Receiver.`,
    );
  });

  it('another audience, the default one when the provider names none', () => {
    expect(explainOidcRefusal(claims, receiverObject(provider({ audience: 'fleet-prod' })))).toMatch(
      /^notification-controller: failed to verify OIDC token: oidc: expected audience "fleet-prod" got \["notification-controller"\]\. Set oidc-audience: fleet-prod in the workflow/,
    );
    expect(explainOidcRefusal({ ...claims, aud: ['fleet-prod'] }, receiverObject(provider()))).toContain(
      'expected audience "notification-controller" got ["fleet-prod"]',
    );
  });

  it('a validation: its message, its expression and the claims it read', () => {
    expect(explainOidcRefusal(claims, receiverObject(provider()))).toMatch(
      /^notification-controller: token validation failed: only org\/other may deploy\. Receiver flux-system\/deploy: its validation `claims\.repository == 'org\/other'` refused this job's token \(repository "org\/fleet", ref "refs\/heads\/main", sub "repo:org\/fleet:ref:refs\/heads\/main"\)/,
    );
    const two = provider({
      validations: [
        { expression: "claims.ref == 'refs/heads/main'", message: 'main only' },
        { expression: "claims.repository_owner == 'org'", message: 'org only' },
      ],
    });
    expect(explainOidcRefusal(claims, receiverObject(two))).toContain(
      'token validation failed: main only; org only (one or more of these)',
    );
  });

  it('a Receiver of another type', () => {
    const hmac = receiverObject({ type: 'generic-hmac', secretRef: { name: 'token' } });
    expect(explainOidcRefusal(claims, hmac)).toBe(
      'Receiver flux-system/deploy is of type generic-hmac, not generic-oidc: notification-controller refused the request ("unable to validate HMAC signature"). Set receiver-type: generic-hmac and receiver-secret to the token in its secretRef, or make the Receiver generic-oidc.',
    );
  });

  it("passes the cluster's text through the sanitiser: one line, no runner command", () => {
    const hostile = provider({
      validations: [{ expression: 'false', message: 'no\n::error::injected\u001b[31m' }],
    });
    const text = explainOidcRefusal(claims, receiverObject(hostile));
    expect(text).not.toContain('\n');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('no ::error::injected');
  });

  it('reads the claims of a token, and nothing of what is no token', () => {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(tokenClaims(`e30.${payload}.sig`)).toEqual(claims);
    expect(tokenClaims('not a token')).toEqual({});
  });
});

describe('the Receiver behind a URL', () => {
  it('is found by its webhook path where the run looks, then in all namespaces, past a denial', async () => {
    const asked: string[] = [];
    const other = receiverObject(provider());
    other.status = { webhookPath: `/hook/${'0'.repeat(64)}` };
    const api = {
      list: async (kind: typeof RECEIVER, namespace: string) => {
        expect(kind).toBe(RECEIVER);
        asked.push(namespace);
        if (namespace === 'apps') throw new Error('receivers.notification.toolkit.fluxcd.io is forbidden');
        return {
          items: namespace === '' ? [other, receiverObject(provider())] : [other],
          resourceVersion: '1',
        };
      },
    };
    const found = await findReceiverByPath(api, `/hook/${DIGEST}`, ['flux-system', 'apps', 'flux-system']);
    expect(found?.metadata.name).toBe('deploy');
    expect(asked).toEqual(['flux-system', 'apps', '']);
    expect(await findReceiverByPath(api, '/hook/none', ['flux-system'])).toBeUndefined();
  });
});

// The Receiver client: how each type is signed (against GitHub's published test vector and by re-checking the
// signature the way go-github's ValidateSignature does), what each answer means, and that neither the token
// nor the URL's digest ever shows in a message. The real notification-controller checks it in the e2e suite.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/base/deadline.js';
import { redact } from '../../../src/base/secrets.js';
import { maskReceiverSecrets, pushFacts, triggerReceiver } from '../../../src/commands/receiver.js';
import {
  checkTriggerFits,
  maskReceiverUrl,
  parseTrigger,
  type TriggerInput,
} from '../../../src/inputs/trigger.js';
import type { Config, ConfigError } from '../../../src/inputs/types.js';
import {
  explainAnswer,
  postToReceiver,
  type ReceiverTrigger,
  receiverRequest,
  signature,
} from '../../../src/trigger/receiver.js';

const DIGEST = 'ab43c6d0b908b2f55a668bf7ef598d4478853745f92415ad19a500ecf41a357c';
const SECRET = 'receiver-s3cret-token';
const push = {
  commit: '0123456789abcdef0123456789abcdef01234567',
  ref: 'refs/heads/main',
  repository: 'acme/fleet',
};
const trigger = (
  type: ReceiverTrigger['type'],
  url = `https://hooks.example.com/hook/${DIGEST}`,
): ReceiverTrigger => ({
  kind: 'receiver',
  url,
  secret: SECRET,
  type,
  audience: 'notification-controller',
});

/** go-github's ValidateSignature: `<hash>=<hex>`, the HMAC of the exact body bytes, compared in constant time. */
function validates(header: string | undefined, body: string, secret: string): boolean {
  const [prefix, hex] = (header ?? '').split('=', 2);
  if (prefix !== 'sha256' || !hex) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('signing', () => {
  it("matches GitHub's published example of X-Hub-Signature-256", () => {
    // docs.github.com, "Validating webhook deliveries": secret and payload as given there.
    expect(signature('Hello, World!', "It's a Secret to Everybody")).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('signs generic-hmac in X-Signature and github in X-Hub-Signature-256 with a push event, over the body sent', () => {
    const hmac = receiverRequest(trigger('generic-hmac'), push);
    expect(validates(hmac.headers['X-Signature'], hmac.body, SECRET)).toBe(true);
    expect(validates(hmac.headers['X-Signature'], hmac.body, 'another-token')).toBe(false);
    expect(hmac.headers['X-Hub-Signature-256']).toBeUndefined();

    const github = receiverRequest(trigger('github'), push);
    expect(github.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' });
    expect(validates(github.headers['X-Hub-Signature-256'], github.body, SECRET)).toBe(true);
    expect(JSON.parse(github.body)).toMatchObject({
      ref: 'refs/heads/main',
      after: push.commit,
      head_commit: { id: push.commit },
      repository: { full_name: 'acme/fleet' },
    });
  });

  it('names the expected revision in the push when it is a commit, else the workflow commit', () => {
    const env = {
      GITHUB_SHA: 'f'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REPOSITORY: 'acme/fleet',
    };
    expect(pushFacts(push.commit, env)).toMatchObject({ commit: push.commit, ref: 'refs/heads/main' });
    expect(pushFacts('v1.2.3', env).commit).toBe('f'.repeat(40));
    expect(pushFacts('', env).commit).toBe('f'.repeat(40));
  });

  it('sends generic unsigned, and never puts the token in a header or the body', () => {
    const generic = receiverRequest(trigger('generic'), push);
    expect(Object.keys(generic.headers)).toEqual(['Content-Type', 'User-Agent']);
    for (const type of ['generic', 'generic-hmac', 'github'] as const) {
      const request = receiverRequest(trigger(type), push);
      expect(JSON.stringify(request.headers) + request.body).not.toContain(SECRET);
    }
  });
});

describe('secrets', () => {
  it('registers the token and the digest with the one masking function, so GitHub bodies and outputs lose them too', () => {
    const token = 'receiver-token-for-redaction-6e1';
    const digest = 'c'.repeat(64);
    maskReceiverSecrets({ ...trigger('github', `https://hooks.example.com/hook/${digest}`), secret: token });
    expect(redact(`signed with ${token} for ${digest}`)).toBe('signed with *** for ***');
  });
});

describe('answers', () => {
  it('says what each notification-controller answer means', () => {
    expect(explainAnswer(200, 'github')).toContain('accepted');
    expect(explainAnswer(400, 'generic-hmac')).toMatch(/signature did not match.*receiver-secret/);
    expect(explainAnswer(400, 'github')).toContain("spec.events, if set, include 'push'");
    expect(explainAnswer(400, 'generic')).toMatch(/unsigned request.*set receiver-type/);
    expect(explainAnswer(404, 'generic')).toContain('status.webhookPath');
    expect(explainAnswer(503, 'generic')).toContain('suspended or not Ready');
    expect(explainAnswer(401, 'generic')).toContain('HTTP 401, which notification-controller does not send');
  });
});

describe('posting', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function server(status: number): Promise<{ url: string; seen: IncomingMessage[]; bodies: string[] }> {
    const seen: IncomingMessage[] = [];
    const bodies: string[] = [];
    const srv = createServer((req, res) => {
      seen.push(req);
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => srv.close(() => resolve()));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook/${DIGEST}`, seen, bodies };
  }

  it('POSTs the signed body and reads the status', async () => {
    const { url, seen, bodies } = await server(200);
    const request = receiverRequest(trigger('generic-hmac', url), push);
    const answer = await postToReceiver(request, 'generic-hmac', { timeoutMs: 5_000 });
    expect(answer).toMatchObject({ status: 200, ok: true });
    expect(seen[0]?.method).toBe('POST');
    expect(validates(seen[0]?.headers['x-signature'] as string, bodies[0] ?? '', SECRET)).toBe(true);
  });

  it('posts within a timeout under 30 s: the time left on the step is a fraction of a millisecond', async () => {
    const { url, seen } = await server(200);
    // main.ts counts the step from the process's start, which performance.timeOrigin gives with a fraction
    // of a millisecond; this one starts now (a busy machine may take seconds to reach this test), with one.
    const deadline = Deadline.after(10_000, Date.now() + 0.25);
    const config = { reconcile: { revision: push.commit } } as Config;
    const limits = { deadline, cancelled: new AbortController().signal };
    const answer = await triggerReceiver(config, trigger('generic', url), limits);
    expect(answer).toMatchObject({ status: 200, ok: true });
    expect(seen).toHaveLength(1);
  });

  it('reports a refusal as not ok, with its meaning', async () => {
    const { url } = await server(400);
    const answer = await postToReceiver(receiverRequest(trigger('github', url), push), 'github', {
      timeoutMs: 5_000,
    });
    expect(answer).toMatchObject({ status: 400, ok: false });
  });

  it('never shows user info of the URL in a failure, whatever the network layer quotes', async () => {
    const url = `http://flux:pa55word@127.0.0.1:9/hook/${DIGEST}`;
    const error = await postToReceiver(receiverRequest(trigger('generic', url), push), 'generic', {
      timeoutMs: 5_000,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('Could not reach the Receiver');
    expect((error as Error).message).not.toContain('pa55word');
  });

  it('fails fast when nothing listens, without the digest in the message', async () => {
    const { url } = await server(200);
    await close?.();
    close = undefined;
    const error = await postToReceiver(receiverRequest(trigger('generic', url), push), 'generic', {
      timeoutMs: 5_000,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /Could not reach the Receiver at http:\/\/127\.0\.0\.1:\d+\/hook\/\*\*\*: ECONNREFUSED/,
    );
    expect((error as Error).message).not.toContain(DIGEST);
  });
});

describe('inputs', () => {
  const defaults: Record<TriggerInput, string> = {
    trigger: 'patch',
    'receiver-type': 'generic',
    'receiver-url': '',
    'receiver-secret': '',
    'allow-insecure-receiver': 'false',
    'oidc-audience': 'notification-controller',
  };
  const inputs = (values: Partial<Record<TriggerInput, string>>) => (name: TriggerInput) =>
    values[name] ?? defaults[name];
  const errorOf = (values: Partial<Record<TriggerInput, string>>): ConfigError => {
    try {
      parseTrigger(inputs(values));
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('no error');
  };

  it('reads a receiver trigger', () => {
    expect(parseTrigger(inputs({}))).toEqual({ kind: 'patch' });
    expect(
      parseTrigger(
        inputs({
          trigger: 'receiver',
          'receiver-type': 'GitHub',
          'receiver-url': `https://hooks.example.com/flux/hook/${DIGEST}`,
          'receiver-secret': SECRET,
        }),
      ),
    ).toEqual({
      kind: 'receiver',
      type: 'github',
      url: `https://hooks.example.com/flux/hook/${DIGEST}`,
      secret: SECRET,
      audience: 'notification-controller',
    });
  });

  it('refuses a URL that is no webhook, never showing its digest', () => {
    for (const url of [
      `ftp://hooks.example.com/hook/${DIGEST}`,
      `https://hooks.example.com/hooks/${DIGEST}`,
      `https://hooks.example.com/hook/${DIGEST}?x=1`,
      'not a url',
    ]) {
      const error = errorOf({ trigger: 'receiver', 'receiver-url': url });
      expect(error.inputs).toEqual(['receiver-url']);
      expect(error.message).not.toContain(DIGEST);
    }
    expect(errorOf({ trigger: 'receiver' }).message).toContain("'receiver-url' is required");
    expect(maskReceiverUrl(`https://user:pw@hooks.example.com/hook/${DIGEST}`)).toBe(
      'https://***@hooks.example.com/hook/***',
    );
  });

  it('refuses user info in the URL, which nothing sends, without showing it', () => {
    for (const url of [
      `https://flux:pa55word@hooks.example.com/hook/${DIGEST}`,
      `http://pa55word@127.0.0.1:9292/hook/${DIGEST}`,
    ]) {
      const error = errorOf({ trigger: 'receiver', 'receiver-url': url });
      expect(error.inputs).toEqual(['receiver-url']);
      expect(error.message).toContain('user info');
      expect(error.message).not.toContain('pa55word');
      expect(error.message).not.toContain(DIGEST);
    }
  });

  it('takes plain http on the runner itself (loopback), or elsewhere only with allow-insecure-receiver', () => {
    const at = (host: string) => `http://${host}/hook/${DIGEST}`;
    for (const host of ['127.0.0.1:9292', 'localhost:9292', '[::1]:9292']) {
      expect(parseTrigger(inputs({ trigger: 'receiver', 'receiver-url': at(host) }))).toMatchObject({
        url: at(host),
      });
    }
    const error = errorOf({ trigger: 'receiver', 'receiver-url': at('flux-webhook.example.com') });
    expect(error.inputs).toEqual(['receiver-url']);
    expect(error.message).toBe(
      "Input 'receiver-url' is plain http ('http://flux-webhook.example.com/hook/***'): the webhook path is as good as a password, and anyone on the network path could read it. Use https, or set allow-insecure-receiver: true for a receiver server that only speaks http.",
    );
    expect(
      parseTrigger(
        inputs({
          trigger: 'receiver',
          'receiver-url': at('flux-webhook.example.com'),
          'allow-insecure-receiver': 'true',
        }),
      ),
    ).toMatchObject({ url: at('flux-webhook.example.com') });
  });

  it('needs the secret for the signed types, and a known type', () => {
    const url = `https://hooks.example.com/hook/${DIGEST}`;
    expect(errorOf({ trigger: 'receiver', 'receiver-url': url, 'receiver-type': 'github' }).inputs).toEqual([
      'receiver-secret',
    ]);
    expect(
      errorOf({ trigger: 'receiver', 'receiver-url': url, 'receiver-type': 'gitlab' }).message,
    ).toContain('generic, generic-hmac, github, generic-oidc');
    expect(errorOf({ trigger: 'webhook' }).inputs).toEqual(['trigger']);
  });

  it('generic-oidc: no secret (the input named, its value never shown), an audience of one word', () => {
    const url = `https://hooks.example.com/hook/${DIGEST}`;
    const oidc = { trigger: 'receiver', 'receiver-url': url, 'receiver-type': 'generic-oidc' };
    expect(parseTrigger(inputs(oidc))).toEqual({
      kind: 'receiver',
      type: 'generic-oidc',
      url,
      secret: '',
      audience: 'notification-controller',
    });
    expect(parseTrigger(inputs({ ...oidc, 'oidc-audience': ' fleet-prod ' }))).toMatchObject({
      audience: 'fleet-prod',
    });
    const secret = errorOf({ ...oidc, 'receiver-secret': SECRET });
    expect(secret.inputs).toEqual(['receiver-secret']);
    expect(secret.message).toMatch(/must be empty with receiver-type: generic-oidc.*id-token: write/);
    expect(secret.message).not.toContain(SECRET);
    for (const audience of ['', 'two words', 'a\nb']) {
      const error = errorOf({ ...oidc, 'oidc-audience': audience });
      expect(error.inputs).toEqual(['oidc-audience']);
      expect(error.message).toContain("must be the audience the Receiver's oidcProviders entry expects");
    }
    const otherType = errorOf({
      trigger: 'receiver',
      'receiver-url': url,
      'receiver-type': 'generic',
      'oidc-audience': 'fleet-prod',
    });
    expect(otherType.inputs).toEqual(['oidc-audience']);
    expect(otherType.message).toContain('for receiver-type: generic-oidc only');
  });

  it('asks for a revision when it waits, and refuses commands other than reconcile', () => {
    const config = (reconcile: Partial<Config['reconcile']>) =>
      ({
        trigger: trigger('generic'),
        reconcile: { command: 'reconcile', resources: [], all: false, revision: '', ...reconcile },
      }) as unknown as Config;
    expect(() => checkTriggerFits(config({}))).not.toThrow();
    expect(() => checkTriggerFits(config({ all: true }))).toThrow(/'revision' is required/);
    expect(() => checkTriggerFits(config({ all: true, revision: push.commit }))).not.toThrow();
    expect(() => checkTriggerFits(config({ command: 'wait' }))).toThrow(/command: reconcile/);
  });
});

// Asks for a reconcile through a Flux Receiver: one signed POST to its webhook, which notification-controller
// answers by setting reconcile.fluxcd.io/requestedAt on the Receiver's resources. The job needs no write
// access to the cluster. The rules are notification-controller v1.9.3's (internal/server/receiver_handlers.go):
// - the path /hook/<sha256(token+name+namespace)> finds the Receiver (404 when none has it; 503 when it is
//   suspended or not Ready);
// - generic: nothing else is checked; generic-hmac: `X-Signature: <hash>=<hex HMAC of the body>` keyed with
//   the token (sha1, sha256 or sha512); github: go-github's ValidatePayload (Content-Type application/json,
//   `X-Hub-Signature-256: sha256=<hex HMAC>`), and `X-GitHub-Event` must be among spec.events when listed;
//   generic-oidc (no secretRef: the path is salted with an empty token): `Authorization: Bearer <OIDC token>`,
//   verified against spec.oidcProviders (internal/server/receiver_oidc.go; oidc-refusal.ts explains refusals);
// - a failed check answers 400 (not 401), with an empty body; 500 when a resource could not be annotated;
//   200 once every resource is annotated.
import { createHmac, randomUUID } from 'node:crypto';
import { timerDelay } from '../base/deadline.js';
import { hideUrlCredentials } from '../base/url-credentials.js';
import { maskReceiverUrl } from '../inputs/trigger.js';
import type { ReceiverType, TriggerConfig } from '../inputs/types.js';

export type ReceiverTrigger = Extract<TriggerConfig, { kind: 'receiver' }>;

/** What the push was, from the workflow's environment: a github Receiver's CEL filters may read it. */
export interface PushFacts {
  /** The commit the push brought (the `revision` input, else GITHUB_SHA). */
  commit: string;
  /** `refs/heads/main` (GITHUB_REF). */
  ref?: string;
  /** `owner/name` (GITHUB_REPOSITORY). */
  repository?: string;
  serverUrl?: string;
}

export interface ReceiverRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A push event body in GitHub's shape, as far as a Receiver's resource filter may look at it. */
export function pushPayload(push: PushFacts): object {
  const html = push.repository ? `${push.serverUrl ?? 'https://github.com'}/${push.repository}` : undefined;
  return {
    ref: push.ref ?? '',
    after: push.commit,
    head_commit: { id: push.commit },
    repository: push.repository ? { full_name: push.repository, html_url: html } : undefined,
    sender: { login: 'flux-reconcile' },
  };
}

/** `sha256=<hex>`: the HMAC of the body keyed with the Receiver's token, as both signed types expect it. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const SIGNED_HEADER: Record<ReceiverType, string | undefined> = {
  generic: undefined,
  'generic-hmac': 'X-Signature',
  github: 'X-Hub-Signature-256',
  'generic-oidc': undefined,
};

/** The request the Receiver's type expects: signed with its token, or carrying the job's OIDC token. */
export function receiverRequest(
  trigger: ReceiverTrigger,
  push: PushFacts,
  oidcToken?: string,
): ReceiverRequest {
  const body = JSON.stringify(pushPayload(push));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'flux-reconcile',
  };
  const signed = SIGNED_HEADER[trigger.type];
  if (signed) headers[signed] = signature(body, trigger.secret);
  if (trigger.type === 'github') {
    headers['X-GitHub-Event'] = 'push';
    headers['X-GitHub-Delivery'] = randomUUID();
  }
  if (trigger.type === 'generic-oidc') {
    if (!oidcToken) throw new Error('a generic-oidc Receiver takes the job’s OIDC token, and none was given');
    headers.Authorization = `Bearer ${oidcToken}`;
  }
  return { url: trigger.url, headers, body };
}

export interface ReceiverAnswer {
  status: number;
  ok: boolean;
  /** What the status means for this Receiver type, and what to check. */
  explanation: string;
}

/** notification-controller's answers, and what each most likely means. */
export function explainAnswer(status: number, type: ReceiverType): string {
  switch (status) {
    case 200:
      return 'the Receiver accepted the request and asked for a reconcile of its resources';
    case 400:
      if (type === 'generic-oidc')
        return "the Receiver refused the job's OIDC token (HTTP 400): its issuer, audience or a validation did not match the Receiver's spec.oidcProviders, or the Receiver is not generic-oidc; notification-controller's log says which";
      return type === 'generic'
        ? 'the Receiver refused the unsigned request (HTTP 400): its spec.type is likely one that checks a signature; set receiver-type to it and receiver-secret to the token in its secretRef'
        : `the Receiver refused the request (HTTP 400): the signature did not match, or the request was not the kind it expects. Check that receiver-secret is the token in the Receiver's secretRef and receiver-type is its spec.type (${type} now)${type === 'github' ? ", and that its spec.events, if set, include 'push'" : ''}; notification-controller's log says which`;
    case 404:
      return "no Receiver has this webhook path (HTTP 404): check receiver-url against the Receiver's status.webhookPath (it changes when the token, name or namespace does)";
    case 503:
      return 'the Receiver is suspended or not Ready (HTTP 503): `flux get receivers` shows why';
    case 500:
      return "the Receiver could not request a reconcile of some of its resources (HTTP 500): notification-controller's log names them";
    default:
      return `the receiver answered HTTP ${status}, which notification-controller does not send: is receiver-url its receiver server (or a proxy in front of it)?`;
  }
}

/** The HTTP status of a network failure's useful part: fetch hides it in `cause`. */
function networkWords(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** POSTs the request; resolves with the answer, throws (URL masked) when nothing answers. */
export async function postToReceiver(
  request: ReceiverRequest,
  type: ReceiverType,
  options: { timeoutMs: number; fetchImpl?: typeof fetch },
): Promise<ReceiverAnswer> {
  const send = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await send(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A webhook answers itself; a redirect would turn the POST into a GET elsewhere.
      redirect: 'manual',
      signal: AbortSignal.timeout(timerDelay(options.timeoutMs)),
    });
  } catch (error) {
    // What the network layer says may quote the URL: its digest masked, its user info hidden.
    const words = hideUrlCredentials(maskReceiverUrl(networkWords(error)));
    throw new Error(
      `Could not reach the Receiver at ${maskReceiverUrl(request.url)}: ${words}. Check receiver-url (the receiver server's address, reachable from this runner).`,
    );
  }
  // notification-controller's answers have no body; whatever a proxy sends is not read (nor shown).
  await response.body?.cancel();
  return {
    status: response.status,
    ok: response.status === 200,
    explanation: explainAnswer(response.status, type),
  };
}

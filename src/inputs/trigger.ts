// The `trigger` input and the Receiver inputs that go with it. A Receiver's URL holds its token's digest,
// which is as good as a password (anyone who has it may trigger the Receiver): no message shows it.
import { hideUserInfo } from '../base/url-credentials.js';
import { commandSpec } from './commands.js';
import { isInsecureHttp, parseBoolean } from './flags.js';
import { quoteInput } from './resources.js';
import { type Config, ConfigError, type ReceiverType, type TriggerConfig } from './types.js';

export const RECEIVER_TYPES: readonly ReceiverType[] = ['generic', 'generic-hmac', 'github', 'generic-oidc'];
/** A generic-oidc Receiver's audience when its provider names none (notification-controller's api/v1). */
export const DEFAULT_OIDC_AUDIENCE = 'notification-controller';
const TRIGGERS = ['patch', 'receiver'] as const;

/** notification-controller's webhook path: `/hook/` and the sha256 of token + name + namespace. */
const WEBHOOK_PATH = /\/hook\/([0-9a-f]{64})$/;

/** The URL with its digest replaced, for messages and logs. */
export function maskReceiverUrl(url: string): string {
  return hideUserInfo(url.replace(/\/hook\/[^/?#]*/, '/hook/***'));
}

export type TriggerInput =
  | 'trigger'
  | 'receiver-url'
  | 'receiver-secret'
  | 'receiver-type'
  | 'allow-insecure-receiver'
  | 'oidc-audience';

function parseReceiverUrl(value: string, allowInsecure: boolean): string {
  const example =
    'the Receiver’s URL: the receiver server’s address and its status.webhookPath, like https://flux-webhook.example.com/hook/<64 hex>';
  if (value === '') {
    throw new ConfigError(
      'receiver-url',
      `Input 'receiver-url' is required with trigger: receiver; give ${example}.`,
    );
  }
  const shown = quoteInput(maskReceiverUrl(value));
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('receiver-url', `Input 'receiver-url' must be ${example}; got ${shown}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      'receiver-url',
      `Input 'receiver-url' must be an http(s) URL, ${example}; got ${shown}.`,
    );
  }
  // fetch refuses a URL with user info, and quotes it whole in its error: refused here, and never shown.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      'receiver-url',
      `Input 'receiver-url' must have no user info (user:password@): a Receiver checks only its webhook path and the signature, and nothing sends user info; got ${shown}.`,
    );
  }
  // The path is the Receiver's secret digest: over plain http anyone on the way reads it.
  if (isInsecureHttp(url, allowInsecure)) {
    throw new ConfigError(
      'receiver-url',
      `Input 'receiver-url' is plain http (${shown}): the webhook path is as good as a password, and anyone on the network path could read it. Use https, or set allow-insecure-receiver: true for a receiver server that only speaks http.`,
    );
  }
  if (url.search !== '' || url.hash !== '' || !WEBHOOK_PATH.test(url.pathname)) {
    throw new ConfigError(
      'receiver-url',
      `Input 'receiver-url' must end with the Receiver's webhook path /hook/<64 hex> (kubectl get receiver NAME -o jsonpath='{.status.webhookPath}'), with no query; got ${shown}.`,
    );
  }
  return value;
}

/** What a Receiver of this type needs in receiver-secret: its token (signed types), nothing (generic-oidc). */
function checkSecret(type: ReceiverType, secret: string): void {
  if (type === 'generic-oidc' && secret !== '') {
    throw new ConfigError(
      'receiver-secret',
      "Input 'receiver-secret' must be empty with receiver-type: generic-oidc: that Receiver has no secretRef, and the request carries the job's own OIDC token instead (the job needs permissions: id-token: write). Remove receiver-secret.",
    );
  }
  if (type !== 'generic' && type !== 'generic-oidc' && secret === '') {
    throw new ConfigError(
      'receiver-secret',
      `Input 'receiver-secret' is required with receiver-type: ${type}: it signs the request; give the token of the Receiver's secretRef, from a secret (e.g. \${{ secrets.FLUX_RECEIVER_TOKEN }}).`,
    );
  }
}

/** The audience of the job's OIDC token: generic-oidc's only; one word, as the Receiver's `audience` is. */
function parseAudience(type: ReceiverType, text: string): string {
  const audience = text.trim();
  if (type !== 'generic-oidc') {
    if (audience === DEFAULT_OIDC_AUDIENCE || audience === '') return DEFAULT_OIDC_AUDIENCE;
    throw new ConfigError(
      'oidc-audience',
      `Input 'oidc-audience' is for receiver-type: generic-oidc only (it is the audience of the job's OIDC token); receiver-type is ${type}. Remove oidc-audience, or set receiver-type: generic-oidc.`,
    );
  }
  if (audience === '' || /[\s\p{Cc}]/u.test(audience) || audience.length > 255) {
    throw new ConfigError(
      'oidc-audience',
      `Input 'oidc-audience' must be the audience the Receiver's oidcProviders entry expects (its spec.oidcProviders[].audience; ${DEFAULT_OIDC_AUDIENCE} when it names none), one word; got ${quoteInput(text)}.`,
    );
  }
  return audience;
}

/** The trigger inputs; `read` gives an input's value or its default. */
export function parseTrigger(read: (name: TriggerInput) => string): TriggerConfig {
  const [triggerText, typeText, urlText, secret, insecureText, audienceText] = [
    read('trigger'),
    read('receiver-type'),
    read('receiver-url'),
    read('receiver-secret'),
    read('allow-insecure-receiver'),
    read('oidc-audience'),
  ];
  const trigger = TRIGGERS.find((t) => t === triggerText.toLowerCase());
  if (!trigger) {
    throw new ConfigError(
      'trigger',
      `Input 'trigger' must be patch (annotate the objects through the Kubernetes API) or receiver (POST to a Flux Receiver's webhook); got ${quoteInput(triggerText)}.`,
    );
  }
  if (trigger === 'patch') return { kind: 'patch' };
  const type = RECEIVER_TYPES.find((t) => t === typeText.toLowerCase());
  if (!type) {
    throw new ConfigError(
      'receiver-type',
      `Input 'receiver-type' must be the Receiver's spec.type, one of ${RECEIVER_TYPES.join(', ')}; got ${quoteInput(typeText)}.`,
    );
  }
  const url = parseReceiverUrl(urlText, parseBoolean('allow-insecure-receiver', insecureText));
  checkSecret(type, secret);
  return { kind: 'receiver', url, secret, type, audience: parseAudience(type, audienceText) };
}

/** What the trigger asks of the other inputs: a Receiver only requests a reconcile, and is judged by revision. */
export function checkTriggerFits(config: Config): void {
  if (config.trigger.kind !== 'receiver') return;
  const r = config.reconcile;
  if (!commandSpec(r.command).triggerable) {
    throw new ConfigError(
      ['trigger', 'command'],
      `Input 'trigger: receiver' asks a Receiver for a reconcile, which command '${r.command}' does not do; use command: reconcile (the default), or trigger: patch.`,
    );
  }
  const watching = r.resources.length > 0 || r.all;
  if (watching && r.revision === '') {
    throw new ConfigError(
      ['trigger', 'revision'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression the person can paste
      "Input 'revision' is required when trigger: receiver waits for 'resources': a webhook returns no request token to follow, so only the revision shows that the objects took in the push; set revision: ${{ github.sha }}, or name no resources to trigger only.",
    );
  }
}

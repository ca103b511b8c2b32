// Why a generic-oidc Receiver refused the job's token. notification-controller answers every refusal with
// HTTP 400 and an empty body, and writes the reason to its log only (internal/server/receiver_oidc.go of
// v1.9.3). The step knows the token it sent and, when it may read the cluster, the Receiver: from the two
// it names the check that failed in the controller's own words, and what to change.
import { oneLine } from '../base/text.js';
import type { FluxObject } from '../flux/types.js';
import { DEFAULT_OIDC_AUDIENCE } from '../inputs/trigger.js';

/** A token's claims, unverified (it is the step's own token: only read to explain a refusal); {} if unreadable. */
export function tokenClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A value from the token or the cluster, through the sanitiser onto one line. */
const text = (value: unknown): string => oneLine(String(value ?? ''));
/** The same, quoted as Go's %q shows it in the controller's log. */
const quoted = (value: unknown): string => JSON.stringify(text(value));

const audiences = (aud: unknown): string[] =>
  (Array.isArray(aud) ? aud : aud === undefined ? [] : [aud]).map((a) => String(a));

/** What identifies the workflow run in the token, for a person to compare with the Receiver's validations. */
function identity(claims: Record<string, unknown>): string {
  return ['repository', 'ref', 'sub']
    .filter((name) => claims[name] !== undefined)
    .map((name) => `${name} ${quoted(claims[name])}`)
    .join(', ');
}

interface OidcProviderSpec {
  issuerURL?: unknown;
  audience?: unknown;
  validations?: { expression?: unknown; message?: unknown }[];
}

// What the controller says when a request without a signature reaches a Receiver of another type.
const OTHER_TYPE_WORDS: Record<string, string> = {
  'generic-hmac': 'unable to validate HMAC signature',
  github: 'the GitHub signature header is invalid',
  gitlab: 'the X-Gitlab-Token header value does not match the receiver token',
};

/** Without the Receiver: each refusal in the controller's words, with the token's values filled in. */
function explainBlind(claims: Record<string, unknown>): string {
  const aud = audiences(claims.aud);
  return [
    `the Receiver refused the job's OIDC token (HTTP 400). The token: iss ${quoted(claims.iss)}, aud ${quoted(aud.join(','))}, ${identity(claims)}.`,
    "notification-controller's log names the check that failed:",
    `"no oidcProvider configured for issuer ${quoted(claims.iss)}": add that issuerURL to the Receiver's spec.oidcProviders;`,
    `"oidc: expected audience "X" got [${aud.map(quoted).join(' ')}]": set oidc-audience to X (or the provider's audience to ${quoted(aud[0])});`,
    '"token validation failed: <message>": a validation refused these claims: change it, or run the workflow where it allows;',
    `"unable to validate HMAC signature" (or another type's refusal): the Receiver is not generic-oidc: set receiver-type to its spec.type.`,
    'A kubeconfig that may read Receivers lets this step say which.',
  ].join(' ');
}

/** With the Receiver read from the cluster: the one check that failed, and the fix. */
export function explainOidcRefusal(claims: Record<string, unknown>, receiver?: FluxObject): string {
  if (!receiver) return explainBlind(claims);
  const where = `Receiver ${text(receiver.metadata.namespace)}/${text(receiver.metadata.name)}`;
  const spec = (receiver.spec ?? {}) as { type?: unknown; oidcProviders?: OidcProviderSpec[] };
  const type = text(spec.type);
  if (type !== 'generic-oidc') {
    const words = OTHER_TYPE_WORDS[type] ?? 'unable to validate payload';
    return `${where} is of type ${type}, not generic-oidc: notification-controller refused the request ("${words}"). Set receiver-type: ${type} and receiver-secret to the token in its secretRef, or make the Receiver generic-oidc.`;
  }
  const providers = spec.oidcProviders ?? [];
  const provider = providers.find((p) => p.issuerURL === claims.iss);
  if (!provider) {
    const listed = providers.map((p) => quoted(p.issuerURL)).join(', ') || 'none';
    return `notification-controller: no oidcProvider configured for issuer ${quoted(claims.iss)}. ${where} trusts ${listed}; this job's tokens come from ${quoted(claims.iss)}: add an oidcProviders entry with that issuerURL to the Receiver.`;
  }
  const expected =
    typeof provider.audience === 'string' && provider.audience ? provider.audience : DEFAULT_OIDC_AUDIENCE;
  const aud = audiences(claims.aud);
  if (!aud.includes(expected)) {
    return `notification-controller: failed to verify OIDC token: oidc: expected audience ${quoted(expected)} got [${aud.map(quoted).join(' ')}]. Set oidc-audience: ${text(expected)} in the workflow, or the audience of ${where}'s provider for ${quoted(claims.iss)} to ${quoted(aud[0])}.`;
  }
  const validations = provider.validations ?? [];
  const messages = validations.map((v) => text(v.message)).join('; ');
  const expressions = validations.map((v) => `\`${text(v.expression)}\``).join(', ');
  const which =
    validations.length === 1
      ? `its validation ${expressions}`
      : `one or more of its validations (${expressions})`;
  return `notification-controller: token validation failed: ${messages}${validations.length > 1 ? ' (one or more of these)' : ''}. ${where}: ${which} refused this job's token (${identity(claims)}): run the workflow where the Receiver allows, or change the validation. If the controller's log says "failed to verify OIDC token" instead, it could not check the token's signature with the keys of ${quoted(claims.iss)}.`;
}

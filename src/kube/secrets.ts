// Every secret value in a kubeconfig is registered with the runner's mask before anything is logged.
// The runner masks per line, so a multi-line value (a PEM key) is registered line by line as well as whole.
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import type { RawKubeconfig, RawUser } from './kubeconfig-types.js';

const registered = new Set<string>();

// Lines that are the same in every PEM file: masking them would only blank out harmless text.
const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/** Registers a secret with the runner (and with `redact`): the whole value and each of its lines. */
export function maskSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const candidates = [value, value.trim(), ...value.split(/\r?\n/).map((line) => line.trim())];
  for (const candidate of candidates) {
    if (candidate.length === 0 || PEM_ARMOR.test(candidate) || registered.has(candidate)) continue;
    registered.add(candidate);
    core.setSecret(candidate);
  }
}

/** Replaces every registered secret in text by `***`, for text that leaves the log (summary, outputs). */
export function redact(text: string): string {
  let out = text;
  // Longest first, so that a secret containing another is replaced whole.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return out;
}

/** For tests: what has been registered so far. */
export function registeredSecrets(): ReadonlySet<string> {
  return registered;
}

function decodeBase64(value: string): string | undefined {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return decoded.length > 0 ? decoded : undefined;
}

function readQuietly(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // A file that cannot be read is reported by the client when it needs it; nothing to mask here.
    return undefined;
  }
}

// auth-provider config keys that hold credentials (oidc, gcp, azure legacy providers).
const SECRET_CONFIG_KEY = /token|secret|password|key/i;

/**
 * Exec plugins take credentials through env (AWS_SECRET_ACCESS_KEY, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET),
 * but also settings such as USE_GKE_GCLOUD_AUTH_PLUGIN=True or AWS_REGION: masking "True" would blank
 * that word across the whole log. Every value is masked except very short ones under harmless names.
 */
const SECRET_ENV_NAME = /secret|token|password|passwd|key|credential/i;
const MIN_UNNAMED_SECRET_LENGTH = 6;

function isSecretEnv(name: unknown, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  return (
    (typeof name === 'string' && SECRET_ENV_NAME.test(name)) || value.length >= MIN_UNNAMED_SECRET_LENGTH
  );
}

function userSecrets(user: RawUser): (string | undefined)[] {
  const values: (string | undefined)[] = [user.token, user.password, readQuietly(user['token-file'])];
  for (const dataKey of ['client-key-data', 'client-certificate-data'] as const) {
    const data = user[dataKey];
    if (typeof data === 'string') values.push(data, decodeBase64(data));
  }
  values.push(readQuietly(user['client-key']));
  const providerConfig = user['auth-provider']?.config ?? {};
  for (const [key, value] of Object.entries(providerConfig)) {
    if (SECRET_CONFIG_KEY.test(key) && typeof value === 'string') values.push(value);
  }
  for (const entry of user.exec?.env ?? []) {
    if (isSecretEnv(entry?.name, entry?.value)) values.push(entry?.value);
  }
  return values;
}

/** The password of a URL with user info (a proxy-url, or a server URL), decoded. */
function urlPassword(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.password ? decodeURIComponent(url.password) : undefined;
  } catch {
    return undefined;
  }
}

/** Registers every secret value of a parsed kubeconfig: users' credentials, proxy and server passwords. */
export function maskKubeconfigSecrets(config: RawKubeconfig): void {
  for (const entry of config.users ?? []) {
    if (entry?.user) for (const value of userSecrets(entry.user)) maskSecret(value);
  }
  for (const entry of config.clusters ?? []) {
    for (const url of [entry?.cluster?.['proxy-url'], entry?.cluster?.server]) {
      const password = urlPassword(typeof url === 'string' ? url : undefined);
      if (password) {
        maskSecret(password);
        maskSecret(encodeURIComponent(password));
      }
    }
  }
}

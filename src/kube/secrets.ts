// Every secret value in a kubeconfig is registered with the runner's mask before anything is logged.
// The runner masks per line, so a multi-line value (a PEM key) is registered line by line as well as whole.
import { readFileSync } from 'node:fs';
import { type Document, isScalar } from 'yaml';
import { maskSecret } from '../base/secrets.js';
import type { RawKubeconfig, RawUser } from './kubeconfig/types.js';

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
 * Exec plugins take credentials through env (AWS_SECRET_ACCESS_KEY, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET)
 * and settings (AWS_PROFILE=default, AWS_REGION=eu-west-1, USE_GKE_GCLOUD_AUTH_PLUGIN=True). A mask lasts
 * for the whole job and blanks the value wherever it appears, so masking `default` or a region would
 * blank that word across every later step: only values whose names say they are secret are masked.
 */
const SECRET_ENV_NAME = /secret|token|passw|pwd|key|credential|private/i;
// Names that look secret but hold settings or paths (the file holds the secret, its name does not).
const HARMLESS_ENV_NAMES = new Set([
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AZURE_FEDERATED_TOKEN_FILE',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'KUBECONFIG',
  'HOME',
  'PATH',
]);

/** Whether an exec plugin's env value is a secret, judged by its name. */
export function isSecretEnv(name: unknown, value: unknown): boolean {
  if (typeof value !== 'string' || value === '' || typeof name !== 'string') return false;
  const upper = name.toUpperCase();
  if (HARMLESS_ENV_NAMES.has(upper) || /_(FILE|PATH|DIR)$/.test(upper)) return false;
  return SECRET_ENV_NAME.test(name);
}

/**
 * The values of an exec plugin's arguments whose flag says they are secret: `--token X`, `--password=X`,
 * `--client-secret X` (kubelogin, custom scripts). Flags naming a file or directory hold a path.
 */
export function secretArgs(args: unknown): string[] {
  if (!Array.isArray(args)) return [];
  const values: string[] = [];
  args.forEach((arg, i) => {
    const flag = typeof arg === 'string' ? /^--?([A-Za-z0-9_.-]+)(?:=(.*))?$/s.exec(arg) : null;
    if (!flag?.[1] || /[-_](file|path|dir)$/i.test(flag[1]) || !SECRET_ENV_NAME.test(flag[1])) return;
    const value = flag[2] ?? args[i + 1];
    if (typeof value === 'string' && value !== '' && !(flag[2] === undefined && value.startsWith('-')))
      values.push(value);
  });
  return values;
}

function userSecrets(user: RawUser): unknown[] {
  const values: unknown[] = [user.token, user.password, readQuietly(user['token-file'])];
  for (const dataKey of ['client-key-data', 'client-certificate-data'] as const) {
    const data = user[dataKey];
    if (typeof data === 'string') values.push(data, decodeBase64(data));
  }
  values.push(readQuietly(user['client-key']));
  const providerConfig = user['auth-provider']?.config ?? {};
  for (const [key, value] of Object.entries(providerConfig)) {
    if (SECRET_CONFIG_KEY.test(key)) values.push(value);
  }
  for (const entry of user.exec?.env ?? []) {
    if (isSecretEnv(entry?.name, entry?.value)) values.push(entry?.value);
  }
  values.push(...secretArgs(user.exec?.args));
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

/**
 * A credential YAML reads as a number is written otherwise (`0123456789`, `1e3`): the text as written is
 * what kubectl sends and what a log may quote.
 */
function writtenForms(doc: Document, users: number): string[] {
  const forms: string[] = [];
  for (let i = 0; i < users; i++) {
    for (const key of ['token', 'password']) {
      const node = doc.getIn(['users', i, 'user', key], true);
      if (isScalar(node) && typeof node.value !== 'string' && typeof node.source === 'string')
        forms.push(node.source);
    }
  }
  return forms;
}

/**
 * Registers every secret value of a parsed kubeconfig: users' credentials, proxy and server passwords;
 * with the document it came from, also the written form of a credential YAML reads as a number.
 */
export function maskKubeconfigSecrets(config: RawKubeconfig, doc?: Document): void {
  for (const entry of config.users ?? []) {
    if (entry?.user) for (const value of userSecrets(entry.user)) maskSecret(value);
  }
  if (doc) for (const form of writtenForms(doc, config.users?.length ?? 0)) maskSecret(form);
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

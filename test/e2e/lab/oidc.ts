// GitHub Actions' OIDC on loopback, for `generic-oidc` Receivers: one HTTPS server (the lab CA's certificate,
// which notification-controller trusts through SSL_CERT_FILE) serving two issuers with RSA keys made at
// start, and the runner's token endpoint. `trusted` is the issuer a Receiver lists; `untrusted` is a
// working issuer with keys of its own that no Receiver lists; `forged` tokens name the trusted issuer but
// are signed with the untrusted issuer's key.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_RUN,
  type GitHubRun,
  githubOidcHandler,
  issuerUrl,
  tokenRequestUrl,
} from '../../helpers/github-oidc.js';
import { newSigningKey } from '../../helpers/jwt.js';
import type { Pem } from '../../helpers/pki.js';
import { closeServer } from './git-server.js';

export const OIDC_TOKEN_SOURCES = ['trusted', 'untrusted', 'forged'] as const;
export type OidcTokenSource = (typeof OIDC_TOKEN_SOURCES)[number];

export interface OidcInfo {
  /** Issuer URLs (`https://127.0.0.1:<port>/<name>`); a Receiver's oidcProviders list `trusted`. */
  issuers: { trusted: string; untrusted: string };
  /** ACTIONS_ID_TOKEN_REQUEST_URL per kind of token the runner's stand-in mints. */
  tokenRequestUrls: Record<OidcTokenSource, string>;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  tokenRequestToken: string;
  /** The workflow run every token stands for (claims repository, ref, sha, workflow...). */
  run: GitHubRun;
  /** The lab CA that signed the server's certificate (NODE_EXTRA_CA_CERTS for a step that asks for a token). */
  caFile: string;
}

export async function startOidcServer(
  tls: Pem,
  caFile: string,
): Promise<{ info: OidcInfo; stop(): Promise<void> }> {
  const [trustedKey, untrustedKey] = await Promise.all([newSigningKey(), newSigningKey()]);
  const requestToken = randomBytes(24).toString('hex');
  let origin = '';
  const handler = githubOidcHandler(
    {
      issuers: [
        { name: 'trusted', key: trustedKey },
        { name: 'untrusted', key: untrustedKey },
      ],
      sources: [
        { name: 'trusted', issuer: 'trusted', key: trustedKey },
        { name: 'untrusted', issuer: 'untrusted', key: untrustedKey },
        { name: 'forged', issuer: 'trusted', key: untrustedKey },
      ],
      requestToken,
    },
    () => origin,
  );
  const server = createServer({ cert: tls.cert, key: tls.key }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokenRequestUrls = Object.fromEntries(
    OIDC_TOKEN_SOURCES.map((source) => [source, tokenRequestUrl(origin, source)]),
  ) as Record<OidcTokenSource, string>;
  return {
    info: {
      issuers: { trusted: issuerUrl(origin, 'trusted'), untrusted: issuerUrl(origin, 'untrusted') },
      tokenRequestUrls,
      tokenRequestToken: requestToken,
      run: DEFAULT_RUN,
      caFile,
    },
    stop: () => closeServer(server),
  };
}

function requireOidc(info: OidcInfo | undefined): OidcInfo {
  if (!info) throw new Error('this lab runs no OIDC issuers (they come with notification-controller)');
  return info;
}

/** A step's environment in a job with `permissions: id-token: write`, its tokens minted from `source`. */
export function oidcRunnerEnv(info: OidcInfo | undefined, source: OidcTokenSource): Record<string, string> {
  const oidc = requireOidc(info);
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.tokenRequestUrls[source],
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.tokenRequestToken,
    NODE_EXTRA_CA_CERTS: oidc.caFile,
  };
}

/** A token from `source` for `audience` (GitHub's default audience when none), asked as the runner's toolkit does. */
export async function requestOidcToken(
  info: OidcInfo | undefined,
  source: OidcTokenSource,
  audience?: string,
): Promise<string> {
  const oidc = requireOidc(info);
  const url = `${oidc.tokenRequestUrls[source]}${audience === undefined ? '' : `&audience=${encodeURIComponent(audience)}`}`;
  const ca = await readFile(oidc.caFile);
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpsGet(
      url,
      { ca, headers: { Authorization: `Bearer ${oidc.tokenRequestToken}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(new Error(`token endpoint: HTTP ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
  });
  return (JSON.parse(body) as { value: string }).value;
}

// RS256 JSON Web Tokens with node's own crypto, for the OIDC issuers the tests stand up: a key pair with its
// public JWK, compact signing, and decoding (no verification: the controller under test verifies).
import { createHash, generateKeyPair, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';

const newRsaKeyPair = promisify(generateKeyPair);

export interface SigningKey {
  /** The key id in the token header and the JWKS: the RFC 7638 thumbprint of the public key. */
  kid: string;
  privateKey: KeyObject;
  /** What the issuer's JWKS lists for it. */
  publicJwk: JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' };
}

/** A fresh 2048-bit RSA key, as an issuer makes at start. */
export async function newSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await newRsaKeyPair('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  return { kid: thumbprint, privateKey, publicJwk: { ...jwk, kid: thumbprint, alg: 'RS256', use: 'sig' } };
}

const segment = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The compact JWT of `claims`, signed RS256 with `key`. */
export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const signingInput = `${segment({ typ: 'JWT', alg: 'RS256', kid: key.kid })}.${segment(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** The header and claims of a compact JWT, unverified. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [header, claims] = token.split('.');
  if (!header || !claims) throw new Error('not a compact JWT');
  const parse = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: parse(header), claims: parse(claims) };
}

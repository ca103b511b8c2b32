// The unit tests' certificates for their HTTPS servers (test/helpers/pki.ts makes them): a CA, servers for
// 127.0.0.1 and for a name only, a client, and a CA the servers do not use.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { certificateAuthority, type Pem, signedCertificate } from '../../../helpers/pki.js';

export interface TestPki {
  ca: Pem;
  /** For https://127.0.0.1 (and localhost). */
  server: Pem;
  /** Names only kube.internal: reachable at 127.0.0.1 only with tls-server-name. */
  namedServer: Pem;
  /** A client certificate for user `cert-user` in group `flux-admins`. */
  client: Pem;
  /** A CA the servers do not use, to prove certificate checks fail. */
  otherCa: Pem;
}

export async function makePki(dir: string): Promise<TestPki> {
  const [ca, otherCa] = await Promise.all([
    certificateAuthority(dir, 'test-ca'),
    certificateAuthority(dir, 'other-ca'),
  ]);
  const [server, namedServer, client] = await Promise.all([
    signedCertificate(dir, ca, 'server', {
      subject: '/CN=apiserver',
      usage: 'server',
      altNames: 'IP:127.0.0.1,DNS:localhost',
    }),
    signedCertificate(dir, ca, 'named-server', {
      subject: '/CN=kube.internal',
      usage: 'server',
      altNames: 'DNS:kube.internal',
    }),
    signedCertificate(dir, ca, 'client', { subject: '/O=flux-admins/CN=cert-user', usage: 'client' }),
  ]);
  return { ca, server, namedServer, client, otherCa };
}

/**
 * One test PKI for a test file: made in a temp dir before its tests, removed after them. The returned object
 * is filled in when the hook runs, so tests read it as they would a `makePki` result.
 */
export function useTestPki(): TestPki {
  const pki = {} as TestPki;
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-pki-'));
    Object.assign(pki, await makePki(dir));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return pki;
}

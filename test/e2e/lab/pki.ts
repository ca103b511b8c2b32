// The lab's own certificate authority and keys, made with the openssl CLI.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from './run.js';

export interface CertPair {
  cert: string; // path to PEM certificate
  key: string; // path to PEM private key
}

export interface LabPki {
  ca: CertPair;
  apiServer: CertPair;
  /** The serving certificate of the lab's OIDC issuers (oidc.ts), on 127.0.0.1 like the API server's. */
  oidcServer: CertPair;
  /** Client certificate in group system:masters. */
  adminClient: CertPair;
  /** Client certificate of a user with no role bindings. */
  plainClient: CertPair;
  /** Service-account token signing key (private) and its public half. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export const ADMIN_CERT_USER = 'lab-admin-cert';
export const PLAIN_CERT_USER = 'lab-plain-cert';

const days = '7';
// EC keys: generated in milliseconds, and every part (Go, openssl, Node) accepts them.
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function signed(
  dir: string,
  ca: CertPair,
  name: string,
  subject: string,
  extensions: string[],
): Promise<CertPair> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await runOk('openssl', ['req', ...ecKey, '-keyout', key, '-out', csr, '-subj', subject]);
  await writeFile(ext, `${extensions.join('\n')}\n`);
  await runOk('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    // A random serial per certificate: -CAcreateserial races when certificates are signed in parallel.
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-out',
    cert,
    '-days',
    days,
    '-extfile',
    ext,
  ]);
  return { cert, key };
}

/** Creates a CA, the API server's and the OIDC issuers' serving certificates and two client certificates under `dir`. */
export async function createPki(dir: string): Promise<LabPki> {
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await runOk('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    days,
    '-subj',
    '/CN=flux-reconcile-lab-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  const client = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
  ];
  const loopbackServer = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ];
  const [apiServer, oidcServer, adminClient, plainClient] = await Promise.all([
    signed(dir, ca, 'apiserver', '/CN=kube-apiserver', loopbackServer),
    signed(dir, ca, 'oidc', '/CN=lab-oidc-issuer', loopbackServer),
    signed(dir, ca, 'admin-client', `/O=system:masters/CN=${ADMIN_CERT_USER}`, client),
    signed(dir, ca, 'plain-client', `/CN=${PLAIN_CERT_USER}`, client),
  ]);
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  await runOk('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-out',
    serviceAccountKey,
  ]);
  await runOk('openssl', ['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub]);
  return { ca, apiServer, oidcServer, adminClient, plainClient, serviceAccountKey, serviceAccountPub };
}

// Throw-away certificate authorities, certificates and signing keys, made with the openssl CLI: for the
// unit tests' TLS servers (test/unit/kube/helpers/pki.ts) and the lab's control plane (test/e2e/lab/pki.ts).
// EC keys: generated in milliseconds, and every part (Go, openssl, Node) accepts them.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from '../e2e/lab/run.js';

/** A certificate and its key: the files, and their PEM text. */
export interface Pem {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface CertificateRequest {
  /** openssl's `-subj`, e.g. `/O=system:masters/CN=admin`: O is a Kubernetes group, CN the user. */
  subject: string;
  usage: 'server' | 'client';
  /** For a server: `IP:127.0.0.1,DNS:localhost`. */
  altNames?: string;
}

// A lab may stay up for days of test runs; every certificate outlives it.
const DAYS = '7';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const USAGES: Record<CertificateRequest['usage'], string[]> = {
  server: [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
  ],
  client: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'],
};

async function load(certFile: string, keyFile: string): Promise<Pem> {
  return { certFile, keyFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

/** A self-signed CA, `<name>.crt` and `<name>.key` under `dir`. */
export async function certificateAuthority(dir: string, name: string, subject = `/CN=${name}`): Promise<Pem> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await runOk('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    DAYS,
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  return load(certFile, keyFile);
}

/** A certificate signed by `ca`, `<name>.crt` and `<name>.key` under `dir`. */
export async function signedCertificate(
  dir: string,
  ca: Pem,
  name: string,
  request: CertificateRequest,
): Promise<Pem> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await runOk('openssl', ['req', ...EC_KEY, '-keyout', keyFile, '-out', csr, '-subj', request.subject]);
  const altNames = request.altNames ? [`subjectAltName=${request.altNames}`] : [];
  await writeFile(ext, `${[...USAGES[request.usage], ...altNames].join('\n')}\n`);
  await runOk('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    // A random serial per certificate: -CAcreateserial races when certificates are signed in parallel.
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-out',
    certFile,
    '-days',
    DAYS,
    '-extfile',
    ext,
  ]);
  return load(certFile, keyFile);
}

/** An EC key pair for signing tokens (a service-account issuer): `<name>.key` and `<name>.pub`. */
export async function signingKeyPair(
  dir: string,
  name: string,
): Promise<{ keyFile: string; publicFile: string }> {
  const keyFile = join(dir, `${name}.key`);
  const publicFile = join(dir, `${name}.pub`);
  await runOk('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-out',
    keyFile,
  ]);
  await runOk('openssl', ['pkey', '-in', keyFile, '-pubout', '-out', publicFile]);
  return { keyFile, publicFile };
}

// A throw-away certificate authority for the tests' HTTPS servers, made with the openssl CLI.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

export interface Pem {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

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

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function load(certFile: string, keyFile: string): Promise<Pem> {
  return { certFile, keyFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

async function selfSigned(dir: string, name: string): Promise<Pem> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return load(certFile, keyFile);
}

async function signed(
  dir: string,
  ca: Pem,
  name: string,
  subject: string,
  extensions: string[],
): Promise<Pem> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await run('openssl', ['req', ...ecKey, '-keyout', keyFile, '-out', csr, '-subj', subject]);
  await writeFile(ext, `${extensions.join('\n')}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return load(certFile, keyFile);
}

export async function makePki(dir: string): Promise<TestPki> {
  const [ca, otherCa] = await Promise.all([selfSigned(dir, 'test-ca'), selfSigned(dir, 'other-ca')]);
  const serverUsage = ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'];
  const [server, namedServer, client] = await Promise.all([
    signed(dir, ca, 'server', '/CN=apiserver', [...serverUsage, 'subjectAltName=IP:127.0.0.1,DNS:localhost']),
    signed(dir, ca, 'named-server', '/CN=kube.internal', [
      ...serverUsage,
      'subjectAltName=DNS:kube.internal',
    ]),
    signed(dir, ca, 'client', '/O=flux-admins/CN=cert-user', [
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=clientAuth',
    ]),
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

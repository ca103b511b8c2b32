import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { redact } from '../../../src/base/secrets.js';
import { describeError } from '../../../src/kube/errors.js';
import { prepareKubeconfig } from '../../../src/kube/kubeconfig/prepare.js';
import { fakeRunner, type RunnerEnv } from '../../helpers/runner-env.js';
import { b64 } from './helpers/kubeconfigs.js';
import { useTestPki } from './helpers/pki.js';

let runner: RunnerEnv;
const pki = useTestPki();

beforeEach(async () => {
  runner = await fakeRunner();
});
afterEach(async () => {
  await runner.restore();
});

const pemLines = (pem: string) =>
  pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('-----'));

/** A kubeconfig holding one of every kind of secret, and the list of those secrets. */
async function everySecretConfig(dir: string, tag: string) {
  const tokenFile = join(dir, `token-${tag}`);
  await writeFile(tokenFile, `file-token-${tag}\n`);
  const secrets = {
    token: `bearer-token-${tag}`,
    password: `basic-password-${tag}`,
    fileToken: `file-token-${tag}`,
    idToken: `oidc-id-token-${tag}`,
    refreshToken: `oidc-refresh-${tag}`,
    clientSecret: `oidc-client-secret-${tag}`,
    execEnv: `AKIA-exec-env-${tag}`,
    proxyPassword: `proxy-pass-${tag}`,
  };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'token',
    clusters: [
      {
        name: 'c',
        cluster: {
          server: 'https://api.example.com',
          'certificate-authority-data': b64(pki.ca.cert),
          'proxy-url': `http://proxyuser:${secrets.proxyPassword}@proxy.example.com:3128`,
        },
      },
    ],
    contexts: [{ name: 'token', context: { cluster: 'c', user: 'token-user' } }],
    users: [
      { name: 'token-user', user: { token: secrets.token } },
      { name: 'basic-user', user: { username: 'admin', password: secrets.password } },
      { name: 'file-user', user: { 'token-file': tokenFile } },
      {
        name: 'cert-user',
        user: { 'client-certificate-data': b64(pki.client.cert), 'client-key-data': b64(pki.client.key) },
      },
      {
        name: 'cert-file-user',
        user: { 'client-certificate': pki.server.certFile, 'client-key': pki.server.keyFile },
      },
      {
        name: 'oidc-user',
        user: {
          'auth-provider': {
            name: 'oidc',
            config: {
              'client-id': 'public-client-id',
              'client-secret': secrets.clientSecret,
              'id-token': secrets.idToken,
              'refresh-token': secrets.refreshToken,
              'idp-issuer-url': 'https://issuer.example.com',
            },
          },
        },
      },
      {
        name: 'exec-user',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', 'prod'],
            env: [
              { name: 'AWS_SECRET_ACCESS_KEY', value: secrets.execEnv },
              { name: 'AWS_SESSION_TOKEN', value: 'tk1' },
              { name: 'AWS_PROFILE', value: 'default' },
              { name: 'AWS_REGION', value: 'eu-central-1' },
              { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' },
              { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks/token' },
              { name: 'CLUSTER_NAME', value: 'production-cluster' },
              { name: 'ARM_CLIENT_SECRET', value: `arm-secret-${tag}` },
              { name: 'USE_GKE_GCLOUD_AUTH_PLUGIN', value: 'True' },
            ],
          },
        },
      },
    ],
  };
  return { yaml: stringify(doc), secrets };
}

describe('secrets in the kubeconfig', () => {
  it('registers every secret value before anything is logged, multi-line values line by line', async () => {
    const { yaml, secrets } = await everySecretConfig(runner.dir, 'a1');
    const encoded = b64(yaml);
    await prepareKubeconfig({ kubeconfig: encoded, context: '', exportKubeconfig: true });

    const masks = runner.masks();
    for (const value of Object.values(secrets)) expect(masks).toContain(value);
    expect(masks).toContain(encoded);
    expect(masks).toContain(b64(pki.client.key));
    expect(masks).toContain(b64(pki.client.cert));
    for (const pem of [pki.client.key, pki.client.cert, pki.server.key]) {
      for (const line of pemLines(pem)) expect(masks).toContain(line);
      expect(masks).toContain(pem.trim());
    }
    // Not secret: masking these would only blank out harmless text in every log.
    expect(masks).toContain('tk1'); // short, but its name says it is a credential
    expect(masks).toContain('arm-secret-a1');
    // Settings, paths and names: a mask would blank "default" or the region in every later step.
    for (const harmless of [
      'default',
      'eu-central-1',
      'regional',
      '/var/run/secrets/eks/token',
      'production-cluster',
      'True',
    ]) {
      expect(masks).not.toContain(harmless);
    }
    expect(masks).not.toContain('public-client-id');
    expect(masks.filter((m) => /^-----(BEGIN|END) [A-Z ]+-----$/.test(m))).toEqual([]);

    // The first line of output is a mask: nothing was printed before the secrets were registered.
    expect(runner.stdout().split('\n')[0]).toMatch(/^::add-mask::/);
    const visible = runner.visibleOutput();
    expect(visible).toContain('::debug::kubeconfig: the input is base64-encoded YAML');
    for (const value of [...Object.values(secrets), encoded, ...pemLines(pki.client.key)]) {
      expect(visible).not.toContain(value);
    }
  });

  it('masks each line of a base64 input wrapped by `base64` at 76 columns', async () => {
    const { yaml } = await everySecretConfig(runner.dir, 'b2');
    const wrapped = b64(yaml).replace(/(.{76})/g, '$1\n');
    await prepareKubeconfig({ kubeconfig: wrapped, context: '', exportKubeconfig: false });
    for (const line of wrapped.split('\n').filter((l) => l !== '')) expect(runner.masks()).toContain(line);
  });

  it('masks the contents of a token file named relative to the workspace', async () => {
    const workspace = process.env.GITHUB_WORKSPACE ?? '';
    await mkdir(join(workspace, 'tokens'));
    await writeFile(join(workspace, 'tokens', 'ci'), 'workspace-token-d4\n');
    const yaml = stringify({
      apiVersion: 'v1',
      clusters: [{ name: 'c', cluster: { server: 'https://k:6443' } }],
      users: [{ name: 'u', user: { 'token-file': 'tokens/ci' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    const prepared = await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
    expect(runner.masks()).toContain('workspace-token-d4');
    expect(prepared.kubeConfig.getCurrentUser()?.token).toBe('workspace-token-d4');
  });

  it('redacts registered secrets from text that leaves the log, and from error descriptions', async () => {
    const { yaml, secrets } = await everySecretConfig(runner.dir, 'c3');
    await prepareKubeconfig({ kubeconfig: yaml, context: '', exportKubeconfig: false });
    expect(redact(`token ${secrets.token} and ${secrets.execEnv}`)).toBe('token *** and ***');
    const error = new Error(`plugin said: refresh ${secrets.refreshToken} failed`);
    expect(describeError(error)).toBe('plugin said: refresh *** failed');
  });
});

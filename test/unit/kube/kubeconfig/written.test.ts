// The kubeconfig written for later steps is the one given: kubectl and flux read it with Go's YAML, where
// an unquoted `yes` is a boolean and `0123456789` is not 123456789. Nothing the action does not need to
// change is re-serialised; what it changes (the chosen context, relative paths) is changed in place.
// Numeric credentials are masked as written and as read.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareKubeconfig } from '../../../../src/kube/kubeconfig/prepare.js';
import { fakeRunner, type RunnerEnv } from '../../../helpers/runner-env.js';
import { b64 } from '../helpers/kubeconfigs.js';

let runner: RunnerEnv;
beforeEach(async () => {
  runner = await fakeRunner();
  // client-node reads a token file when it loads the config.
  const secrets = join(process.env.GITHUB_WORKSPACE ?? '', 'secrets');
  await mkdir(secrets);
  await writeFile(join(secrets, 'token'), 'file-token-1\n');
  GIVEN = TEMPLATE.replace('TOKEN_FILE', join(secrets, 'token'));
});
afterEach(async () => {
  await runner.restore();
});

const TEMPLATE = `# the cluster of the shop team
apiVersion: v1
kind: Config
clusters:
- name: shop
  cluster:
    server: https://api.shop.example:6443
    insecure-skip-tls-verify: true
users:
- name: basic
  user:
    username: "yes"
    password: 0123456789
- name: tokens
  user:
    token: 12345678901234567890123
- name: filed
  user:
    token-file: TOKEN_FILE   # a path
contexts:
- name: shop-basic
  context: {cluster: shop, user: basic, namespace: "on"}
- name: shop-token
  context:
    cluster: shop
    user: tokens
- name: shop-file
  context:
    cluster: shop
    user: filed
current-context: shop-basic
`;

// Relative paths are made absolute (they mean files of the workspace), so GIVEN has none.
let GIVEN = '';
const RELATIVE = () => TEMPLATE.replace('TOKEN_FILE', 'secrets/token');

async function written(kubeconfig: string, context = ''): Promise<string> {
  const prepared = await prepareKubeconfig({ kubeconfig, context, exportKubeconfig: true });
  return readFile(prepared.writtenPath ?? '', 'utf8');
}

describe('the kubeconfig written for later steps', () => {
  it('is the input, byte for byte, when nothing needs changing', async () => {
    expect(await written(GIVEN)).toBe(GIVEN);
    expect(await written(b64(GIVEN))).toBe(GIVEN);
  });

  it('changes only the current context when the context input picks another one', async () => {
    const text = await written(GIVEN, 'shop-token');
    expect(text).toBe(GIVEN.replace('current-context: shop-basic', 'current-context: "shop-token"'));
  });

  it('makes a relative path absolute in place and keeps every other scalar as written', async () => {
    const token = join(process.env.GITHUB_WORKSPACE ?? '', 'secrets', 'token');
    const text = await written(RELATIVE(), 'shop-file');
    expect(text).toBe(
      RELATIVE()
        .replace('token-file: secrets/token', `token-file: ${JSON.stringify(token)}`)
        .replace('current-context: shop-basic', 'current-context: "shop-file"'),
    );
  });

  it('adds a current context the input did not have, in a block or a flow (JSON) document', async () => {
    const block = GIVEN.replace('current-context: shop-basic\n', '');
    expect(await written(block, 'shop-token')).toBe(`${block}current-context: "shop-token"\n`);
    const json = JSON.stringify({
      apiVersion: 'v1',
      clusters: [{ name: 'c', cluster: { server: 'https://c.example' } }],
      users: [{ name: 'u', user: { token: 't-1' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    });
    const text = await written(json, 'x');
    expect(JSON.parse(text)['current-context']).toBe('x');
    expect(text.startsWith(json.slice(0, -1))).toBe(true);
  });

  it('masks numeric credentials as written and as read', async () => {
    // Values no other test registered: the mask registry lasts as long as the process, as on the runner.
    await written(
      GIVEN.replace('0123456789', '0987654321').replace('12345678901234567890123', '98765432109876543210987'),
    );
    const masks = runner.masks();
    expect(masks).toContain('0987654321');
    expect(masks).toContain('987654321');
    expect(masks).toContain('98765432109876543210987');
    expect(masks).toContain(String(Number('98765432109876543210987'))); // as YAML reads it
  });
});

import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBECONFIG_STATE } from '../../../../src/kube/kubeconfig/file.js';
import { decodeKubeconfigInput } from '../../../../src/kube/kubeconfig/parse.js';
import { cleanupKubeconfig, prepareKubeconfig } from '../../../../src/kube/kubeconfig/prepare.js';
import { fakeRunner, type RunnerEnv } from '../../../helpers/runner-env.js';
import { b64, kubeconfigYaml } from '../helpers/kubeconfigs.js';

const TOKEN = 'tok-5f2c9a1e7b3d';
const yamlConfig = (extra: Partial<Parameters<typeof kubeconfigYaml>[0]> = {}) =>
  kubeconfigYaml({ cluster: { server: 'https://api.example.com:6443' }, user: { token: TOKEN }, ...extra });

let runner: RunnerEnv;
beforeEach(async () => {
  runner = await fakeRunner();
});
afterEach(async () => {
  await runner.restore();
});

const input = (kubeconfig: string, context = '', exportKubeconfig = true) => ({
  kubeconfig,
  context,
  exportKubeconfig,
});

describe('the kubeconfig input', () => {
  it('accepts plain YAML, writes it under RUNNER_TEMP with mode 0600, exports KUBECONFIG and records the path', async () => {
    const prepared = await prepareKubeconfig(input(yamlConfig()));

    expect(prepared.context).toBe('test');
    expect(prepared.server).toBe('https://api.example.com:6443');
    expect(prepared.serverHost).toBe('api.example.com:6443');
    expect(prepared.kubeConfig.getCurrentUser()?.token).toBe(TOKEN);
    const file = prepared.writtenPath ?? '';
    expect(dirname(file)).toBe(runner.runnerTemp);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parse(await readFile(file, 'utf8'))['current-context']).toBe('test');
    expect(await runner.githubEnv()).toContain(file);
    expect(process.env.KUBECONFIG).toBe(file);
    expect(await runner.githubState()).toContain(KUBECONFIG_STATE);
    expect(await runner.githubState()).toContain(file);
    expect(runner.stdout()).toContain('::debug::kubeconfig: the input is plain YAML');
  });

  it('detects base64 of YAML (also wrapped at 76 columns) and says so in the debug log', async () => {
    const encoded = b64(yamlConfig()).replace(/(.{76})/g, '$1\n');
    expect(encoded).toContain('\n');
    const prepared = await prepareKubeconfig(input(encoded));
    expect(prepared.kubeConfig.getCurrentUser()?.token).toBe(TOKEN);
    expect(runner.stdout()).toContain('::debug::kubeconfig: the input is base64-encoded YAML');
    // The written file is YAML, whatever the input was.
    expect(parse(await readFile(prepared.writtenPath ?? '', 'utf8')).users[0].user.token).toBe(TOKEN);
  });

  it('gives each run a fresh file name', async () => {
    const a = await prepareKubeconfig(input(yamlConfig()));
    const b = await prepareKubeconfig(input(yamlConfig()));
    expect(a.writtenPath).not.toBe(b.writtenPath);
  });

  it('does not export KUBECONFIG when export-kubeconfig is false', async () => {
    const prepared = await prepareKubeconfig(input(yamlConfig(), '', false));
    expect(prepared.writtenPath).toBeDefined();
    expect(await runner.githubEnv()).toBe('');
    expect(process.env.KUBECONFIG).toBeUndefined();
  });

  it('names the input on malformed YAML and never echoes its content', async () => {
    const broken = `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${TOKEN}\n   bad: [indent\n`;
    const error = await prepareKubeconfig(input(broken)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^The `kubeconfig` input is not valid YAML \(line \d+, column \d+\)/,
    );
    expect((error as Error).message).not.toContain(TOKEN);
    expect((error as Error).message).not.toContain('indent');
  });

  it('rejects YAML that is not a kubeconfig', async () => {
    await expect(prepareKubeconfig(input('just: a\nmapping: [1]\nclusters: nope\n'))).rejects.toThrow(
      'The `kubeconfig` input is not a kubeconfig: `clusters` must be a list.',
    );
    await expect(prepareKubeconfig(input('- a\n- b\n'))).rejects.toThrow(/is not a kubeconfig/);
  });

  it('rejects base64 that does not decode to a kubeconfig', async () => {
    await expect(prepareKubeconfig(input(b64('hello world, no colon here')))).rejects.toThrow(
      /looks like base64 but the decoded text is not a kubeconfig/,
    );
    expect(() => decodeKubeconfigInput(Buffer.from([0xff, 0xfe, 0x00, 0x3a]).toString('base64'))).toThrow(
      /does not decode to text/,
    );
  });

  it('resolves relative file paths against the workspace, so the written copy still finds them', async () => {
    const config = kubeconfigYaml({
      cluster: { server: 'https://k:6443', caFile: 'certs/ca.crt' },
      user: { 'client-certificate': 'certs/user.crt', 'client-key': 'certs/user.key' },
    });
    const prepared = await prepareKubeconfig(input(config));
    const written = parse(await readFile(prepared.writtenPath ?? '', 'utf8'));
    const workspace = process.env.GITHUB_WORKSPACE ?? '';
    expect(written.clusters[0].cluster['certificate-authority']).toBe(join(workspace, 'certs/ca.crt'));
    expect(written.users[0].user['client-key']).toBe(join(workspace, 'certs/user.key'));
  });
});

describe('the context', () => {
  const three = () => yamlConfig({ contexts: ['dev', 'staging', 'prod'], currentContext: 'dev' });

  it('defaults to current-context and writes the chosen one as current-context', async () => {
    expect((await prepareKubeconfig(input(three()))).context).toBe('dev');
    const prod = await prepareKubeconfig(input(three(), 'prod'));
    expect(prod.context).toBe('prod');
    expect(prod.kubeConfig.getCurrentContext()).toBe('prod');
    expect(parse(await readFile(prod.writtenPath ?? '', 'utf8'))['current-context']).toBe('prod');
  });

  it('lists the available context names (and nothing else) when the context is unknown', async () => {
    const error = (await prepareKubeconfig(input(three(), 'qa')).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      'The `context` input names "qa", which the kubeconfig does not define. Available contexts: dev, staging, prod.',
    );
  });

  it('uses the only context when none is current, and asks for one among several', async () => {
    expect((await prepareKubeconfig(input(yamlConfig({ currentContext: null })))).context).toBe('test');
    await expect(
      prepareKubeconfig(input(yamlConfig({ contexts: ['a', 'b'], currentContext: null }))),
    ).rejects.toThrow(
      'The kubeconfig sets no current-context. Set the `context` input. Available contexts: a, b.',
    );
  });

  it('reports a context whose cluster is missing', async () => {
    const config = yamlConfig().replace('cluster: test-cluster', 'cluster: elsewhere');
    await expect(prepareKubeconfig(input(config))).rejects.toThrow(
      'The kubeconfig\'s context "test" refers to cluster "elsewhere", which it does not define.',
    );
  });
});

describe('the ambient kubeconfig (empty input)', () => {
  async function writeConfig(file: string, text: string) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, { mode: 0o600 });
  }

  it('reads the KUBECONFIG path list the way kubectl merges it, skipping missing files, writing nothing', async () => {
    const first = join(runner.dir, 'a', 'config');
    const second = join(runner.dir, 'b', 'config');
    await writeConfig(
      first,
      kubeconfigYaml({
        cluster: { server: 'https://first:6443' },
        user: { token: 'tok-first-83' },
        currentContext: null,
      }),
    );
    await writeConfig(
      second,
      kubeconfigYaml({
        cluster: { name: 'other', server: 'https://second:6443', caFile: 'ca.crt' },
        user: { token: 'tok-second-19' },
        contexts: ['test', 'second'],
        currentContext: 'second',
      }),
    );
    process.env.KUBECONFIG = [join(runner.dir, 'missing'), first, second].join(delimiter);

    const prepared = await prepareKubeconfig(input(''));
    // current-context comes from the first file that sets one; same-named entries from the first file.
    expect(prepared.context).toBe('second');
    expect(prepared.kubeConfig.getContexts().map((c) => c.name)).toEqual(['test', 'second']);
    expect(prepared.kubeConfig.getCluster('other')?.caFile).toBe(join(runner.dir, 'b', 'ca.crt'));
    expect(prepared.kubeConfig.getCurrentUser()?.token).toBe('tok-first-83');
    expect(prepared.writtenPath).toBeUndefined();
    expect(await runner.githubState()).toBe('');
    expect(runner.masks()).toContain('tok-first-83');
  });

  it('falls back to ~/.kube/config', async () => {
    await writeConfig(join(process.env.HOME ?? '', '.kube', 'config'), yamlConfig());
    const prepared = await prepareKubeconfig(input('  \n'));
    expect(prepared.server).toBe('https://api.example.com:6443');
    expect(prepared.writtenPath).toBeUndefined();
  });

  it('without any config, shows the three ways to provide one', async () => {
    const error = (await prepareKubeconfig(input('')).catch((e: Error) => e)) as Error;
    expect(error.message).toContain('KUBECONFIG is not set');
    expect(error.message).toContain('the `kubeconfig` input, from a secret');
    expect(error.message).toContain('azure/k8s-set-context');
    expect(error.message).toContain('aws eks update-kubeconfig');
    expect(error.message).toContain('google-github-actions/get-gke-credentials');
    expect(error.message).toContain('~/.kube/config');

    process.env.KUBECONFIG = join(runner.dir, 'nowhere');
    await expect(prepareKubeconfig(input(''))).rejects.toThrow(/KUBECONFIG lists no file that exists/);
  });
});

describe('in-cluster credentials', () => {
  it('builds the config client-go builds in a pod: the service host and port, the token file, CA and namespace', async () => {
    const dir = join(runner.dir, 'serviceaccount');
    await mkdir(dir);
    await writeFile(join(dir, 'token'), 'sa-token-7d1c\n');
    await writeFile(join(dir, 'namespace'), 'ci\n');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    const prepared = await prepareKubeconfig(input(''), { env, serviceAccountDir: dir });
    expect(prepared.server).toBe('https://[fd00::1]:443');
    expect(prepared.namespace).toBe('ci');
    expect(prepared.kubeConfig.getCurrentUser()?.token).toBe('sa-token-7d1c');
    // No ca.crt mounted: the system's roots, as client-go falls back to.
    expect(prepared.kubeConfig.getCurrentCluster()?.caFile).toBeUndefined();
    expect(runner.masks()).toContain('sa-token-7d1c');
  });

  it('comes after KUBECONFIG and ~/.kube/config', async () => {
    const dir = join(runner.dir, 'serviceaccount');
    await mkdir(dir);
    await writeFile(join(dir, 'token'), 'sa-token-unused');
    await mkdir(join(process.env.HOME ?? '', '.kube'));
    await writeFile(join(process.env.HOME ?? '', '.kube', 'config'), yamlConfig());
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const prepared = await prepareKubeconfig(input(''), { env, serviceAccountDir: dir });
    expect(prepared.server).toBe('https://api.example.com:6443');
  });
});

describe('cleanupKubeconfig (the post step)', () => {
  it('deletes the file recorded in the state, and never fails when it is already gone', async () => {
    const prepared = await prepareKubeconfig(input(yamlConfig()));
    const file = prepared.writtenPath ?? '';
    process.env[`STATE_${KUBECONFIG_STATE}`] = file;
    try {
      await cleanupKubeconfig();
      expect(existsSync(file)).toBe(false);
      await expect(cleanupKubeconfig()).resolves.toBeUndefined();
      expect(runner.stdout()).not.toContain('::warning::');
    } finally {
      delete process.env[`STATE_${KUBECONFIG_STATE}`];
    }
  });

  it('does nothing when the main step wrote no file', async () => {
    await expect(cleanupKubeconfig()).resolves.toBeUndefined();
  });
});

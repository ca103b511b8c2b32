import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import { type ActionRun, removeRun, runAction } from '../../helpers/action-runner.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';
import { b64, kubeconfigYaml } from './helpers/kubeconfigs.js';
import { useTestPki } from './helpers/pki.js';

const JOB_TOKEN = 'ghs_job-token-0f3a9c';
const ARG_SECRET = 'exec-arg-secret-5b7d';
const URL_PASSWORD = 'sts-pw-77e1';

const pki = useTestPki();
let server: FakeApiServer;
let dir: string;
const runs: ActionRun[] = [];

const readyKustomization: FluxObject = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system', generation: 1 },
  status: {
    observedGeneration: 1,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ReconciliationSucceeded',
        message: 'Applied revision: main@sha1:abc',
      },
    ],
  },
};

async function script(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'child-env-'));
  server = await new FakeApiServer({
    cert: pki.server.cert,
    key: pki.server.key,
    tokens: { 'exec-token-9': 'exec-user' },
  }).start();
  server.serve('kustomize.toolkit.fluxcd.io', 'v1', [{ kind: 'Kustomization', plural: 'kustomizations' }]);
  server.put('kustomize.toolkit.fluxcd.io/v1/flux-system/kustomizations', readyKustomization);
  await script('flux', `env > "${join(dir, 'flux.env')}"\necho '{"flux":"v2.9.5"}'`);
}, 120_000);

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => removeRun(run)));
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function runWithPlugin(plugin: string): Promise<ActionRun> {
  const kubeconfig = kubeconfigYaml({
    cluster: { server: server.url, caData: b64(pki.ca.cert) },
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: plugin,
        args: ['--region', 'eu-west-1', '--token', ARG_SECRET],
        env: [{ name: 'PLUGIN_MODE', value: 'ci' }],
      },
    },
  });
  const run = await runAction({
    inputs: {
      command: 'wait',
      resources: 'ks/apps',
      timeout: '20s',
      install: 'false',
      token: JOB_TOKEN,
      kubeconfig,
    },
    env: { PATH: `${dir}:${process.env.PATH}` },
  });
  runs.push(run);
  return run;
}

const inputVariables = (envDump: string) => envDump.split('\n').filter((line) => /^INPUT_/i.test(line));

describe('programs the action starts', () => {
  it('get no INPUT_* variables, and a credential in the plugin arguments is masked', async () => {
    const plugin = await script(
      'good-plugin',
      `env > "${join(dir, 'plugin.env')}"\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"exec-token-9"}}'`,
    );
    const run = await runWithPlugin(plugin);
    expect(run.exitCode, run.stdout).toBe(0);
    const pluginEnv = await readFile(join(dir, 'plugin.env'), 'utf8');
    expect(pluginEnv).toContain('PLUGIN_MODE=ci'); // the plugin ran with its own env
    expect(inputVariables(pluginEnv)).toEqual([]);
    expect(pluginEnv).not.toContain(JOB_TOKEN);
    const fluxEnv = await readFile(join(dir, 'flux.env'), 'utf8');
    expect(inputVariables(fluxEnv)).toEqual([]);
    expect(fluxEnv).not.toContain(JOB_TOKEN);
    expect(run.stdout).toContain(`::add-mask::${ARG_SECRET}`);
    expect(run.stdout).not.toContain('::add-mask::eu-west-1');
  });

  it("passes a failing plugin's stderr through the redaction before the summary and the annotation", async () => {
    const plugin = await script(
      'bad-plugin',
      `echo "error: refused --token ${ARG_SECRET} at https://ci:${URL_PASSWORD}@sts.example.com/" >&2\nexit 1`,
    );
    const run = await runWithPlugin(plugin);
    expect(run.exitCode).toBe(1);
    const failure = run.stdout.split('\n').find((line) => line.startsWith('::error'));
    expect(failure).toContain('bad-plugin` failed: error: refused --token ***');
    for (const text of [failure ?? '', run.summary]) {
      expect(text).not.toContain(ARG_SECRET);
      expect(text).not.toContain(URL_PASSWORD);
    }
    expect(run.summary).toContain('refused --token ***');
  });
});

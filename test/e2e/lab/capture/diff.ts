// Captures what the real `flux diff kustomization` prints (stdout, stderr, exit status) for each case the
// diff parser and the exit-status mapping must understand, into test/fixtures/diff/<case>.json.
// One Kustomization is applied from git; local folders (never pushed) then differ from it in each way.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { LabClient } from '../client.js';
import { configMap, gitRepository, kustomization } from '../flux-manifests.js';
import { run } from '../run.js';
import { INVALID_YAML } from './broken-manifests.js';
import type { FixtureStore } from './store.js';

/** A value that must never appear in any captured output: the CLI masks Secret data. */
export const SECRET_VALUES = ['fixture-secret-value-v1', 'fixture-secret-value-v2'];

const secret = (value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: ${value}\n`;

const DISABLED = `apiVersion: v1
kind: ConfigMap
metadata:
  name: hands-off
  annotations:
    kustomize.toolkit.fluxcd.io/reconcile: disabled
data:
  owner: someone-else
`;

const APPLIED: Record<string, string> = {
  'keep.yaml': configMap('keep', { v: '1' }),
  'change.yaml': configMap('change', { v: '1', mode: 'blue', 'settings.ini': 'a=1\nb=2\nc=3\n' }),
  'remove.yaml': configMap('remove', { v: '1' }),
  'secret.yaml': secret(SECRET_VALUES[0]!),
};

async function folder(root: string, name: string, files: Record<string, string | null>): Promise<string> {
  const dir = join(root, name);
  await cp(join(root, 'applied'), dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    if (content === null) await rm(join(dir, file));
    else await writeFile(join(dir, file), content);
  }
  return dir;
}

export async function captureDiffs(lab: LabClient, store: FixtureStore, say: (s: string) => void) {
  const ns = await lab.namespace('diffs');
  const repo = await lab.createGitRepo('diffs');
  const sha = await repo.commit(
    Object.fromEntries(Object.entries(APPLIED).map(([f, c]) => [`app/${f}`, c])),
    'What the cluster has',
  );
  await lab.apply(
    [
      gitRepository('fixtures', repo.url),
      kustomization('app', './app', { targetNamespace: ns, source: 'fixtures', retryInterval: '5s' }),
    ],
    { namespace: ns },
  );
  await lab.waitForReady('Kustomization', ns, 'app', { revision: sha, timeoutMs: 3 * 60_000 });
  say(`diffs in ${ns}`);

  const root = await mkdtemp(join(tmpdir(), 'flux-diff-capture-'));
  try {
    await mkdir(join(root, 'applied'));
    for (const [file, content] of Object.entries(APPLIED))
      await writeFile(join(root, 'applied', file), content);
    const cases: Record<string, { dir: string; name?: string }> = {
      'no-change': { dir: await folder(root, 'same', {}) },
      changes: {
        dir: await folder(root, 'changed', {
          'change.yaml': configMap('change', {
            v: '2',
            mode: 'green',
            'settings.ini': 'a=1\nb=20\nc=3\nd=4\n',
          }),
          'added.yaml': configMap('added', { v: '1' }),
          'namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}-extra\n`,
          'remove.yaml': null,
          'secret.yaml': secret(SECRET_VALUES[1]!),
        }),
      },
      // An object marked reconcile: disabled is skipped (flux 2.9.5 names it `ConfigMap/` when it is absent).
      skipped: { dir: await folder(root, 'skipped', { 'hands-off.yaml': DISABLED }) },
      'build-error': { dir: await folder(root, 'broken', { 'keep.yaml': INVALID_YAML }) },
      'dry-run-rejected': {
        dir: await folder(root, 'rejected', {
          'keep.yaml': configMap('Not_A_Valid_Name', { v: '1' }),
        }),
      },
      'kustomization-not-found': { dir: join(root, 'same'), name: 'does-not-exist' },
    };
    for (const [scenario, { dir, name }] of Object.entries(cases))
      await capture(scenario, name ?? 'app', dir);
    // Drift: the cluster changed behind Flux's back; the checkout is what was applied.
    await lab.patch('ConfigMap', ns, 'keep', { data: { v: 'edited-by-hand' } });
    await capture('cluster-drift', 'app', join(root, 'same'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  async function capture(scenario: string, name: string, dir: string) {
    // As the action runs it: in memory, from the checkout's root.
    const args = [
      'diff',
      'kustomization',
      name,
      '--namespace',
      ns,
      '--path',
      dir,
      '--progress-bar=false',
      '--in-memory-build',
    ];
    const kubeconfig = lab.info.kubeconfigs.admin;
    const result = await run(lab.info.fluxBinary, [...args, '--kubeconfig', kubeconfig], {
      cwd: root,
      env: { ...process.env, KUBECONFIG: kubeconfig, PWD: root },
    });
    const saved = {
      namespace: ns,
      args: args.map((a) => (a === dir ? `<root>/${basename(dir)}` : a)),
      exitCode: result.code,
      stdout: result.stdout.replaceAll(root, '<root>'),
      stderr: result.stderr.replaceAll(root, '<root>'),
    };
    for (const value of SECRET_VALUES) {
      if (JSON.stringify(saved).includes(value)) throw new Error(`${scenario}: a Secret value was printed`);
    }
    await store.raw('diff', scenario, saved);
    say(`  ${scenario}: exit ${result.code}\n${result.stdout}${result.stderr}`);
  }
}

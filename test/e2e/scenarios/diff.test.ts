// Scenario: `command: diff` with the flux CLI the action installs. The workspace is a clone of the lab repo
// that Flux applies, changed the way a pull request changes it (never pushed): one ConfigMap configured, one
// created, one deleted, a Secret's value changed, a manifest broken; the cluster is also changed by hand.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { htmlProblems } from '../../unit/report/html-check.js';
import { CONFIGMAP_TEMPLATE } from '../lab/helm-repo.js';
import { runOk } from '../lab/run.js';
import { useLab } from '../lab/use-lab.js';
import {
  configMap,
  gitRepository,
  helmRelease,
  helmRepository,
  kustomization,
  parseJson,
  runStep,
  type Step,
  useFleet,
} from '../support.js';

const lab = useLab();

// Values that must never be shown: the Secret's value in the cluster, and the one the branch changes it to.
const SECRET_IN_CLUSTER = 'e2e-diff-secret-value-in-cluster';
const SECRET_IN_BRANCH = 'e2e-diff-secret-value-in-branch';
const secret = (value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: ${value}\n`;

const MANY = Array.from({ length: 10 }, (_, i) => `many-${String(i).padStart(2, '0')}`);

const files: Record<string, string> = {
  'apps/keep.yaml': configMap('keep', { v: '1' }),
  'apps/change.yaml': configMap('change', { mode: 'blue' }),
  'apps/remove.yaml': configMap('remove', { v: '1' }),
  'apps/secret.yaml': secret(SECRET_IN_CLUSTER),
  'same/same.yaml': configMap('same', { v: '1' }),
  'broken/broken.yaml': configMap('broken', { v: '1' }),
  ...Object.fromEntries(MANY.map((name) => [`many/${name}/cm.yaml`, configMap(`${name}-cm`, { v: '1' })])),
};

function labelled(ns: string, name: string, path: string, labels: Record<string, string> = {}) {
  const ks = kustomization(name, path, { namespace: ns });
  return { ...ks, metadata: { ...ks.metadata, labels } };
}

// Another repository, for a Kustomization that is not in this checkout. Registered before useFleet's hooks,
// which apply the objects that name it.
let otherUrl = '';
beforeAll(async () => {
  const other = await lab.createGitRepo('diff-other');
  otherUrl = other.url;
  await other.commit({ 'cm.yaml': configMap('other', { v: '1' }) }, 'another repository');
}, 60_000);

const fleet = useFleet(lab, 'diff', {
  files,
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    gitRepository('other', otherUrl, { namespace: ns }),
    kustomization('apps', './apps', { namespace: ns }),
    kustomization('same', './same', { namespace: ns }),
    kustomization('broken', './broken', { namespace: ns }),
    kustomization('elsewhere', './', { namespace: ns, source: 'other' }),
    ...MANY.map((name) => labelled(ns, name, `./many/${name}`, { group: 'many' })),
  ],
  readyKustomizations: ['apps', 'same', 'broken', ...MANY],
});

// A tree: tree-root applies the Kustomization tree-child (committed once the namespace is known).
beforeAll(async () => {
  const sha = await fleet.repo.commit(
    {
      'tree/child.yaml': stringify(kustomization('tree-child', './tree-child', { namespace: fleet.ns })),
      'tree-child/cm.yaml': configMap('tree-cm', { v: '1' }),
    },
    'a tree',
  );
  await lab.requestReconcile('GitRepository', fleet.ns, 'fleet');
  await lab.waitForReady('GitRepository', fleet.ns, 'fleet', { revision: sha, timeoutMs: 60_000 });
  await lab.apply(kustomization('tree-root', './tree', { namespace: fleet.ns }));
  await lab.waitForReady('Kustomization', fleet.ns, 'tree-root', { timeoutMs: 120_000 });
  await lab.waitForReady('Kustomization', fleet.ns, 'tree-child', { timeoutMs: 120_000 });
}, 300_000);

let workspace = '';

// After useFleet's hooks: the workspace is a clone of what Flux applied, then changed as a branch would be.
beforeAll(async () => {
  workspace = join(fleet.jobDir, 'workspace');
  await rm(workspace, { recursive: true, force: true });
  await mkdir(fleet.jobDir, { recursive: true });
  await runOk('git', ['clone', '--quiet', fleet.repo.url, workspace], {
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
    },
  });
  await writeFile(join(workspace, 'apps/change.yaml'), configMap('change', { mode: 'green' }));
  await writeFile(join(workspace, 'apps/added.yaml'), configMap('added', { v: '1' }));
  await rm(join(workspace, 'apps/remove.yaml'));
  await writeFile(join(workspace, 'apps/secret.yaml'), secret(SECRET_IN_BRANCH));
  await writeFile(join(workspace, 'tree-child/cm.yaml'), configMap('tree-cm', { v: '2' }));
  await writeFile(
    join(workspace, 'broken/broken.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata: [not a map\n',
  );
}, 60_000);

interface ChangeRecord {
  kind: string;
  namespace: string | null;
  name: string;
  change: string;
  diff: string | null;
}
interface DiffRecord {
  kind: string;
  name: string;
  status: string;
  parent: string | null;
  path: string | null;
  changes: ChangeRecord[];
  error: string | null;
  message: string | null;
  driftDetection: { mode: string; drifted: boolean | null; message: string | null } | null;
}

const changesOf = (step: Step) => parseJson<DiffRecord[]>(step.outputs.changes);
const byName = (step: Step) => new Map(changesOf(step).map((r) => [r.name, r]));

/** No value of the Secret anywhere a person or a later step can read. */
function expectNoSecretValue(step: Step) {
  const visible = [
    step.log,
    step.summary,
    JSON.stringify(step.outputs),
    JSON.stringify(step.exportedEnv),
  ].join('\n');
  for (const value of [SECRET_IN_CLUSTER, SECRET_IN_BRANCH]) {
    expect(visible.includes(value), `the Secret value ${value} was shown`).toBe(false);
    expect(visible.includes(Buffer.from(value).toString('base64')), `base64 of ${value} was shown`).toBe(
      false,
    );
  }
}

const diff = (inputs: Record<string, string>) =>
  runStep(lab, { command: 'diff', namespace: fleet.ns, timeout: '3m', ...inputs }, fleet);

describe('command: diff', () => {
  it('previews a branch: created, configured and deleted objects, a build error, no change, another repository', async () => {
    const step = await diff({ resources: 'ks/apps, ks/same, ks/broken, ks/elsewhere' });
    // The build error fails the step; everything else is still reported.
    expect(step.exitCode, step.log).toBe(1);
    expect(step.outputs.changed).toBe('true');
    const records = byName(step);

    const apps = records.get('apps')!;
    expect(apps).toMatchObject({ status: 'changed', path: './apps', error: null });
    const changes = Object.fromEntries(apps.changes.map((c) => [`${c.kind}/${c.name}`, c]));
    expect(changes['ConfigMap/change']).toMatchObject({ change: 'configured', namespace: fleet.ns });
    expect(changes['ConfigMap/change']!.diff).toMatch(/blue[\s\S]*green/);
    expect(changes['ConfigMap/added']).toMatchObject({ change: 'created', diff: null });
    expect(changes['ConfigMap/remove']).toMatchObject({ change: 'deleted', diff: null });
    expect(changes['Secret/creds']).toMatchObject({ change: 'configured' });
    expect(changes['Secret/creds']!.diff).toContain('***');
    expect(changes['ConfigMap/keep']).toBeUndefined();

    expect(records.get('same')).toMatchObject({
      status: 'unchanged',
      path: './same',
      changes: [],
      error: null,
    });
    const broken = records.get('broken')!;
    expect(broken.status).toBe('failed');
    // The CLI's own build message, naming the file that does not parse.
    expect(broken.error).toMatch(/yaml|json|unmarshal|convert/i);
    expect(records.get('elsewhere')).toMatchObject({ status: 'not-in-checkout', changes: [] });
    expect(records.get('elsewhere')!.message).toContain(`GitRepository ${fleet.ns}/other`);

    expect(step.stdout).toMatch(/::error::.*could not be diffed: Kustomization .*\/broken/);
    expect(step.summary).toContain('<details><summary>✏️ ConfigMap');
    expect(step.summary).toContain(`${fleet.ns}/added`);
    expect(step.summary).toContain('Not\u00a0in\u00a0this\u00a0checkout');
    expect(htmlProblems(step.summary)).toEqual([]);
    expectNoSecretValue(step);
  });

  it('fails on a difference with fail-on-change, and only on a difference', async () => {
    const quiet = await diff({ resources: 'ks/same', 'fail-on-change': 'true' });
    expect(quiet.exitCode, quiet.log).toBe(0);
    expect(quiet.outputs.changed).toBe('false');
    expect(quiet.summary).toContain('no differences');

    const reported = await diff({ resources: 'ks/apps' });
    expect(reported.exitCode, reported.log).toBe(0);
    expect(reported.outputs.changed).toBe('true');

    const gated = await diff({ resources: 'ks/apps', 'fail-on-change': 'true' });
    expect(gated.exitCode).toBe(1);
    expect(gated.stdout).toMatch(/::error::fail-on-change: 1 of 1 objects differ/);
    expectNoSecretValue(gated);
  });

  it('finds drift: an object changed in the cluster by hand', async () => {
    await lab.patch('ConfigMap', fleet.ns, 'same', { data: { v: 'edited-by-hand' } });
    const step = await diff({ resources: 'ks/same', 'fail-on-change': 'true' });
    expect(step.exitCode).toBe(1);
    const [same] = changesOf(step);
    expect(same).toMatchObject({ status: 'changed' });
    expect(same!.changes).toEqual([
      expect.objectContaining({ kind: 'ConfigMap', name: 'same', change: 'configured' }),
    ]);
    expect(same!.changes[0]!.diff).toMatch(/edited-by-hand[\s\S]*\b1\b/);
  });

  it('diffs 10 Kustomizations under one deadline', async () => {
    const step = await diff({ resources: 'ks/*', selector: 'group=many', 'fail-on-change': 'true' });
    expect(step.exitCode, step.log).toBe(0);
    const records = changesOf(step);
    expect(records.map((r) => r.name).sort()).toEqual(MANY);
    expect(records.every((r) => r.status === 'unchanged')).toBe(true);
    console.info(`[figure] diff of 10 Kustomizations: step ${Math.round(step.durationMs)} ms`);

    // A deadline that has passed before anything is asked (`timeout` counts from the step's start): the
    // step stops at once, saying so, and nothing hangs.
    const late = await diff({ resources: 'ks/*', selector: 'group=many', timeout: '1ms' });
    expect(late.exitCode).toBe(1);
    expect(late.stdout).toMatch(
      /::error::The 1ms timeout ran out before the API server \S+ was asked anything: raise `timeout`\./,
    );
    expect(late.summary).toContain('stopped before');
  });

  it('follows the tree: what a Kustomization applied is diffed too, against its own folder', async () => {
    const step = await diff({ resources: 'ks/tree-root' });
    expect(step.exitCode, step.log).toBe(0);
    const records = changesOf(step);
    expect(records.map((r) => [r.name, r.status, r.parent])).toEqual([
      ['tree-root', 'unchanged', null],
      ['tree-child', 'changed', `Kustomization/${fleet.ns}/tree-root`],
    ]);
    expect(records[1]!.path).toBe('./tree-child');
    expect(records[1]!.changes).toEqual([expect.objectContaining({ name: 'tree-cm', change: 'configured' })]);
    expect(step.summary).toContain(`applied by Kustomization ${fleet.ns}/tree-root`);

    const alone = await diff({ resources: 'ks/tree-root', follow: 'false' });
    expect(changesOf(alone).map((r) => r.name)).toEqual(['tree-root']);
    expect(alone.outputs.changed).toBe('false');
  });

  it('reports a HelmRelease by its drift detection, and says it is no CLI diff', async () => {
    const chart = `drift-${Math.random().toString(36).slice(2, 8)}`;
    await lab.helm.publish({ name: chart, version: '0.1.0', templates: { 'cm.yaml': CONFIGMAP_TEMPLATE } });
    await lab.apply([
      helmRepository('charts', lab.info.helm.url, { namespace: fleet.ns }),
      helmRelease('web', chart, '*', {
        namespace: fleet.ns,
        interval: '1h',
        spec: { driftDetection: { mode: 'warn' } },
      }),
    ]);
    await lab.waitForReady('HelmRelease', fleet.ns, 'web', { timeoutMs: 120_000 });
    await lab.patch('ConfigMap', fleet.ns, 'web-config', { data: { chartVersion: 'edited-by-hand' } });
    await lab.requestReconcile('HelmRelease', fleet.ns, 'web');
    await lab.waitFor(
      'HelmRelease',
      fleet.ns,
      'web',
      (hr) =>
        (hr.status?.conditions as { type: string; status: string }[] | undefined)?.some(
          (c) => c.type === 'Drifted' && c.status === 'True',
        ) === true,
      { timeoutMs: 60_000 },
    );

    const step = await diff({ resources: 'hr/web', 'fail-on-change': 'true' });
    expect(step.exitCode).toBe(1);
    expect(step.outputs.changed).toBe('true');
    const [web] = changesOf(step);
    expect(web).toMatchObject({ kind: 'HelmRelease', status: 'helm-drift' });
    expect(web!.driftDetection).toMatchObject({ mode: 'warn', drifted: true });
    expect(web!.driftDetection!.message).toContain('web-config');
    expect(step.summary).toContain('HelmReleases are not diffed by the flux CLI');
    expect(step.stdout).toContain('no CLI diff for HelmReleases');
  });

  it('keeps the diff of the branch out of the working tree it read', async () => {
    // The action only reads the checkout: what the branch changed is still there, nothing was added.
    expect(await readFile(join(workspace, 'apps/change.yaml'), 'utf8')).toContain('green');
    const status = await runOk('git', ['-C', workspace, 'status', '--porcelain']);
    expect(status.split('\n').filter(Boolean).sort()).toEqual([
      ' D apps/remove.yaml',
      ' M apps/change.yaml',
      ' M apps/secret.yaml',
      ' M broken/broken.yaml',
      ' M tree-child/cm.yaml',
      '?? apps/added.yaml',
    ]);
  });
});

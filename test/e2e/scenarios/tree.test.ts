// Issue: "deployed means deployed". A root Kustomization that applies child Kustomizations (the usual
// bootstrap layout) is judged with its children; a newer push that contains the expected commit ends green
// at once (checked in the workspace's clone, or through GitHub's compare API from the repository's real
// history); a rewritten history fails at once; a failure a retry mends passes under a fail-fast grace; the
// inventory of a Kustomization that applies to another cluster is never followed on this one.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type FakeGitHub, startFakeGitHub } from '../../helpers/github-api.js';
import { conditionOf } from '../lab/client.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { configMap, gitRepository, kustomization, resultsOf, runStep, useFleet } from '../support.js';

const lab = useLab();

/** The child Kustomizations the root applies, as files of the repository (they land in the fleet namespace). */
const children = (ns: string) =>
  `${stringify(kustomization('web', './apps/web', { namespace: ns }))}---\n${stringify(
    kustomization('db', './apps/db', { namespace: ns }),
  )}`;

const fleet = useFleet(lab, 'tree', {
  files: {
    'apps/web/cm.yaml': configMap('web', { version: '1' }),
    'apps/db/cm.yaml': configMap('db', { version: '1' }),
  },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('root', './clusters/root', { namespace: ns }),
  ],
});

/** Commits the cluster folder (it names the namespace, known only once the fleet exists). */
async function commitChildren(
  extra: Record<string, string | null> = {},
  message = 'children',
): Promise<string> {
  return fleet.repo.commit({ 'clusters/root/children.yaml': children(fleet.ns), ...extra }, message);
}

const workspaces: string[] = [];
afterAll(async () => {
  for (const dir of workspaces) await rm(dir, { recursive: true, force: true });
});

/** A full clone of the fleet repository, as `actions/checkout` with fetch-depth: 0 leaves it. */
async function checkout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flux-e2e-workspace-'));
  workspaces.push(dir);
  execFileSync('git', ['clone', '--quiet', fleet.repo.url, dir], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  return dir;
}

describe('a tree of Kustomizations', () => {
  it('ends green with every child at the pushed commit', async () => {
    const sha = await commitChildren({ 'apps/web/cm.yaml': configMap('web', { version: '2' }) }, 'web v2');
    const step = await runStep(
      lab,
      { resources: 'ks/root', namespace: fleet.ns, 'with-source': 'true', revision: sha, timeout: '3m' },
      fleet,
    );
    expect(step.exitCode, step.log).toBe(0);
    const results = resultsOf(step);
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName.web).toMatchObject({
      role: 'child',
      parent: `Kustomization/${fleet.ns}/root`,
      outcome: 'ready',
    });
    expect(byName.db).toMatchObject({ role: 'child', outcome: 'ready' });
    for (const name of ['root', 'web', 'db']) expect(byName[name]!.revisionAfter).toBe(`main@sha1:${sha}`);
    expect((await lab.get('ConfigMap', fleet.ns, 'web'))?.data).toEqual({ version: '2' });
    expect(step.summary).toContain(`applied by Kustomization ${fleet.ns}/root`);
  });

  it('fails when a child breaks at the commit, in the child’s words, where the parent alone is green', async () => {
    const sha = await commitChildren(
      { 'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata: [not a map\n' },
      'break web',
    );
    const step = await runStep(
      lab,
      { resources: 'ks/root', namespace: fleet.ns, 'with-source': 'true', revision: sha, timeout: '3m' },
      fleet,
    );
    expect(step.exitCode).toBe(1);
    expect(step.outputs.ready).toBe('false');
    const web = resultsOf(step).find((r) => r.name === 'web')!;
    expect(web).toMatchObject({ role: 'child', outcome: 'failed', reason: 'BuildFailed' });
    expect(web.revisionAttempted).toBe(`main@sha1:${sha}`);
    expect(step.stdout).toContain(`::error title=Kustomization ${fleet.ns}/web`);
    expect(step.summary).toContain('BuildFailed');
    expect(step.stdout).toMatch(
      new RegExp(`Failed after [^ ]+ at main@sha1:${sha.slice(0, 8)} \\(still running main@sha1:`),
    );
    // The same tree with the parent alone would pass: the parent is Ready.
    expect(resultsOf(step).find((r) => r.name === 'root')).toMatchObject({ outcome: 'ready' });
    await commitChildren({ 'apps/web/cm.yaml': configMap('web', { version: '3' }) }, 'mend web');
  });
});

describe('a newer commit that contains the expected one', () => {
  it('ends green in seconds, saying so, through the workspace clone', async () => {
    const first = await commitChildren(
      { 'apps/db/cm.yaml': configMap('db', { version: '2' }) },
      'first merge',
    );
    const second = await commitChildren(
      { 'apps/db/cm.yaml': configMap('db', { version: '3' }) },
      'second merge',
    );
    const workspace = await checkout();
    const step = await runStep(
      lab,
      {
        resources: 'ks/root',
        namespace: fleet.ns,
        'with-source': 'true',
        revision: first,
        timeout: '2m',
        follow: 'false',
      },
      { ...fleet, env: { GITHUB_WORKSPACE: workspace } },
    );
    expect(step.exitCode, step.log).toBe(0);
    const [source, root] = resultsOf(step);
    expect(source).toMatchObject({
      kind: 'GitRepository',
      outcome: 'ready',
      revisionAfter: `main@sha1:${second}`,
    });
    expect(source!.revisionNote).toBe(`at ${second.slice(0, 8)}, which contains ${first.slice(0, 8)}`);
    expect(root).toMatchObject({ outcome: 'ready', revisionAfter: `main@sha1:${second}` });
    expect(step.stdout).toContain(`which contains ${first.slice(0, 8)}`);
    expect(step.summary).toContain(`which contains ${first.slice(0, 8)}`);
  });

  it('ends green through GitHub’s compare API answered from the repository’s own history', async () => {
    const bare = join(lab.info.git.projectRoot, `${fleet.repo.name}.git`);
    let server: FakeGitHub | undefined;
    try {
      server = await startFakeGitHub({
        owner: 'org',
        repo: 'fleet',
        history: bare,
        token: 'ghs_e2eToken',
        gitServer: { url: lab.info.git.serverUrl, path: `${fleet.repo.name}.git` },
      });
      // A second source on the "GitHub" address, as a fleet on github.com would have.
      await lab.apply([gitRepository('github', `${server.origin}/org/fleet.git`, { namespace: fleet.ns })]);
      // Its first fetch is done before the two pushes: the action's request is what fetches the newer one.
      await lab.waitForReady('GitRepository', fleet.ns, 'github', { timeoutMs: 60_000 });
      const first = await commitChildren(
        { 'apps/db/cm.yaml': configMap('db', { version: '4' }) },
        'api first',
      );
      const second = await commitChildren(
        { 'apps/db/cm.yaml': configMap('db', { version: '5' }) },
        'api second',
      );
      const step = await runStep(
        lab,
        {
          resources: 'gitrepository/github',
          namespace: fleet.ns,
          revision: first,
          timeout: '2m',
          token: 'ghs_e2eToken',
        },
        {
          ...fleet,
          env: { GITHUB_SERVER_URL: server.origin, GITHUB_API_URL: server.apiUrl, GITHUB_WORKSPACE: '' },
        },
      );
      expect(step.exitCode, step.log).toBe(0);
      expect(resultsOf(step)[0]!.revisionNote).toBe(
        `at ${second.slice(0, 8)}, which contains ${first.slice(0, 8)}`,
      );
      expect(server.requests.some((r) => r.path.includes(`/compare/${first}...${second}`))).toBe(true);
    } finally {
      await server?.close();
    }
  });

  it('fails at once when a force-push dropped the expected commit', async () => {
    const dropped = await commitChildren(
      { 'apps/db/cm.yaml': configMap('db', { version: 'dropped' }) },
      'to be dropped',
    );
    const workspace = await checkout();
    // Rewrite main without that commit: reset to its parent and commit something else.
    const work = await checkout();
    const git = (args: string[]) =>
      execFileSync('git', args, {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'x',
          GIT_AUTHOR_EMAIL: 'x@x.invalid',
          GIT_COMMITTER_NAME: 'x',
          GIT_COMMITTER_EMAIL: 'x@x.invalid',
        },
      });
    git(['reset', '--quiet', '--hard', `${dropped}^`]);
    git(['commit', '--quiet', '--allow-empty', '-m', 'rewritten']);
    git(['push', '--quiet', '--force', 'origin', 'HEAD:main']);
    const step = await runStep(
      lab,
      {
        resources: 'ks/root',
        namespace: fleet.ns,
        'with-source': 'true',
        revision: dropped,
        timeout: '3m',
        follow: 'false',
      },
      { ...fleet, env: { GITHUB_WORKSPACE: workspace } },
    );
    expect(step.exitCode).toBe(1);
    const [source] = resultsOf(step);
    expect(source).toMatchObject({ kind: 'GitRepository', outcome: 'failed', reason: 'HistoryRewritten' });
    expect(source!.message).toContain('history was rewritten');
  });
});

describe('fail-fast with a grace period', () => {
  it('turns a failure that the controller’s retry mends into a success', async () => {
    const late = `late-${fleet.ns.slice(-6)}`;
    const manifest = configMap('late', { a: '1' }).replace(
      'metadata:\n',
      `metadata:\n  namespace: ${late}\n`,
    );
    const sha = await commitChildren({ 'late/cm.yaml': manifest }, 'late');
    // No targetNamespace: the ConfigMap goes to a namespace that does not exist yet, so every attempt fails.
    const object = kustomization('late', './late', { namespace: fleet.ns, retryInterval: '5s' });
    delete (object.spec as Record<string, unknown>).targetNamespace;
    await lab.apply([object]);
    await lab.waitFor('Kustomization', fleet.ns, 'late', (o) => conditionOf(o, 'Ready')?.status === 'False', {
      timeoutMs: 60_000,
    });
    // The namespace appears while the action waits: the controller's next retry succeeds.
    const created = sleep(6_000).then(() =>
      lab.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: late } }]),
    );
    const step = await runStep(
      lab,
      {
        resources: 'ks/late',
        namespace: fleet.ns,
        'with-source': 'true',
        revision: sha,
        'fail-fast': '45s',
        timeout: '2m',
      },
      fleet,
    );
    await created;
    expect(step.exitCode, step.log).toBe(0);
    expect(resultsOf(step).find((r) => r.name === 'late')).toMatchObject({ outcome: 'ready' });
    // It did fail while the action watched: the grace period, not luck, made it green.
    expect(step.stdout).toMatch(
      new RegExp(`✗ Kustomization ${fleet.ns}/late: .*${late}.* a retry may still mend it within`),
    );
  });
});

describe('a Kustomization that applies to another cluster', () => {
  it('is judged itself, and its inventory (objects on that cluster) is never followed here', async () => {
    // The "other cluster" is this one reached through a kubeconfig Secret: kustomize-controller really
    // applies through spec.kubeConfig, and a same-named child exists here, broken. Followed, it would fail.
    const kubeconfig = await readFile(lab.kubeconfigFor('adminCert'), 'utf8');
    const elsewhere = kustomization('elsewhere', './does-not-exist', { namespace: fleet.ns });
    const sha = await commitChildren(
      { 'clusters/remote/children.yaml': stringify(elsewhere) },
      'remote tree',
    );
    await lab.apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'remote-kubeconfig', namespace: fleet.ns },
        stringData: { value: kubeconfig },
      },
      kustomization('remote', './clusters/remote', {
        namespace: fleet.ns,
        spec: { kubeConfig: { secretRef: { name: 'remote-kubeconfig' } } },
      }),
    ]);
    const step = await runStep(
      lab,
      { resources: 'ks/remote', namespace: fleet.ns, 'with-source': 'true', revision: sha, timeout: '3m' },
      fleet,
    );
    expect(step.exitCode, step.log).toBe(0);
    const results = resultsOf(step);
    expect(results.map((r) => `${r.kind}/${r.name}`)).toEqual([
      'GitRepository/fleet',
      'Kustomization/remote',
    ]);
    const note = `applies to another cluster (spec.kubeConfig): 1 Flux object it applied there was not followed (Kustomization ${fleet.ns}/elsewhere)`;
    expect(results[1]!.message).toContain(note);
    expect(step.stdout).toContain(note);
    expect(step.summary).toContain('not followed (Kustomization');
    // kustomize-controller did apply through the kubeconfig: the inventory names the child.
    const remote = await lab.get('Kustomization', fleet.ns, 'remote');
    expect(JSON.stringify(remote?.status)).toContain(
      `${fleet.ns}_elsewhere_kustomize.toolkit.fluxcd.io_Kustomization`,
    );
  });
});

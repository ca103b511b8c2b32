// Scenarios 1, 3 and 4: a pushed commit reconciled with its source and checked by revision; a broken
// manifest reported in seconds with kustomize-controller's words (and the flux CLI on the same state);
// dependsOn chains and diamonds reconciled in order.
import { describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import { configMap, gitRepository, kustomization, resultsOf, runStep, useFleet } from '../support.js';

const lab = useLab();
const fleet = useFleet(lab, 'reconcile', {
  files: {
    'app/config.yaml': configMap('app-config', { greeting: 'hello' }),
    'chain/a/cm.yaml': configMap('chain-a', { n: '1' }),
    'chain/b/cm.yaml': configMap('chain-b', { n: '2' }),
    'chain/c/cm.yaml': configMap('chain-c', { n: '3' }),
  },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
    kustomization('a', './chain/a', { namespace: ns }),
    kustomization('b', './chain/b', { namespace: ns, dependsOn: ['a'] }),
    kustomization('c', './chain/c', { namespace: ns, dependsOn: ['b'] }),
    kustomization('base', './chain/a', { namespace: ns }),
    kustomization('left', './chain/b', { namespace: ns, dependsOn: ['base'] }),
    kustomization('right', './chain/c', { namespace: ns, dependsOn: ['base'] }),
    kustomization('top', './app', { namespace: ns, dependsOn: ['left', 'right'] }),
  ],
  readyKustomizations: ['app'],
});

describe('reconcile with source at a pushed commit', () => {
  it('applies the commit and reports its SHA', async () => {
    const sha = await fleet.repo.commit(
      { 'app/config.yaml': configMap('app-config', { greeting: 'hello, world' }) },
      'change greeting',
    );
    const step = await runStep(
      lab,
      {
        resources: 'kustomization/app',
        namespace: fleet.ns,
        'with-source': 'true',
        revision: sha,
        timeout: '2m',
      },
      fleet,
    );
    expect(step.exitCode, step.log).toBe(0);
    expect(step.outputs.ready).toBe('true');
    const revisions = JSON.parse(step.outputs.revisions!);
    expect(revisions[`Kustomization/${fleet.ns}/app`]).toBe(`main@sha1:${sha}`);
    expect(revisions[`GitRepository/${fleet.ns}/fleet`]).toBe(`main@sha1:${sha}`);
    const cm = await lab.get('ConfigMap', fleet.ns, 'app-config');
    expect(cm?.data).toEqual({ greeting: 'hello, world' });
    expect(step.summary).toContain(`${fleet.ns}/app`);
    expect(step.outputs['flux-version']).toBe(lab.info.mirror.version);
  });
});

describe('a broken manifest', () => {
  it('fails in seconds with the controller message, where flux reconcile waits for its timeout', async () => {
    const sha = await fleet.repo.commit(
      {
        'app/config.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata: [this is not a map\n',
      },
      'break the manifest',
    );
    const step = await runStep(
      lab,
      { resources: 'ks/app', namespace: fleet.ns, 'with-source': 'true', revision: sha, timeout: '3m' },
      fleet,
    );
    expect(step.exitCode).toBe(1);
    const [source, app] = resultsOf(step);
    expect(source).toMatchObject({ kind: 'GitRepository', outcome: 'ready' });
    expect(app).toMatchObject({ kind: 'Kustomization', name: 'app', outcome: 'failed', ok: false });
    // The controller's own words, in the outputs, the log, the annotation and the summary.
    expect(app!.message).toMatch(/yaml|json|unmarshal|convert/i);
    const firstWords = app!.message.slice(0, 40);
    expect(step.stdout).toContain(`::error title=Kustomization ${fleet.ns}/app`);
    expect(step.stdout).toContain(firstWords.replace(/\n.*/s, ''));
    expect(step.summary).toContain(`${fleet.ns}/app`);
    expect(JSON.parse(step.outputs.failed!)).toEqual([`Kustomization/${fleet.ns}/app`]);
    console.info(
      `[figure] action: broken manifest reported after ${app!.durationMs} ms (step ${step.durationMs} ms)`,
    );

    const started = performance.now();
    const cli = await lab.flux([
      'reconcile',
      'ks',
      'app',
      '-n',
      fleet.ns,
      '--with-source',
      '--timeout',
      '30s',
    ]);
    const cliMs = Math.round(performance.now() - started);
    expect(cli.code).not.toBe(0);
    console.info(
      `[figure] flux reconcile ks --with-source --timeout 30s on the same state: exit ${cli.code} after ${cliMs} ms`,
    );
    console.info(
      `[figure] flux reconcile said: ${(cli.stderr + cli.stdout).trim().split('\n').slice(-2).join(' | ')}`,
    );

    // Mend it for the next scenarios.
    await fleet.repo.commit({ 'app/config.yaml': configMap('app-config', { greeting: 'mended' }) }, 'mend');
  });
});

describe('dependsOn', () => {
  it('reconciles a chain in order and every link ends Ready', async () => {
    const step = await runStep(
      lab,
      { resources: `ks/c\nks/b\nks/a`, namespace: fleet.ns, timeout: '3m' },
      fleet,
    );
    expect(step.exitCode, step.log).toBe(0);
    const order = ['a', 'b', 'c'].map((n) => step.stdout.indexOf(`► Kustomization ${fleet.ns}/${n}:`));
    const done = ['a', 'b'].map((n) => step.stdout.indexOf(`✔ Kustomization ${fleet.ns}/${n}:`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order[1]).toBeGreaterThan(done[0]!);
    expect(order[2]).toBeGreaterThan(done[1]!);
    expect(resultsOf(step).map((r) => [r.name, r.outcome])).toEqual([
      ['a', 'ready'],
      ['b', 'ready'],
      ['c', 'ready'],
    ]);
  });

  it('reconciles both sides of a diamond together, after the base and before the top', async () => {
    // With the source too: the broken commit above was mended, and the source must fetch the mend first.
    const step = await runStep(
      lab,
      {
        resources: 'ks/top, ks/left, ks/right, ks/base',
        namespace: fleet.ns,
        'with-source': 'true',
        timeout: '3m',
      },
      fleet,
    );
    expect(step.exitCode, step.log).toBe(0);
    const requested = (n: string) => step.stdout.indexOf(`► Kustomization ${fleet.ns}/${n}:`);
    const ready = (n: string) => step.stdout.indexOf(`✔ Kustomization ${fleet.ns}/${n}:`);
    expect(requested('left')).toBeGreaterThan(ready('base'));
    expect(requested('right')).toBeGreaterThan(ready('base'));
    // The two sides are requested before either has finished: they run at once.
    expect(Math.max(requested('left'), requested('right'))).toBeLessThan(
      Math.min(ready('left'), ready('right')),
    );
    expect(requested('top')).toBeGreaterThan(Math.max(ready('left'), ready('right')));
  });

  it('does not request the dependents of a failed object', async () => {
    await lab.patch('Kustomization', fleet.ns, 'a', { spec: { path: './does-not-exist' } });
    try {
      const step = await runStep(
        lab,
        { resources: 'ks/a, ks/b, ks/c', namespace: fleet.ns, timeout: '2m' },
        fleet,
      );
      expect(step.exitCode).toBe(1);
      expect(resultsOf(step).map((r) => [r.name, r.outcome])).toEqual([
        ['a', 'failed'],
        ['b', 'skipped'],
        ['c', 'skipped'],
      ]);
      expect(resultsOf(step)[0]!.message).toMatch(/does-not-exist/);
      expect(step.stdout).not.toContain(`► Kustomization ${fleet.ns}/b:`);
    } finally {
      await lab.patch('Kustomization', fleet.ns, 'a', { spec: { path: './chain/a' } });
    }
  });
});

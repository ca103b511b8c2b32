import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import { toKubeEvent } from '../../../src/kube/events.js';
import type { FluxResult } from '../../../src/reconcile/types.js';
import { isFluxResult } from '../../../src/reconcile/types.js';
import type { RelatedObjects } from '../../../src/report/collect.js';
import { CELL_MESSAGE_CHARS, renderSummary, SUMMARY_BUDGET_BYTES } from '../../../src/report/summary.js';
import unreachableEvents from '../../fixtures/events/gitrepository-failed-unreachable.json' with {
  type: 'json',
};
import brokenYamlEvents from '../../fixtures/events/kustomization-failed-invalid-yaml.json' with {
  type: 'json',
};
import {
  APP_HELM_CHART,
  CHART,
  conditionOf,
  FIRST_COMMIT,
  HELM_NAMESPACE as HELM,
  KS_NAMESPACE as KS,
  lastSeen,
  PUSHED_COMMIT,
  releasesOf,
  short,
} from '../../fixtures/report/captured.js';
import { resultFrom, SCENARIOS } from '../../fixtures/report/scenarios.js';
import unreachableGit from '../../fixtures/status/gitrepository-failed-unreachable.json' with {
  type: 'json',
};
import stalled from '../../fixtures/status/helmrelease-retries-exhausted.json' with { type: 'json' };
import upgraded from '../../fixtures/status/helmrelease-upgraded.json' with { type: 'json' };
import dependent from '../../fixtures/status/kustomization-dependency-not-ready.json' with { type: 'json' };
import brokenYaml from '../../fixtures/status/kustomization-failed-invalid-yaml.json' with { type: 'json' };
import readyReconciling from '../../fixtures/status/kustomization-reconciling.json' with { type: 'json' };
import { htmlProblems, tableRows, visibleText } from './html-check.js';

const scenario = (name: string) => SCENARIOS[name]!();
const render = (name: string) => {
  const s = scenario(name);
  return renderSummary(s.ctx, s.run, s.health);
};
/** Text taken literally inside a regular expression (captured names and revisions carry `.`). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** As much of a text as a prefix is long: a readable diff where a regular expression gives none. */
const startOf = (text: string | undefined, prefix: string) => text?.slice(0, prefix.length);
/** The details block of one object, by its `Kind namespace/name`. */
function detailsOf(html: string, ref: string): string {
  const start = html.indexOf(`<summary>`, html.indexOf(`<b>${ref}</b>`) - 40);
  expect(start, `details of ${ref}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</details>', start));
}

describe('renderSummary on the scenarios captured from the real controllers', () => {
  it.each(Object.keys(SCENARIOS))('%s is well-formed HTML with no blank line', (name) => {
    expect(htmlProblems(render(name))).toEqual([]);
  });

  it('success: a Ready verdict, one row per object, revisions shortened, no details, health footer', () => {
    const html = render('success');
    expect(html).toMatch(/^<h2>✅ Flux reconcile: all 4 objects Ready<\/h2>/);
    const rows = tableRows(html).map((r) => r.map(visibleText));
    expect(rows).toEqual([
      [
        '✅\u00a0Ready',
        `GitRepository (source)\n${KS}/fixtures`,
        `main@sha1:${short(FIRST_COMMIT)}\n→ main@sha1:${short(PUSHED_COMMIT)}`,
        '1.3s',
        `Succeeded: stored artifact for revision 'main@sha1:${short(PUSHED_COMMIT)}'`,
      ],
      [
        '✅\u00a0Ready',
        `Kustomization\n${KS}/ready`,
        `main@sha1:${short(FIRST_COMMIT)}\n→ main@sha1:${short(PUSHED_COMMIT)}`,
        '2.9s',
        `ReconciliationSucceeded: Applied revision: main@sha1:${short(PUSHED_COMMIT)}`,
      ],
      [
        '✅\u00a0Ready',
        `HelmChart (source)\n${APP_HELM_CHART}`,
        '1.0.0 → 1.1.0',
        '1.1s',
        `ChartPullSucceeded: pulled '${CHART}' chart with version '1.1.0'`,
      ],
      [
        '✅\u00a0Ready',
        `HelmRelease\n${HELM}/app`,
        '1.0.0 → 1.1.0',
        '4.9s',
        `UpgradeSucceeded: Helm upgrade succeeded for release ${HELM}/app.v${releasesOf(upgraded)[0]!.version} with chart ${CHART}@1.1.0`,
      ],
    ]);
    expect(html).not.toContain('<details>');
    // The header names the expected revision in full; the table never carries a 40-hex word.
    expect(html).toContain(`<code>${PUSHED_COMMIT}</code>`);
    expect(tableRows(html).flat().join('')).not.toMatch(/[0-9a-f]{40}/);
    // The namespace footer counts what else is failing there, and names it.
    expect(tableRows(html, '<h3>Namespace').map((r) => r.map(visibleText))).toEqual([
      ['Kustomizations', '5', '✅ 1', '❌ 4', '0', '0'],
      ['Sources', '1', '✅ 1', '0', '0', '0'],
    ]);
    const footer = visibleText(html.slice(html.indexOf('<h3>Namespace')));
    expect(footer).toContain(
      `❌ Kustomization ${KS}/broken-yaml — BuildFailed: failed to decode Kubernetes YAML`,
    );
    expect(footer).toContain(
      `❌ Kustomization ${KS}/no-source — ArtifactFailed: GitRepository.source.toolkit.fluxcd.io "does-not-exist" not found`,
    );
  });

  it('kustomization build failure: the controller reason and words in the row, details with conditions, events and next commands', () => {
    const html = render('kustomization-build-failed');
    expect(html).toMatch(/^<h2>❌ Flux reconcile: 1 of 3 objects not Ready<\/h2>/);
    const [failed] = tableRows(html).map((r) => r.map(visibleText));
    // kustomize-controller names the temporary directory it built in: the words are the captured ones.
    const buildFailed = conditionOf(brokenYaml, 'Ready').message;
    expect(buildFailed).toMatch(/^failed to decode Kubernetes YAML from .*MalformedYAMLError: yaml: line 5:/);
    expect(failed).toEqual([
      '❌\u00a0Failed',
      `Kustomization\n${KS}/broken-yaml`,
      `–\nexpected ${short(FIRST_COMMIT)}`,
      '2s',
      `BuildFailed: ${buildFailed}`,
    ]);
    const details = visibleText(detailsOf(html, `Kustomization ${KS}/broken-yaml`));
    expect(details).toContain(
      `Source GitRepository ${KS}/fixtures: ✅ Ready at main@sha1:${short(FIRST_COMMIT)}`,
    );
    expect(details).toMatch(
      new RegExp(
        `Reconciling\\s*True\\s*ProgressingWithRetry\\s*Building manifests for revision main@sha1:${FIRST_COMMIT}`,
      ),
    );
    expect(details).toMatch(/Ready\s*False\s*BuildFailed\s*the message above/);
    const seen = lastSeen(brokenYamlEvents, 'BuildFailed');
    expect(details).toMatch(
      new RegExp(`${seen.day}\\s*${seen.time}\\s*Kustomization/broken-yaml\\s*⚠️ Warning\\s*BuildFailed`),
    );
    for (const command of [
      `flux get kustomization broken-yaml -n ${KS}`,
      `flux events --for Kustomization/broken-yaml -n ${KS}`,
      `flux logs --kind=Kustomization --name=broken-yaml -n ${KS}`,
      `flux tree ks broken-yaml -n ${KS}`,
    ]) {
      expect(details).toContain(command);
    }
  });

  it('helm upgrade failure: the Helm error before the stall, history in release order, counters and helm commands', () => {
    const html = render('helm-upgrade-failed');
    expect(html).toMatch(/^<h2>❌ Flux reconcile: the object is not Ready<\/h2>/);
    const [failed] = tableRows(html).map((r) => r.map(visibleText));
    expect(failed![2]).toBe('1.1.0 (unchanged)');
    const upgradeFailed = `UpgradeFailed: Helm upgrade failed for release ${HELM}/app with chart ${CHART}@1.3.0`;
    expect(startOf(failed![4], `RetriesExceeded: ${upgradeFailed}`)).toBe(
      `RetriesExceeded: ${upgradeFailed}`,
    );
    const details = detailsOf(html, `HelmRelease ${HELM}/app`);
    const text = visibleText(details);
    expect(text).toContain('ConfigMap "app_Not_A_Valid_Name" is invalid');
    // The release rolled back to is numbered by that run of Helm: the controller's captured words name it.
    const rollback = conditionOf(stalled, 'Ready').message;
    expect(rollback).toMatch(
      new RegExp(
        `^Helm rollback to previous release ${literal(HELM)}/app\\.v\\d+ with chart ${literal(CHART)}@1\\.1\\.0 succeeded$`,
      ),
    );
    expect(text).toContain(`RollbackSucceeded: ${rollback}`);
    expect(text).toContain('Failed to upgrade after 2 attempt(s)');
    const history = tableRows(details, 'Helm release history').map((r) => r.map(visibleText));
    // status.history lists the rollback before the failed upgrade it undid; the release numbers tell the order.
    const [rolledBack, failedUpgrade, earlierRollback, install] = releasesOf(stalled).map(
      (r) => `${r.version}`,
    );
    expect(history.map((r) => r.slice(0, 5))).toEqual([
      [rolledBack, `${CHART} 1.1.0`, '1.1.0', 'deployed', 'rollback'],
      [failedUpgrade, `${CHART} 1.3.0`, '1.3.0', 'failed', 'upgrade'],
      [earlierRollback, `${CHART} 1.1.0`, '1.1.0', 'superseded', 'rollback'],
      [install, `${CHART} 1.0.0`, '1.0.0', 'superseded', ''],
    ]);
    const { failures, upgradeFailures } = (stalled as { status: Record<string, unknown> }).status;
    expect(text).toContain(
      `Failure counters: failures ${failures} · upgrade failures ${upgradeFailures} · last attempted action upgrade · last attempted chart 1.3.0`,
    );
    expect(text).toContain(`flux debug hr app -n ${HELM} --show-history`);
    // The source is the HelmChart helm-controller generated: named even though the run did not read it.
    expect(text).toContain(`Source HelmChart ${APP_HELM_CHART}: ❔ Unknown`);
    // Helm's events carry its logs: shown, but cut to a few lines.
    const withLogs = tableRows(details, 'Recent events')
      .map((r) => r.map(visibleText))
      .filter((r) => r[4]!.includes('Last Helm logs:'));
    expect(withLogs.length).toBeGreaterThan(0);
    for (const row of withLogs) expect(row[4]!.split('\n').length).toBeLessThanOrEqual(8);
    expect(withLogs.some((row) => row[4]!.endsWith('…'))).toBe(true);
  });

  it('dependency chain: the skipped child names the failed parent, its state and its commands', () => {
    const html = render('dependency-blocked');
    const rows = tableRows(html).map((r) => r.map(visibleText));
    expect(rows.map((r) => r[0])).toEqual(['❌\u00a0Failed', '⏭️\u00a0Skipped', '✅\u00a0Ready']);
    expect(rows[1]![3]).toBe('–');
    expect(rows[1]![4]).toBe(
      `DependencyFailed: not requested: Kustomization ${KS}/broken-yaml did not become Ready (failed)`,
    );
    const child = visibleText(detailsOf(html, `Kustomization ${KS}/dependent`));
    expect(child).toContain(`Waited on: Kustomization ${KS}/broken-yaml`);
    expect(child).toContain(
      `Depends on Kustomization ${KS}/broken-yaml: ❌ Failed — BuildFailed: failed to decode Kubernetes YAML`,
    );
    expect(conditionOf(dependent, 'Ready').message).toBe(`dependency '${KS}/broken-yaml' is not ready`);
    expect(child).toMatch(
      new RegExp(
        `Ready\\s*False\\s*DependencyNotReady\\s*dependency '${literal(KS)}/broken-yaml' is not ready`,
      ),
    );
    expect(child).toContain(`flux get kustomization broken-yaml -n ${KS}`);
    expect(child).toContain(`flux events --for Kustomization/broken-yaml -n ${KS}`);
  });

  it('timeout: what each object waited for, against the revision expected', () => {
    const html = render('timeout');
    expect(html).toMatch(/^<h2>❌ Flux wait: 2 of 3 objects not Ready<\/h2>/);
    const rows = tableRows(html).map((r) => r.map(visibleText));
    expect(rows.map((r) => r[0])).toEqual([
      '⏱️\u00a0Timed\u00a0out',
      '⏱️\u00a0Timed\u00a0out',
      '✅\u00a0Ready',
    ]);
    expect(rows[0]![2]).toBe(
      `main@sha1:${short(FIRST_COMMIT)} (unchanged)\nexpected ${short(PUSHED_COMMIT)}`,
    );
    // Caught mid-flight: the controller's words at that moment are whatever the capture saw.
    const inProgress = conditionOf(readyReconciling, 'Ready');
    expect(rows[0]![4]).toBe(
      `Progressing: Timed out after 120s waiting for Ready. Last status: ${inProgress.reason}: ${inProgress.message}.`,
    );
    const waited = `ReconciliationFailed: Timed out after 120s waiting for revision ${short(PUSHED_COMMIT)} (the last attempt, main@sha1:${short(FIRST_COMMIT)}, failed)`;
    expect(startOf(rows[1]![4], waited)).toBe(waited);
    const schema = visibleText(detailsOf(html, `Kustomization ${KS}/broken-schema`));
    expect(schema).toContain(
      `Waited on: revision ${PUSHED_COMMIT} (the last attempt, main@sha1:${FIRST_COMMIT}, failed)`,
    );
    expect(schema).toContain('.data.count: expected string, got &value.valueUnstructured{Value:3}');
    expect(tableRows(html, '<h3>Namespace').map((r) => r.map(visibleText))[0]).toEqual([
      'Kustomizations',
      '5',
      '0',
      '❌ 4',
      '0',
      '⏳ 1',
    ]);
  });

  it('titles the run by what happened: Ready, suspended, or none failed when static objects were skipped', () => {
    const s = SCENARIOS.success!();
    Object.assign(s.run.results[0]!, { outcome: 'skipped', ok: true, reason: 'Static' });
    expect(renderSummary(s.ctx, s.run)).toMatch(/^<h2>✅ Flux reconcile: 4 objects, none failed<\/h2>/);
    s.run.command = 'suspend';
    for (const r of s.run.results) Object.assign(r, { outcome: 'suspended', ok: true });
    expect(renderSummary(s.ctx, s.run)).toMatch(/^<h2>✅ Flux suspend: all 4 objects suspended<\/h2>/);
    s.run.results = [];
    expect(renderSummary(s.ctx, s.run)).toMatch(/^<h2>✅ Flux suspend: no objects to suspend<\/h2>/);
  });

  it('orders problems first and keeps run order within an outcome', () => {
    const rows = tableRows(render('dependency-blocked')).map((r) => visibleText(r[1]!));
    expect(rows).toEqual([
      `Kustomization\n${KS}/broken-yaml`,
      `Kustomization\n${KS}/dependent`,
      `GitRepository (source)\n${KS}/fixtures`,
    ]);
  });
});

describe('renderSummary with hostile text from the cluster', () => {
  const hostile = [
    'apply failed | column | break',
    '<script>alert("x")</script> & <img src=x onerror=alert(1)>',
    '',
    '',
    'line after two blank lines',
    '\u001b[31mred\u001b[0m and a NUL\u0000 and a bell\u0007',
  ].join('\n');

  function hostileRun() {
    const s = SCENARIOS['kustomization-build-failed']!();
    const apps = s.run.results.find((r) => r.name === 'broken-yaml')!;
    apps.message = hostile;
    apps.reason = 'Build<Failed>';
    apps.last = {
      ...apps.last!,
      status: {
        ...apps.last!.status,
        conditions: [{ type: 'Ready', status: 'False', reason: 'Build|Failed', message: hostile }],
      },
    };
    apps.events = [
      {
        type: 'Warning',
        reason: '<b>x</b>',
        message: hostile,
        lastTimestamp: 'not a time <i>',
        involvedObject: { kind: 'Kustomization', name: 'apps|x', namespace: KS },
      },
    ];
    return s;
  }

  it('escapes everything, keeps every row whole and stays well-formed', () => {
    const s = hostileRun();
    const html = renderSummary(s.ctx, s.run, s.health);
    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(html).not.toContain('|');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img');
    const rows = tableRows(html);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === 5)).toBe(true);
    // Newlines inside a cell are <br>, never a raw line break that Markdown could act on.
    expect(rows[0]![4]).toContain('apply failed &#124; column &#124; break<br>&lt;script&gt;');
    expect(visibleText(html)).toContain('red and a NUL and a bell');
    for (const control of ['\u0000', '\u0007', '\u001b']) expect(html).not.toContain(control);
  });
});

describe('renderSummary truncation and limits', () => {
  it('cuts a long message in the cell and keeps the whole text in the details', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const apps = s.run.results.find((r) => r.name === 'broken-yaml')!;
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    apps.message = `${words} THE-END`;
    const html = renderSummary(s.ctx, s.run, s.health);
    const cell = visibleText(tableRows(html)[0]![4]!);
    expect(cell.length).toBeLessThan(CELL_MESSAGE_CHARS + 80);
    expect(cell).not.toContain('THE-END');
    expect(cell).toContain('(full text in the details below)');
    expect(visibleText(detailsOf(html, `Kustomization ${KS}/broken-yaml`))).toContain('word399 THE-END');
  });

  it('gives a Ready object with a long message a details block for the full text', () => {
    const s = SCENARIOS.success!();
    s.run.results[1]!.message = `${'x'.repeat(300)} TAIL`;
    const html = renderSummary(s.ctx, s.run, s.health);
    expect(visibleText(detailsOf(html, `Kustomization ${KS}/ready`))).toContain('TAIL');
    expect(visibleText(detailsOf(html, `Kustomization ${KS}/ready`))).not.toContain('flux logs');
  });

  it('stays under GitHub’s summary size limit when hundreds of objects fail with huge messages', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const template = s.run.results.find((r) => r.name === 'broken-yaml') as FluxResult;
    s.run.results = Array.from({ length: 400 }, (_, i) =>
      resultFrom(structuredClone(template.last!), {
        ...template,
        name: `app-${i}`,
        message: `prune failed:\n${'ConfigMap/apps/settings deleted\n'.repeat(300)}`,
        durationMs: 1000,
      }),
    );
    const html = renderSummary(s.ctx, s.run, s.health);
    expect(Buffer.byteLength(html)).toBeLessThan(SUMMARY_BUDGET_BYTES + 50_000);
    expect(tableRows(html)).toHaveLength(400);
    expect(visibleText(html)).toMatch(
      /Details of \d+ more objects left out to stay within GitHub's summary size limit/,
    );
    expect(htmlProblems(html)).toEqual([]);
  });
});

describe('renderSummary of a tree of thousands of objects', () => {
  /** 3,300 children (as a tree spanning hundreds of namespaces has): 7 failed, the rest Ready. */
  function thousands() {
    const s = SCENARIOS['kustomization-build-failed']!();
    const failed = s.run.results.filter(isFluxResult).find((r) => r.name === 'broken-yaml')!;
    const ready = SCENARIOS.success!()
      .run.results.filter(isFluxResult)
      .find((r) => r.kind === 'Kustomization')!;
    s.run.results = Array.from({ length: 3_300 }, (_, i) => {
      const template = i % 470 === 469 ? failed : ready;
      return resultFrom(structuredClone(template.last!), {
        ...template,
        name: `team-${i}-app`,
        namespace: `team-${i}`,
        role: 'child',
        parent: { kind: 'Kustomization', namespace: 'flux-system', name: 'root' },
        durationMs: 1000,
      });
    });
    return s;
  }

  it('keeps the table within the size budget: failures first, the rest counted', () => {
    const s = thousands();
    const html = renderSummary(s.ctx, s.run, s.health);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES);
    const rows = tableRows(html);
    expect(rows.length).toBeLessThan(3_300);
    // Every failure has its row, before any Ready one.
    const failedRows = rows.filter((row) => visibleText(row[0]!).includes('Failed'));
    expect(failedRows).toHaveLength(7);
    expect(rows.slice(0, 7).every((row) => visibleText(row[0]!).includes('Failed'))).toBe(true);
    expect(visibleText(html)).toMatch(
      new RegExp(`${3_300 - rows.length} more objects not listed here: ${3_300 - rows.length} ready`),
    );
    expect(htmlProblems(html)).toEqual([]);
  });

  it('fits a pull request comment the same way, with the failures listed', () => {
    const s = thousands();
    const html = renderSummary(s.ctx, s.run, undefined, undefined, 60_000);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(60_000);
    expect(tableRows(html).filter((row) => visibleText(row[0]!).includes('Failed'))).toHaveLength(7);
    expect(visibleText(html)).toMatch(/\d+ more objects not listed here: \d+ ready/);
  });
});

describe('renderSummary never shows kubeconfig credentials', () => {
  it('shows the server host only, never user info or query parameters from the server URL', () => {
    const s = SCENARIOS.success!();
    s.ctx.server = 'https://admin:s3cr3t-pass@k8s.example.internal:6443/prefix?token=abc123';
    const html = renderSummary(s.ctx, s.run, s.health);
    expect(html).toContain('<code>k8s.example.internal:6443</code>');
    for (const secret of ['admin', 's3cr3t-pass', 'abc123', 'prefix']) expect(html).not.toContain(secret);
  });
});

describe('renderSummary with objects read after the run', () => {
  it('shows the state of a source that was not part of the run, and its events', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    s.run.results = s.run.results.filter((r) => r.kind !== 'GitRepository');
    // A real failed GitRepository, renamed into the place of this scenario's source.
    const git = structuredClone(unreachableGit) as FluxObject;
    git.metadata = { ...git.metadata, name: 'fixtures', namespace: KS };
    const gitRef = { kind: 'GitRepository', namespace: KS, name: 'fixtures' };
    const related: RelatedObjects = new Map([
      [
        `GitRepository/${KS}/fixtures`,
        {
          ref: gitRef,
          object: git,
          events: (unreachableEvents as unknown as CoreV1Event[]).map(toKubeEvent),
        },
      ],
    ]);
    const html = renderSummary({ ...s.ctx, related }, s.run, s.health);
    const details = visibleText(detailsOf(html, `Kustomization ${KS}/broken-yaml`));
    expect(details).toMatch(
      new RegExp(
        `Source GitRepository ${KS}/fixtures: ❌ Not ready — GitOperationFailed: failed to checkout and determine revision: unable to clone 'http://127\\.0\\.0\\.1:9/nothing-listens-here\\.git'.* \\(not in this run\\)`,
      ),
    );
    expect(details).toContain(`flux get source git fixtures -n ${KS}`);
    expect(details).toContain(`flux events --for GitRepository/fixtures -n ${KS}`);
    expect(details).toMatch(/GitRepository\/unreachable\s*⚠️ Warning\s*GitOperationFailed/);
  });
});

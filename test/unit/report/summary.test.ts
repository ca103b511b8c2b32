import { describe, expect, it } from 'vitest';
import type { RelatedObjects } from '../../../src/report/collect.js';
import { CELL_MESSAGE_CHARS, renderSummary, SUMMARY_BUDGET_BYTES } from '../../../src/report/summary.js';
import { NEW_COMMIT, NEXT_COMMIT, resultFrom, SCENARIOS } from '../../fixtures/report/scenarios.js';
import { htmlProblems, tableRows, visibleText } from './html-check.js';

const scenario = (name: string) => SCENARIOS[name]!();
const render = (name: string) => {
  const s = scenario(name);
  return renderSummary(s.ctx, s.run, s.health);
};
/** The details block of one object, by its `Kind namespace/name`. */
function detailsOf(html: string, ref: string): string {
  const start = html.indexOf(`<summary>`, html.indexOf(`<b>${ref}</b>`) - 40);
  expect(start, `details of ${ref}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</details>', start));
}

describe('renderSummary on the fixture scenarios', () => {
  it.each(Object.keys(SCENARIOS))('%s is well-formed HTML with no blank line', (name) => {
    expect(htmlProblems(render(name))).toEqual([]);
  });

  it('success: a Ready verdict, one row per object, revisions shortened, no details, health footer', () => {
    const html = render('success');
    expect(html).toMatch(/^<h2>✅ Flux reconcile: all 5 objects Ready<\/h2>/);
    const rows = tableRows(html);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => visibleText(r[0]!))).toEqual(Array(5).fill('✅\u00a0Ready'));
    expect(visibleText(rows[1]![1]!)).toBe('Kustomization\nflux-system/infra');
    expect(visibleText(rows[0]![1]!)).toBe('GitRepository (source)\nflux-system/flux-system');
    expect(visibleText(rows[1]![2]!)).toBe('main@sha1:c00dbbc9\n→ main@sha1:c2a6b03f');
    expect(visibleText(rows[4]![2]!)).toBe('6.7.0 → 6.7.1');
    expect(visibleText(rows[1]![3]!)).toBe('6.4s');
    expect(html).not.toContain('<details>');
    // The header names the expected revision in full; the table never carries a 40-hex word.
    expect(html).toContain(`<code>${NEW_COMMIT}</code>`);
    expect(rows.flat().join('')).not.toMatch(/[0-9a-f]{40}/);
    expect(visibleText(html)).toMatch(/Namespace flux-system/);
    const health = tableRows(html, '<h3>Namespace');
    expect(health.map((r) => r.map(visibleText))).toEqual([
      ['Kustomizations', '3', '✅ 2', '0', '⏸️ 1', '0'],
      ['HelmReleases', '0', '0', '0', '0', '0'],
      ['Sources', '3', '✅ 3', '0', '0', '0'],
    ]);
  });

  it('kustomization build failure: the row shows the controller reason, details hold the whole error and next commands', () => {
    const html = render('kustomization-build-failed');
    expect(html).toMatch(/^<h2>❌ Flux reconcile: 1 of 3 objects not Ready<\/h2>/);
    const [failed] = tableRows(html);
    expect(visibleText(failed![0]!)).toBe('❌\u00a0Failed');
    expect(visibleText(failed![2]!)).toBe('main@sha1:c00dbbc9 (unchanged)\nexpected c2a6b03f');
    const message = visibleText(failed![4]!);
    expect(message).toMatch(/^BuildFailed: kustomize build failed: accumulating resources/);
    expect(message).toMatch(/… \(full text in the details below\)$/);
    const details = visibleText(detailsOf(html, 'Kustomization flux-system/apps'));
    expect(details).toContain(
      'lstat /tmp/kustomization-2871449261/apps/podinfo.yaml: no such file or directory',
    );
    expect(details).toContain('Depends on Kustomization flux-system/infra: ✅ Ready');
    expect(details).toContain('Source GitRepository flux-system/flux-system: ✅ Ready');
    expect(details).toMatch(/Reconciling\s*True\s*ProgressingWithRetry/);
    expect(details).toContain('flux get kustomization apps -n flux-system');
    expect(details).toContain('flux events --for Kustomization/apps -n flux-system');
    expect(details).toContain('flux logs --kind=Kustomization --name=apps -n flux-system');
    expect(details).toContain('flux tree ks apps -n flux-system');
    // The source's event is among the recent events.
    expect(details).toContain("stored artifact for commit 'Move podinfo into apps'");
    expect(visibleText(html)).toMatch(/Failing\s*❌ Kustomization flux-system\/apps — BuildFailed/);
  });

  it('helm upgrade failure: the Helm error next to the stall, history, counters and helm commands', () => {
    const html = render('helm-upgrade-failed');
    const [failed] = tableRows(html);
    expect(visibleText(failed![4]!)).toMatch(
      /^RetriesExceeded: UpgradeFailed: Helm upgrade failed for release podinfo\/podinfo with chart podinfo@6\.7\.2/,
    );
    const details = detailsOf(html, 'HelmRelease podinfo/podinfo');
    expect(visibleText(details)).toContain('Failed to upgrade after 1 attempt(s)');
    const history = tableRows(details, 'Helm release history').map((r) => r.map(visibleText));
    expect(history).toEqual([
      ['4', 'podinfo 6.7.2', '6.7.2', 'failed', 'upgrade', '2026-03-14\n09:26:12'],
      ['3', 'podinfo 6.7.1', '6.7.1', 'deployed', 'upgrade', '2026-03-14\n09:24:41'],
    ]);
    expect(visibleText(details)).toContain('Failure counters: failures 1 · upgrade failures 1');
    expect(visibleText(details)).toContain('flux debug hr podinfo -n podinfo --show-history');
    // The source is the HelmChart the controller generated for this release.
    expect(visibleText(details)).toContain('Source HelmChart flux-system/podinfo-podinfo: ✅ Ready at 6.7.2');
  });

  it('dependency chain: the skipped child names the failed parent and its state, with the parent commands', () => {
    const html = render('dependency-blocked');
    const rows = tableRows(html).map((r) => r.map(visibleText));
    expect(rows.map((r) => r[0])).toEqual(['❌\u00a0Failed', '⏭️\u00a0Skipped', '✅\u00a0Ready']);
    expect(rows[1]![3]).toBe('–');
    const child = visibleText(detailsOf(html, 'Kustomization flux-system/apps'));
    expect(child).toContain('Waited on: Kustomization flux-system/infra');
    expect(child).toMatch(
      /Depends on Kustomization flux-system\/infra: ❌ Failed at main@sha1:c00dbbc9 — HealthCheckFailed: timeout waiting for/,
    );
    expect(child).toContain('flux get kustomization infra -n flux-system');
    expect(child).toContain('flux events --for Kustomization/infra -n flux-system');
  });

  it('timeout: both objects timed out, the expected revision shown against what they reached', () => {
    const html = render('timeout');
    expect(html).toMatch(/^<h2>❌ Flux wait: 2 of 2 objects not Ready<\/h2>/);
    expect(html).toContain(`<code>${NEXT_COMMIT}</code>`);
    const rows = tableRows(html).map((r) => r.map(visibleText));
    expect(rows.map((r) => r[0])).toEqual(['⏱️\u00a0Timed\u00a0out', '⏱️\u00a0Timed\u00a0out']);
    expect(rows[0]![2]).toBe('main@sha1:c2a6b03f (unchanged)\nexpected edee9402');
    expect(rows[0]![4]).toMatch(/^RevisionNotReached: Timed out after 120s waiting for revision edee9402\./);
    expect(visibleText(detailsOf(html, 'GitRepository flux-system/flux-system'))).toContain(
      `Waited on: revision ${NEXT_COMMIT}`,
    );
  });

  it('titles the run by what happened: Ready, suspended, or none failed when static objects were skipped', () => {
    const s = SCENARIOS.success!();
    Object.assign(s.run.results[0]!, { outcome: 'skipped', ok: true, reason: 'Static' });
    expect(renderSummary(s.ctx, s.run)).toMatch(/^<h2>✅ Flux reconcile: 5 objects, none failed<\/h2>/);
    s.run.command = 'suspend';
    for (const r of s.run.results) Object.assign(r, { outcome: 'suspended', ok: true });
    expect(renderSummary(s.ctx, s.run)).toMatch(/^<h2>✅ Flux suspend: all 5 objects suspended<\/h2>/);
    s.run.results = [];
    expect(renderSummary(s.ctx, s.run)).toMatch(/^<h2>✅ Flux suspend: no objects to suspend<\/h2>/);
  });

  it('orders problems first and keeps run order within an outcome', () => {
    const rows = tableRows(render('dependency-blocked')).map((r) => visibleText(r[1]!));
    expect(rows).toEqual([
      'Kustomization\nflux-system/infra',
      'Kustomization\nflux-system/apps',
      'GitRepository (source)\nflux-system/flux-system',
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
    const apps = s.run.results.find((r) => r.name === 'apps')!;
    apps.message = hostile;
    apps.reason = 'Build<Failed>';
    apps.conditions = [{ type: 'Ready', status: 'False', reason: 'Build|Failed', message: hostile }];
    apps.events = [
      {
        type: 'Warning',
        reason: '<b>x</b>',
        message: hostile,
        lastTimestamp: 'not a time <i>',
        involvedObject: { kind: 'Kustomization', name: 'apps|x', namespace: 'flux-system' },
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
    const apps = s.run.results.find((r) => r.name === 'apps')!;
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    apps.message = `${words} THE-END`;
    const html = renderSummary(s.ctx, s.run, s.health);
    const cell = visibleText(tableRows(html)[0]![4]!);
    expect(cell.length).toBeLessThan(CELL_MESSAGE_CHARS + 80);
    expect(cell).not.toContain('THE-END');
    expect(cell).toContain('(full text in the details below)');
    expect(visibleText(detailsOf(html, 'Kustomization flux-system/apps'))).toContain('word399 THE-END');
  });

  it('gives a Ready object with a long message a details block for the full text', () => {
    const s = SCENARIOS.success!();
    s.run.results[1]!.message = `${'x'.repeat(300)} TAIL`;
    const html = renderSummary(s.ctx, s.run, s.health);
    expect(visibleText(detailsOf(html, 'Kustomization flux-system/infra'))).toContain('TAIL');
    expect(visibleText(detailsOf(html, 'Kustomization flux-system/infra'))).not.toContain('flux logs');
  });

  it('stays under GitHub’s summary size limit when hundreds of objects fail with huge messages', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const template = s.run.results.find((r) => r.name === 'apps')!;
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
  it('shows the state of a source that was not part of the run and its events', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    s.run.results = s.run.results.filter((r) => r.kind !== 'GitRepository');
    const gitRef = { kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' };
    const related: RelatedObjects = new Map([
      [
        'GitRepository/flux-system/flux-system',
        {
          ref: gitRef,
          object: {
            metadata: { name: 'flux-system', namespace: 'flux-system' },
            status: {
              conditions: [
                {
                  type: 'Ready',
                  status: 'False',
                  reason: 'GitOperationFailed',
                  message:
                    "failed to checkout and determine revision: unable to clone 'http://127.0.0.1:1/x.git'",
                },
              ],
            },
          },
          events: [
            {
              type: 'Warning',
              reason: 'GitOperationFailed',
              message: 'unable to clone',
              lastTimestamp: '2026-03-14T09:30:00Z',
              involvedObject: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
            },
          ],
        },
      ],
    ]);
    const html = renderSummary({ ...s.ctx, related }, s.run, s.health);
    const details = visibleText(detailsOf(html, 'Kustomization flux-system/apps'));
    expect(details).toMatch(
      /Source GitRepository flux-system\/flux-system: ❌ Not ready — GitOperationFailed: failed to checkout.* \(not in this run\)/,
    );
    expect(details).toContain('flux get source git flux-system -n flux-system');
    expect(details).toContain('unable to clone');
  });
});

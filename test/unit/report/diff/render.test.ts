import { describe, expect, it } from 'vitest';
import type { DiffResult, DiffRun, ObjectChange } from '../../../../src/diff/types.js';
import { renderDiffBlock } from '../../../../src/report/diff/render.js';
import { htmlProblems, tableRows } from '../html-check.js';

const ref = (name: string) => ({ kind: 'Kustomization', namespace: 'flux-system', name, durationMs: 1200 });

const configured = (name: string, diff: string): ObjectChange => ({
  kind: 'ConfigMap',
  namespace: 'apps',
  name,
  change: 'configured',
  diff,
});

function runOf(results: DiffResult[]): DiffRun {
  return {
    results,
    changed: results.some(
      (r) => r.state === 'changed' || (r.state === 'helm-drift' && r.drift.drifted === true),
    ),
    failed: results.some((r) => r.state === 'failed'),
    durationMs: 4200,
  };
}

// As the CLI prints it (test/fixtures/diff/changes.json).
const DIFF = 'data.mode\n± value change\n- blue\n+ green';

describe('renderDiffBlock', () => {
  const run = runOf([
    {
      ...ref('same'),
      state: 'unchanged',
      path: './same',
      changes: [],
      parent: { kind: 'Kustomization', namespace: 'flux-system', name: 'flux-system' },
    },
    {
      ...ref('apps'),
      state: 'changed',
      path: './apps',
      changes: [
        configured('settings', DIFF),
        { kind: 'ConfigMap', namespace: 'apps', name: 'added', change: 'created' },
        { kind: 'Namespace', namespace: '', name: 'shop', change: 'created' },
        { kind: 'ConfigMap', namespace: 'apps', name: 'old', change: 'deleted' },
      ],
    },
    {
      ...ref('broken'),
      state: 'failed',
      path: './broken',
      message: 'kustomize build failed:\nline 3: bad',
      changes: [],
    },
    {
      ...ref('infra'),
      state: 'not-in-checkout',
      message: 'Its source is OCIRepository flux-system/infra.',
    },
  ]);
  const html = renderDiffBlock(run, {
    budgetBytes: 900_000,
    context: { server: 'https://user:pw@api.example.com:6443', contextName: 'prod', fluxVersion: '2.9.5' },
  });

  it('says what happened first, problems before changes before the rest', () => {
    expect(html).toMatch(/^<h2>❌ Flux diff: 1 of 4 objects could not be diffed; 1 differs<\/h2>/);
    expect(html).toContain('<code>api.example.com:6443</code>');
    expect(html).not.toContain('pw@');
    const rows = tableRows(html);
    expect(rows.map((r) => r[1])).toEqual([
      'Kustomization<br><code>flux-system/broken</code>',
      'Kustomization<br><code>flux-system/apps</code>',
      'Kustomization<br><code>flux-system/same</code><br><sub>applied by Kustomization flux-system/flux-system</sub>',
      'Kustomization<br><code>flux-system/infra</code>',
    ]);
    expect(rows[1]![3]).toBe('2 created, 1 configured, 1 deleted');
    expect(rows[0]![3]).toBe('kustomize build failed:<br>line 3: bad');
  });

  it('lists each changed object and gives each configured one a collapsible diff', () => {
    const objects = tableRows(html, '<h3>✏️\u00a0Changed Kustomization flux-system/apps</h3>');
    expect(objects.map((r) => r[1])).toEqual([
      'ConfigMap<br><code>apps/settings</code>',
      'ConfigMap<br><code>apps/added</code>',
      'Namespace<br><code>shop</code>',
      'ConfigMap<br><code>apps/old</code>',
    ]);
    expect(html).toContain(
      '<details><summary>✏️ ConfigMap apps/settings</summary>\n<pre>data.mode&#10;± value change&#10;- blue&#10;+ green</pre></details>',
    );
    expect(html).toContain('<blockquote>kustomize build failed:<br>line 3: bad</blockquote>');
  });

  it('is well-formed HTML with no blank line', () => {
    expect(htmlProblems(html)).toEqual([]);
  });

  it('escapes cluster and diff text', () => {
    const hostile = runOf([
      {
        ...ref('x'),
        state: 'changed',
        path: './x',
        changes: [configured('y', '</pre><script>alert(1)</script>\n\n| a | b |\n::error::no\n<!-- -->')],
      },
      {
        ...ref('z'),
        state: 'failed',
        message: '<img src=x onerror=alert(1)> **bold** [link](http://x)',
        changes: [],
      },
    ]);
    const out = renderDiffBlock(hostile, { budgetBytes: 100_000 });
    expect(htmlProblems(out)).toEqual([]);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<!--');
    expect(out).toContain('&lt;/pre&gt;&lt;script&gt;');
  });

  it("says when a HelmRelease row is its controller's drift detection, not a diff", () => {
    const out = renderDiffBlock(
      runOf([
        {
          kind: 'HelmRelease',
          namespace: 'apps',
          name: 'web',
          durationMs: 0,
          state: 'helm-drift',
          drift: {
            mode: 'warn',
            drifted: true,
            reason: 'DriftDetected',
            message:
              'Cluster state of release apps/web.v1 has drifted from the desired state:\nConfigMap/apps/web-config changed (0 additions, 1 changes, 0 removals)',
            events: [],
          },
        },
      ]),
      { budgetBytes: 100_000 },
    );
    expect(out).toMatch(/^<h2>✏️ Flux diff: the object differs<\/h2>/);
    expect(tableRows(out)[0]![0]).toBe('⚠️\u00a0Drifted');
    expect(out).toContain('HelmReleases are not diffed by the flux CLI');
    expect(out).toContain('ConfigMap/apps/web-config changed');
    expect(htmlProblems(out)).toEqual([]);
  });

  it('keeps within its budget, leaving out diffs that do not fit and saying so', () => {
    const big = 'x'.repeat(3_000);
    const many = runOf([
      {
        ...ref('apps'),
        state: 'changed',
        path: './apps',
        changes: Array.from({ length: 40 }, (_, i) => configured(`cm-${i}`, `data.v\n  - ${big}\n  + ${i}`)),
      },
    ]);
    const budget = 30_000;
    const out = renderDiffBlock(many, { budgetBytes: budget });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(budget);
    expect(htmlProblems(out)).toEqual([]);
    const shown = out.match(/<details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
    expect(out).toContain(`Left out to stay within the size limit: ${40 - shown} diffs.`);
    // Every object is still listed in its table.
    expect(tableRows(out, '<h3>').length).toBe(40);
  });

  it('says when nothing differs', () => {
    const out = renderDiffBlock(runOf([{ ...ref('a'), state: 'unchanged', path: './', changes: [] }]), {
      budgetBytes: 10_000,
    });
    expect(out).toMatch(/^<h2>✅ Flux diff: no differences in the object<\/h2>/);
  });
});

// How the report shows the checks after Ready: a workload's row under the object that applied it (ready/
// desired, the image of the new version, the failing pod and its reason), the verify-url answers and the soak,
// in the summary, the log, the annotations and the outputs. Text from the app and the cluster stays text.
import { describe, expect, it } from 'vitest';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { FluxResult, RunResult, WorkloadResult } from '../../../src/reconcile/types.js';
import { annotationsFor } from '../../../src/report/annotations.js';
import { finalState, resultDescription } from '../../../src/report/github/wording.js';
import { failureLine, probeLine, soakEndedLine, verdictLine } from '../../../src/report/log.js';
import { buildOutputs } from '../../../src/report/outputs.js';
import { renderSummary } from '../../../src/report/summary.js';
import { viewOf } from '../../../src/report/view.js';
import { htmlProblems, tableRows, visibleText } from './html-check.js';

const apps: FluxResult = {
  kind: 'Kustomization',
  fluxKind: KUSTOMIZATION,
  namespace: 'flux-system',
  name: 'apps',
  outcome: 'ready',
  ok: true,
  role: 'requested',
  revisionBefore: 'main@sha1:1111111111111111111111111111111111111111',
  revisionAfter: 'main@sha1:2222222222222222222222222222222222222222',
  durationMs: 4_000,
  reason: 'ReconciliationSucceeded',
  message: 'Applied revision: main@sha1:2222222222222222222222222222222222222222',
};
const parent = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };

function workload(name: string, extra: Partial<WorkloadResult>): WorkloadResult {
  return {
    kind: 'Deployment',
    namespace: 'shop',
    name,
    role: 'workload',
    parent,
    outcome: 'ready',
    ok: true,
    durationMs: 9_000,
    reason: 'RolledOut',
    message: '1/1 available · 1 updated · 1 ready',
    rollout: { workloadKind: 'Deployment', ready: 1, desired: 1, counts: '', images: ['nginx:1.27'] },
    ...extra,
  };
}

const web = workload('web', {});
const api = workload('api', {
  outcome: 'failed',
  ok: false,
  durationMs: 31_000,
  reason: 'ImagePullBackOff',
  message: 'pod api-7d4b9-x2x (container app): Back-off pulling image "registry.invalid/app:1"',
  rollout: {
    workloadKind: 'Deployment',
    ready: 0,
    desired: 1,
    counts: '0/1 available',
    images: ['registry.invalid/app:1'],
    pod: {
      pod: 'api-7d4b9-x2x',
      container: 'app',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image',
    },
  },
});

/** A cell's text on one line, as a person reads it. */
const flat = (html: string): string => visibleText(html).replace(/\s+/g, ' ').trim();

const run = (results: RunResult['results'], extra: Partial<RunResult> = {}): RunResult => ({
  command: 'reconcile',
  ready: results.every((r) => r.ok),
  results,
  durationMs: 40_000,
  ...extra,
});

describe('a workload row', () => {
  it('sits under the object that applied it, with its image and ready/desired; a failing one first, with its pod', () => {
    const other: FluxResult = { ...apps, name: 'infra' };
    const html = renderSummary({ namespace: 'flux-system' }, run([other, apps, web, api]));
    expect(htmlProblems(html)).toEqual([]);
    const rows = tableRows(html).map((r) => r.map(flat));
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['✅ Ready', 'Kustomization flux-system/apps'],
      ['✅ Ready', '↳ Deployment (workload) ↳ shop/web'],
      ['❌ Failed', '↳ Deployment (workload) ↳ shop/api'],
      ['✅ Ready', 'Kustomization flux-system/infra'],
    ]);
    expect(rows[1]![2]).toBe('nginx:1.27');
    expect(rows[1]![4]).toBe('1/1 ready');
    expect(rows[2]![4]).toBe(
      'ImagePullBackOff: pod api-7d4b9-x2x (container app): Back-off pulling image "registry.invalid/app:1"',
    );
    expect(visibleText(html)).toContain('❌ Flux reconcile: 1 of 2 workloads not rolled out');
    expect(visibleText(html)).toContain('kubectl describe pod api-7d4b9-x2x -n shop');
  });

  it('says it in one log line, and as an error annotation naming the parent', () => {
    expect(verdictLine(viewOf(web))).toBe(
      '✔ Deployment shop/web: Ready after 9s — 1/1 ready · nginx:1.27 (workload of Kustomization flux-system/apps)',
    );
    expect(verdictLine(viewOf(api))).toBe(
      '✗ Deployment shop/api: Failed after 31s — ImagePullBackOff: pod api-7d4b9-x2x (container app): Back-off pulling image "registry.invalid/app:1" (workload of Kustomization flux-system/apps)',
    );
    expect(annotationsFor(run([apps, api]))).toEqual([
      {
        level: 'error',
        title: 'Deployment shop/api',
        message:
          'ImagePullBackOff: pod api-7d4b9-x2x (container app): Back-off pulling image "registry.invalid/app:1"\nWorkload of Kustomization flux-system/apps',
      },
    ]);
  });

  it('one that could not be watched under auto is a warning, not a failure', () => {
    const unread = workload('web', {
      outcome: 'skipped',
      reason: 'WatchFailed',
      message:
        'not judged: could not watch deployments in shop: HTTP 403 Forbidden (grant get, list and watch on them, or set workloads: false)',
    });
    expect(annotationsFor(run([apps, unread]))).toEqual([
      {
        level: 'warning',
        title: 'Deployment shop/web',
        message:
          'WatchFailed: not judged: could not watch deployments in shop: HTTP 403 Forbidden (grant get, list and watch on them, or set workloads: false)',
      },
    ]);
  });

  it('is a record of the results output with role workload and its parent, and `failed` names it', () => {
    const outputs = buildOutputs(run([apps, web, api]));
    const records = JSON.parse(outputs.results) as Array<Record<string, unknown>>;
    expect(records[2]).toMatchObject({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'api',
      role: 'workload',
      parent: 'Kustomization/flux-system/apps',
      outcome: 'failed',
      rollout: {
        ready: 0,
        desired: 1,
        images: ['registry.invalid/app:1'],
        pod: 'api-7d4b9-x2x',
        podReason: 'ImagePullBackOff',
      },
    });
    expect(records[0]!.rollout).toBeNull();
    expect(JSON.parse(outputs.failed)).toEqual(['Deployment/shop/api']);
    expect(failureLine(run([apps, web, api]))).toBe(
      '1 of 2 workloads did not roll out: Deployment shop/api (failed)',
    );
    expect(outputs.ready).toBe('false');
  });

  it('a green run says what it proved beyond Ready', () => {
    const html = renderSummary({ namespace: 'flux-system' }, run([apps, web]));
    expect(visibleText(html)).toContain('✅ Flux reconcile: the object is Ready, 1 workload rolled out');
  });
});

describe('verify-url and the soak', () => {
  const held = {
    stableForMs: 30_000,
    startedAt: '2026-11-29T16:20:00.000Z',
    endedAt: '2026-11-29T16:20:30.000Z',
    held: true,
    watched: { objects: 1, workloads: 1, pods: 2, urls: 1 },
  };
  const answered = {
    url: 'https://shop.example.com/healthz',
    expected: 'any 2xx',
    ok: true,
    stage: 'ready' as const,
    attempts: 3,
    elapsedMs: 3_200,
    answer: { status: 200, excerpt: 'ok', ms: 12 },
    at: '2026-11-29T16:19:59.000Z',
  };

  it('a green run shows the answers and the soak: start, end, what was watched', () => {
    const green = run([apps, web], { probes: [answered], soak: held });
    const html = renderSummary({ namespace: 'flux-system' }, green);
    expect(htmlProblems(html)).toEqual([]);
    const text = visibleText(html);
    expect(text).toContain(
      '✅ Flux reconcile: the object is Ready, 1 workload rolled out, answering, held 30s',
    );
    expect(text).toContain(
      '✅ Held 30s from 2026-11-29 16:20:00 UTC to 2026-11-29 16:20:30 UTC, watching 1 object, 1 workload (2 pods), 1 URL: nothing changed.',
    );
    expect(tableRows(html, '<h3>verify-url</h3>').map((r) => r.map(flat))).toEqual([
      ['✅ Answered', 'https://shop.example.com/healthz', 'any 2xx', '200 in 12ms ok', '3 tries in 3.2s'],
    ]);
  });

  it('a URL that answered otherwise during the soak: status, sanitised excerpt and when, everywhere', () => {
    const bad = {
      ...answered,
      ok: false,
      stage: 'soak' as const,
      attempts: 1,
      answer: { status: 502, excerpt: '<script>alert(1)</script> ::error::x', ms: 8 },
      why: 'answered 502, expected any 2xx',
      at: '2026-11-29T16:20:13.000Z',
    };
    const soak = {
      ...held,
      held: false,
      endedAt: bad.at,
      broke: { at: bad.at, afterMs: 13_000, what: `${bad.url} answered 502, expected any 2xx` },
    };
    const red = run([apps, web], { ready: false, probes: [answered, bad], soak });
    const html = renderSummary({ namespace: 'flux-system' }, red);
    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toContain('<script>');
    const text = visibleText(html);
    expect(text).toContain('❌ Flux reconcile: the soak broke after 13s');
    expect(text).toContain(
      '❌ Broke 13s into 30s, at 2026-11-29 16:20:13 UTC (watching 1 object, 1 workload (2 pods), 1 URL): https://shop.example.com/healthz answered 502, expected any 2xx',
    );
    expect(soakEndedLine(soak)).toBe(
      '✗ Soak broke 13s in, at 2026-11-29 16:20:13 UTC: https://shop.example.com/healthz answered 502, expected any 2xx',
    );
    expect(probeLine(bad)).toBe(
      '✗ https://shop.example.com/healthz: answered 502, expected any 2xx during the soak (1 try in 3.2s) — body: <script>alert(1)</script> ::error::x',
    );
    expect(annotationsFor(red)).toContainEqual({
      level: 'error',
      title: 'verify-url https://shop.example.com/healthz',
      message: 'answered 502, expected any 2xx (during the soak)\nBody: <script>alert(1)</script> ::error::x',
    });
    expect(failureLine(red)).toBe(
      'verify-url https://shop.example.com/healthz: answered 502, expected any 2xx; the soak broke: https://shop.example.com/healthz answered 502, expected any 2xx',
    );
    const views = red.results.map(viewOf);
    expect(finalState(red)).toBe('failure');
    expect(resultDescription(red, views)).toBe(
      'verify-url https://shop.example.com/healthz: answered 502, expected any 2xx',
    );
  });

  it('a soak the timeout cut short is the clock’s doing: GitHub’s error state', () => {
    const cut = {
      ...held,
      held: false,
      cutShort: 'not started: 10s of the 5m00s timeout were left, and the soak needs 30s; raise timeout',
    };
    const red = run([apps], { ready: false, soak: cut });
    expect(finalState(red)).toBe('error');
    expect(visibleText(renderSummary({ namespace: 'flux-system' }, red))).toContain(
      `❌ Not held: ${cut.cutShort}`,
    );
  });
});

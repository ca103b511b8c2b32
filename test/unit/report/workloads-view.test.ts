// What a person sees of the workloads a failed health check waited on: the details table, the annotation and
// the log line, all from one view, with every cluster string escaped.
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import type { RunResult } from '../../../src/reconcile/types.js';
import { annotationsFor } from '../../../src/report/annotations.js';
import { verdictLine } from '../../../src/report/log.js';
import { renderSummary } from '../../../src/report/summary.js';
import { viewOf, withWorkloads } from '../../../src/report/view.js';
import { collectWorkloads, type WorkloadReport } from '../../../src/report/workloads.js';
import { renderWorkloads, workloadsLine } from '../../../src/report/workloads-view.js';
import { resultFrom } from '../../fixtures/report/scenarios.js';
import ready from '../../fixtures/status/kustomization-ready.json' with { type: 'json' };
import { FakeCluster } from '../../helpers/fake-cluster.js';
import {
  DEPLOYMENTS,
  event,
  PODS,
  stuckDeployment,
  unschedulablePod,
  waitingPod,
} from '../../helpers/workload-payloads.js';
import { htmlProblems, tableRows, visibleText } from './html-check.js';

const NS = 'shop';
const MESSAGE = `health check failed after 1m0s: failed early due to stalled resources: [Deployment/${NS}/web status: 'Failed']`;

async function scene(podMessage = 'no nodes available to schedule pods') {
  const cluster = new FakeCluster();
  cluster.addResource(DEPLOYMENTS, stuckDeployment('web', NS, { deadlineExceeded: true }));
  cluster.addResource(PODS, unschedulablePod('web-666db6db68-l47cf', NS, 'web', podMessage));
  cluster.addEvent(
    event('Pod', 'web-666db6db68-l47cf', NS, 'Warning', 'FailedScheduling', podMessage, undefined, 4),
  );
  const ks = structuredClone(ready) as FluxObject;
  ks.metadata.name = 'shop';
  ks.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message: MESSAGE }];
  const run: RunResult = {
    command: 'reconcile',
    ready: false,
    durationMs: 60_000,
    results: [
      resultFrom(ks, {
        outcome: 'failed',
        durationMs: 60_000,
        reason: 'HealthCheckFailed',
        message: MESSAGE,
      }),
    ],
  };
  const reports = await collectWorkloads(cluster, run);
  const views = run.results.map((r) =>
    withWorkloads(viewOf(r), reports.get(`Kustomization/${r.namespace}/${r.name}`)),
  );
  return { run, views };
}

describe('the workloads in the report', () => {
  it('the details name the Deployment, its deadline, its pod’s Unschedulable reason and the scheduler’s message', async () => {
    const { run, views } = await scene();
    const html = renderSummary({ namespace: 'flux-system' }, run, undefined, views);
    expect(htmlProblems(html)).toEqual([]);
    const rows = tableRows(html, '<p><b>Workloads not ready</b></p>').map((r) => r.map(visibleText));
    expect(rows).toEqual([
      [`Deployment ${NS}/web`, '0/1 available · 1 updated · 0 ready', '', '', ''],
      [
        '\u00a0\u00a0↳ Progressing=False',
        '',
        'ProgressDeadlineExceeded',
        'ReplicaSet "web-666db6db68" has timed out progressing.',
        '2026-11-29\n16:23:32',
      ],
      [
        '\u00a0\u00a0↳ Available=False',
        '',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        '2026-11-29\n16:13:31',
      ],
      [
        '\u00a0\u00a0↳ pod web-666db6db68-l47cf',
        'Pending',
        'Unschedulable',
        'no nodes available to schedule pods',
        '2026-11-29\n16:13:31',
      ],
      [
        '\u00a0\u00a0↳ ⚠️ event of web-666db6db68-l47cf',
        'Warning',
        'FailedScheduling (×4)',
        'no nodes available to schedule pods',
        '2026-11-29\n16:23:32',
      ],
    ]);
  });

  it('the annotation and the log line say it in one line', async () => {
    const { run, views } = await scene();
    const line = `Not ready: Deployment ${NS}/web (0/1 available; ProgressDeadlineExceeded; pod web-666db6db68-l47cf Pending, Unschedulable: no nodes available to schedule pods)`;
    expect(annotationsFor(run, views)[0]?.message.split('\n')).toContain(line);
    expect(verdictLine(views[0]!)).toContain(` — ${line}`);
  });

  it('escapes what the cluster says: no markup, no runner command on a line of its own, no blank line', async () => {
    const hostile = 'bad </td></tr><script>alert(1)</script>\n::error::pwned\n\n| a | b |';
    const { run, views } = await scene(hostile);
    const html = renderSummary({ namespace: 'flux-system' }, run, undefined, views);
    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toContain('<script>');
    expect(visibleText(html)).toContain('<script>alert(1)</script>');
    const line = verdictLine(views[0]!);
    expect(line).not.toContain('\n');
    expect(line).toContain('bad </td></tr><script>alert(1)</script> ::error::pwned | a | b |');
  });

  it('a report that could not read the workload says why, in the table and in the line', () => {
    const report: WorkloadReport = {
      findings: [
        {
          ref: { kind: 'Deployment', namespace: NS, name: 'web' },
          pods: [],
          morePods: 0,
          events: [],
          notes: [],
          error: 'deployments.apps "web" is forbidden: User "ci" cannot get resource "deployments"',
        },
      ],
      notes: ['1 more not shown: Deployment shop/api'],
    };
    const html = renderWorkloads(report);
    expect(htmlProblems(html)).toEqual([]);
    expect(visibleText(html)).toContain('not read');
    expect(visibleText(html)).toContain('1 more not shown: Deployment shop/api');
    expect(workloadsLine(report)).toBe(
      'Not ready: Deployment shop/web (could not be read: deployments.apps "web" is forbidden: User "ci" cannot get resource "deployments")',
    );
    expect(renderWorkloads(undefined)).toBe('');
    expect(workloadsLine({ findings: [], notes: ['x'] })).toBe('');
  });

  it('a crash-looping container: its container, the back-off and the last exit', async () => {
    const cluster = new FakeCluster();
    cluster.addResource(DEPLOYMENTS, stuckDeployment('web', NS));
    cluster.addResource(
      PODS,
      waitingPod(
        'web-1',
        NS,
        'web',
        {
          reason: 'CrashLoopBackOff',
          message: 'back-off 5m0s restarting failed container=web pod=web-1_shop(uid-web-1)',
        },
        { reason: 'Error', exitCode: 1 },
      ),
    );
    const { run } = await scene();
    const report = (await collectWorkloads(cluster, run)).values().next().value!;
    const rows = tableRows(renderWorkloads(report)).map((r) => r.map(visibleText));
    expect(rows[2]).toEqual([
      '\u00a0\u00a0↳ pod web-1 (web)',
      'Running',
      'CrashLoopBackOff',
      'back-off 5m0s restarting failed container=web pod=web-1_shop(uid-web-1); last exit: Error (exit code 1); 5 restarts',
      '',
    ]);
  });
});

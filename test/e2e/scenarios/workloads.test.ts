// Scenario: a health check or Helm wait that can never pass, explained down to the pods. With
// kube-controller-manager and kube-scheduler in the lab, a Deployment whose nodeSelector matches no node gets
// a ReplicaSet and a Pod that stays Pending (the scheduler says Unschedulable), and a short
// progressDeadlineSeconds makes the Deployment ProgressDeadlineExceeded: the action must name the Deployment,
// that condition, the pod's reason and the scheduler's message, from the real controllers' objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_NODE_MATCHES } from '../lab/pods.js';
import { useLab } from '../lab/use-lab.js';
import {
  gitRepository,
  helmRelease,
  helmRepository,
  kustomization,
  newJobDir,
  removeJobDir,
  resultsOf,
  runStep,
  unschedulableDeployment,
} from '../support.js';

const lab = useLab();
let ns = '';
let jobDir = '';
const chart = `stuck-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  ns = await lab.namespace('workloads');
  jobDir = await newJobDir();
  const repo = await lab.createGitRepo('workloads');
  await repo.commit(
    {
      'deadline/deployment.yaml': unschedulableDeployment('web', 5),
      'pending/deployment.yaml': unschedulableDeployment('api', 600),
    },
    'Deployments that never become available',
  );
  await lab.helm.publish({
    name: chart,
    version: '1.0.0',
    templates: { 'deployment.yaml': unschedulableDeployment('{{ .Release.Name }}', 5) },
  });
  await lab.apply(
    [
      gitRepository('workloads', repo.url),
      helmRepository('charts', lab.info.helm.url),
      kustomization('deadline', './deadline', { source: 'workloads', targetNamespace: ns, wait: true }),
      kustomization('pending', './pending', {
        source: 'workloads',
        targetNamespace: ns,
        wait: true,
        spec: { timeout: '90s' },
      }),
      helmRelease('stuck', chart, '1.0.0', {
        spec: { install: { disableWait: false, remediation: { retries: 0 } } },
      }),
    ],
    { namespace: ns },
  );
});

afterAll(async () => {
  await removeJobDir(jobDir);
});

/** The text of the details' "Workloads not ready" table as a reader sees it: tags removed, quotes unescaped. */
function workloadsTable(summary: string): string {
  const start = summary.indexOf('<b>Workloads not ready</b>');
  expect(start, 'the summary has a "Workloads not ready" section').toBeGreaterThan(-1);
  return summary
    .slice(start, summary.indexOf('</table>', start))
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"');
}

describe('a workload that never becomes available', () => {
  it('Kustomization with wait: fails with HealthCheckFailed, naming the Deployment, its deadline and its pod', async () => {
    const step = await runStep(lab, { resources: 'ks/deadline', namespace: ns, timeout: '2m' }, { jobDir });
    expect(step.exitCode, step.log).toBe(1);
    const [result] = resultsOf(step);
    expect(result).toMatchObject({ kind: 'Kustomization', outcome: 'failed', reason: 'HealthCheckFailed' });
    expect(result?.message).toContain(`Deployment/${ns}/web status: 'Failed'`);
    const table = workloadsTable(step.summary);
    expect(table).toContain(`Deployment ${ns}/web`);
    expect(table).toContain('ProgressDeadlineExceeded');
    expect(table).toContain('Unschedulable');
    expect(table).toContain(NO_NODE_MATCHES);
    expect(table).toContain('FailedScheduling');
    // The log line and the annotation say it in one line.
    expect(step.stdout).toMatch(
      new RegExp(
        `Not ready: Deployment ${ns}/web \\(0/1 available; ProgressDeadlineExceeded; pod web-[a-z0-9]+-[a-z0-9]+ Pending, Unschedulable: 0/1 nodes are available`,
      ),
    );
    expect(step.stdout).toContain(`Pending, Unschedulable: ${NO_NODE_MATCHES}`);
  });

  it('Kustomization still checking at the timeout: times out, and its inventory shows the unready Deployment', async () => {
    const step = await runStep(lab, { resources: 'ks/pending', namespace: ns, timeout: '20s' }, { jobDir });
    expect(step.exitCode, step.log).toBe(1);
    expect(resultsOf(step)[0]).toMatchObject({ kind: 'Kustomization', outcome: 'timed-out' });
    const table = workloadsTable(step.summary);
    expect(table).toContain(`Deployment ${ns}/api`);
    expect(table).toContain('MinimumReplicasUnavailable');
    expect(table).toContain(NO_NODE_MATCHES);
  });

  it('HelmRelease with install wait: fails on the wait, naming the Deployment its chart made and its pod', async () => {
    // helm-controller installed it when it was created, and gave up (no retries): reset and force make this
    // run's own request install it again, and wait again.
    const step = await runStep(
      lab,
      {
        resources: 'hr/stuck',
        namespace: ns,
        'with-source': 'true',
        reset: 'true',
        force: 'true',
        timeout: '2m',
      },
      { jobDir },
    );
    expect(step.exitCode, step.log).toBe(1);
    const release = resultsOf(step).find((r) => r.kind === 'HelmRelease');
    expect(release?.outcome, step.log).toBe('failed');
    expect(release?.message).toContain(
      `failed early due to stalled resources: [Deployment/${ns}/stuck status: 'Failed']`,
    );
    expect(step.stdout).toContain(
      `Not ready: Deployment ${ns}/stuck (0/1 available; ProgressDeadlineExceeded; pod stuck-`,
    );
    const table = workloadsTable(step.summary);
    expect(table).toContain(`Deployment ${ns}/stuck`);
    expect(table).toContain('ProgressDeadlineExceeded');
    expect(table).toContain('Unschedulable');
    expect(table).toContain(NO_NODE_MATCHES);
  });
});

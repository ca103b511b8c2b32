// A stuck run explains itself, on payloads captured from the lab's real controllers (test/fixtures/status,
// test/fixtures/events): which controller did not handle the request and why, the dependency chain that
// blocks an object, its last runs, and the Warning events of what it waits on — in the log line, the
// outputs' message and the summary.
import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import type { KubeObject } from '../../../src/kube/api.js';
import { toKubeEvent } from '../../../src/kube/events.js';
import type { ObjectResult, RunResult } from '../../../src/reconcile/types.js';
import { verdictLine } from '../../../src/report/log.js';
import { resultRecord } from '../../../src/report/outputs.js';
import { collectStuck } from '../../../src/report/stuck.js';
import { renderSummary } from '../../../src/report/summary.js';
import { viewOf, withStuck } from '../../../src/report/view.js';
import brokenYamlEvents from '../../fixtures/events/kustomization-failed-invalid-yaml.json' with {
  type: 'json',
};
import { resultFrom } from '../../fixtures/report/scenarios.js';
import pendingDeployment from '../../fixtures/status/deployment-pending.json' with { type: 'json' };
import gitReady from '../../fixtures/status/gitrepository-ready.json' with { type: 'json' };
import dependent from '../../fixtures/status/kustomization-dependency-not-ready.json' with { type: 'json' };
import brokenYaml from '../../fixtures/status/kustomization-failed-invalid-yaml.json' with { type: 'json' };
import checkFailed from '../../fixtures/status/kustomization-health-check-failed.json' with { type: 'json' };
import checkRunning from '../../fixtures/status/kustomization-health-check-running.json' with {
  type: 'json',
};
import readyAtFirst from '../../fixtures/status/kustomization-ready.json' with { type: 'json' };
import { FakeCluster } from '../../helpers/fake-cluster.js';
import { DEPLOYMENTS } from '../../helpers/workload-payloads.js';
import { htmlProblems, visibleText } from './html-check.js';

const flux = (json: unknown): FluxObject => structuredClone(json) as FluxObject;
const kube = (json: unknown): KubeObject => structuredClone(json) as KubeObject;

const runOf = (...results: ObjectResult[]): RunResult => ({
  command: 'reconcile',
  ready: false,
  durationMs: 20_000,
  results,
});

/** A result that timed out on a request the controller never handled, as the run loop ends it. */
function unhandled(obj: FluxObject): ObjectResult {
  return resultFrom(obj, {
    outcome: 'timed-out',
    durationMs: 20_000,
    message: 'Timed out after 20s waiting for kustomize-controller to handle the reconcile request.',
    waitingFor: { for: 'request' },
  });
}

/** The captured Deployment with 0 of 1 replicas ready (no node runs its pod), as a controller's. */
function controllerDeployment(name: string): KubeObject {
  const deployment = kube(pendingDeployment);
  deployment.metadata = { ...deployment.metadata, name, namespace: 'flux-system' };
  return deployment;
}

async function explain(run: RunResult, c = new FakeCluster()) {
  const reports = await collectStuck(c, run);
  const [result] = run.results;
  const view = withStuck(
    viewOf(result!),
    reports.get(`${result!.kind}/${result!.namespace}/${result!.name}`),
  );
  return { view, report: reports.get(`${result!.kind}/${result!.namespace}/${result!.name}`)!, c };
}

describe('a request the controller never handled', () => {
  const ready = flux(readyAtFirst);

  it('says the controller is not running when its Deployment has no ready replica', async () => {
    const c = new FakeCluster();
    c.addResource(DEPLOYMENTS, controllerDeployment('kustomize-controller'));
    const { report } = await explain(runOf(unhandled(ready)), c);
    expect(report.why[0]).toBe('kustomize-controller is not running (0/1 ready)');
  });

  it('asks whether it runs and watches the namespace when its Deployment is absent or unreadable', async () => {
    const { report, view } = await explain(runOf(unhandled(ready)));
    const words =
      'kustomize-controller did not pick up the request; is it running and watching this namespace?';
    expect(report.why[0]).toBe(words);
    // Said first, everywhere the message goes: the log line, the outputs' record.
    expect(verdictLine(view)).toContain(words);
    expect(resultRecord(view).message.startsWith(words)).toBe(true);
  });

  it('says a running controller did not pick it up', async () => {
    const c = new FakeCluster();
    const running = controllerDeployment('kustomize-controller');
    running.status = { ...running.status, readyReplicas: 1, availableReplicas: 1 };
    c.addResource(DEPLOYMENTS, running);
    const { report } = await explain(runOf(unhandled(ready)), c);
    expect(report.why[0]).toBe(
      'kustomize-controller is running (1/1 ready) but did not pick up the request; is it watching this namespace?',
    );
  });

  it('says the controller was busy with an earlier reconcile of it (a health check runs up to spec.timeout)', async () => {
    const { report } = await explain(runOf(unhandled(flux(checkRunning))));
    expect(report.why[0]).toMatch(
      /^kustomize-controller was still busy with an earlier reconcile of it, or stopped during it \(Progressing: Running health checks for revision main@sha1:[0-9a-f]{40} with a timeout of 2m0s\): it takes the request only when that one ends, which a health check makes last up to its spec\.timeout \(2m\)$/,
    );
  });
});

describe('a dependency chain that blocks it', () => {
  // Captured: `dependent` waits on `broken-yaml`, whose manifest does not parse.
  const broken = flux(brokenYaml);
  const waiting = flux(dependent);
  const NS = waiting.metadata.namespace!;
  const apps = resultFrom(
    {
      ...waiting,
      metadata: { ...waiting.metadata, name: 'apps' },
      spec: { ...waiting.spec, dependsOn: [{ name: 'dependent' }] },
    },
    {
      outcome: 'timed-out',
      durationMs: 20_000,
      reason: 'DependencyNotReady',
      message: `Timed out after 20s waiting for dependency ${NS}/dependent.`,
      waitingFor: { for: 'dependency', dependency: `${NS}/dependent` },
    },
  );

  function cluster(): FakeCluster {
    const c = new FakeCluster();
    c.add('Kustomization', waiting);
    c.add('Kustomization', broken);
    for (const e of brokenYamlEvents as unknown as CoreV1Event[]) c.addEvent(toKubeEvent(e));
    return c;
  }

  it('follows it to the object that failed, in the controller words, and shows that object’s Warning events', async () => {
    const { report, view } = await explain(runOf(apps), cluster());
    expect(report.why[0]).toMatch(
      /^apps waits on dependent waits on broken-yaml: broken-yaml failed with BuildFailed: failed to decode Kubernetes YAML from \S+configmap\.yaml: MalformedYAMLError/,
    );
    expect(report.warnings.map((e) => `${e.involvedObject.name} ${e.reason}`)).toEqual([
      'broken-yaml BuildFailed',
    ]);
    expect(report.why).toContainEqual(
      expect.stringMatching(/^Last Warning event: Kustomization broken-yaml: BuildFailed: /),
    );
    const html = renderSummary({ namespace: NS }, runOf(apps), undefined, [view]);
    expect(htmlProblems(html)).toEqual([]);
    const text = visibleText(html);
    expect(text).toContain('apps waits on dependent waits on broken-yaml');
    expect(text).toContain('Last Warning events of it and of what it waits on');
  });

  it('follows objects of the run as the run ended them', async () => {
    const brokenResult = resultFrom(broken, { outcome: 'failed', durationMs: 1_000 });
    const dependentResult = resultFrom(waiting, {
      outcome: 'skipped',
      durationMs: 0,
      reason: 'DependencyFailed',
      waitingFor: { for: 'dependency', dependency: `${NS}/broken-yaml` },
    });
    const { report } = await explain(runOf(apps, dependentResult, brokenResult), new FakeCluster());
    expect(report.why[0]).toMatch(
      /^apps waits on dependent waits on broken-yaml: broken-yaml failed with BuildFailed: /,
    );
  });

  it('names the source the run reconciled first when that is what it waited on', async () => {
    const git = flux(gitReady);
    const source = resultFrom(git, {
      outcome: 'timed-out',
      durationMs: 20_000,
      waitingFor: { for: 'request' },
    });
    const ks = resultFrom(flux(readyAtFirst), {
      outcome: 'timed-out',
      durationMs: 0,
      waitingFor: {
        for: 'dependency',
        kind: 'GitRepository',
        dependency: `${git.metadata.namespace}/${git.metadata.name}`,
      },
    });
    const { report } = await explain(runOf(ks, source));
    expect(report.why[0]).toBe(
      `${ks.name} waits on GitRepository ${git.metadata.name}: GitRepository ${git.metadata.name} timed out waiting for source-controller to handle the reconcile request`,
    );
  });

  it('says which link could not be read', async () => {
    const { report } = await explain(runOf(apps), new FakeCluster());
    expect(report.why[0]).toBe('apps waits on dependent: dependent does not exist');
  });
});

describe('its last runs (Flux 2.7+ status.history)', () => {
  it('are said in a sentence, and shown in the details', async () => {
    const failed = flux(checkFailed);
    const result = resultFrom(failed, {
      outcome: 'timed-out',
      durationMs: 40_000,
      waitingFor: { for: 'progress' },
    });
    const { report, view } = await explain(runOf(result));
    expect(report.why).toContainEqual(
      expect.stringMatching(
        /^Its last runs: HealthCheckFailed after 11s at main@sha1:966a612d \(1 run, last 2026-11-29 16:35:20 UTC\)$/,
      ),
    );
    const text = visibleText(renderSummary({ namespace: 'x' }, runOf(result), undefined, [view]));
    expect(text).toContain('Last runs (newest first)');
    expect(text).toContain(failed.status!.history![0]!.digest!);
  });
});

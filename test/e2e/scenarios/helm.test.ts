// Scenario 5: HelmReleases from the lab's Helm repository: an upgrade to a new chart version, a chart with a
// template error reported fast in helm-controller's words, and force/reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN_TEMPLATE, CONFIGMAP_TEMPLATE } from '../lab/helm-repo.js';
import { useLab } from '../lab/use-lab.js';
import { helmRelease, newJobDir, removeJobDir, resultsOf, runStep } from '../support.js';

const lab = useLab();
let ns = '';
let jobDir = '';
const chart = `web-${Math.random().toString(36).slice(2, 8)}`;

/** A HelmRelease of the lab's chart, at any version, that never remediates: a failure stays a failure. */
const web = (name: string) =>
  helmRelease(name, chart, '*', {
    namespace: ns,
    interval: '1h',
    spec: {
      install: { remediation: { retries: 0 } },
      upgrade: { remediation: { retries: 0 } },
    },
  });

beforeAll(async () => {
  ns = await lab.namespace('helm');
  jobDir = await newJobDir();
  await lab.helm.publish({ name: chart, version: '0.1.0', templates: { 'cm.yaml': CONFIGMAP_TEMPLATE } });
  await lab.apply([
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'charts', namespace: ns },
      spec: { interval: '1h', url: lab.info.helm.url },
    },
    web('web'),
  ]);
  await lab.waitForReady('HelmRelease', ns, 'web', { timeoutMs: 120_000 });
});

afterAll(async () => {
  await removeJobDir(jobDir);
});

describe('HelmRelease', () => {
  it('upgrades to a newly published chart version with its sources', async () => {
    await lab.helm.publish({ name: chart, version: '0.2.0', templates: { 'cm.yaml': CONFIGMAP_TEMPLATE } });
    const step = await runStep(
      lab,
      { resources: 'hr/web', namespace: ns, 'with-source': 'true', timeout: '2m' },
      { jobDir },
    );
    expect(step.exitCode, step.log).toBe(0);
    expect(resultsOf(step).map((r) => [r.kind, r.outcome])).toEqual([
      ['HelmRepository', 'ready'],
      ['HelmChart', 'ready'],
      ['HelmRelease', 'ready'],
    ]);
    const web = resultsOf(step).find((r) => r.kind === 'HelmRelease')!;
    expect(web.revisionBefore).toBe('0.1.0');
    expect(web.revisionAfter).toBe('0.2.0');
    const cm = await lab.get('ConfigMap', ns, 'web-config');
    expect(JSON.stringify(cm?.data)).toContain('0.2.0');
  });

  it('fails fast with helm-controller words when the new chart has a template error', async () => {
    await lab.helm.publish({ name: chart, version: '0.3.0', templates: { 'cm.yaml': BROKEN_TEMPLATE } });
    const step = await runStep(
      lab,
      { resources: 'helmrelease/web', namespace: ns, 'with-source': 'true', timeout: '1m' },
      { jobDir },
    );
    expect(step.exitCode).toBe(1);
    const web = resultsOf(step).find((r) => r.kind === 'HelmRelease')!;
    expect(web.outcome, step.log).toBe('failed');
    expect(web.message).toContain('values.missing is required');
    expect(step.summary).toContain('values.missing is required');
  });

  it('forces and resets with the same token as the request', async () => {
    await lab.helm.publish({ name: chart, version: '0.4.0', templates: { 'cm.yaml': CONFIGMAP_TEMPLATE } });
    const step = await runStep(
      lab,
      {
        resources: 'hr/web',
        namespace: ns,
        'with-source': 'true',
        force: 'true',
        reset: 'true',
        timeout: '2m',
      },
      { jobDir },
    );
    expect(step.exitCode, step.log).toBe(0);
    const hr = await lab.get('HelmRelease', ns, 'web');
    const annotations = hr!.metadata.annotations!;
    const token = annotations['reconcile.fluxcd.io/requestedAt'];
    expect(annotations['reconcile.fluxcd.io/forceAt']).toBe(token);
    expect(annotations['reconcile.fluxcd.io/resetAt']).toBe(token);
    const status = hr!.status as { lastHandledForceAt?: string; lastHandledResetAt?: string };
    expect(status.lastHandledForceAt).toBe(token);
    expect(status.lastHandledResetAt).toBe(token);
    expect(resultsOf(step).find((r) => r.kind === 'HelmRelease')!.revisionAfter).toBe('0.4.0');
  });
});

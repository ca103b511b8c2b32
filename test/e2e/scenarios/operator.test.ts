// The Flux Operator's kinds through the bundled action, on the lab's real operator: a ResourceSet fed by a
// static input provider generates a Kustomization; the read-only gate follows from the ResourceSet to it and
// judges it at the pushed commit; a reconcile request is handled; suspend and resume use the operator's
// annotation. FluxInstance cannot run here (no distribution artifacts): its verdicts are unit-tested on the
// documented payload (test/unit/flux/operator-kinds.test.ts).
import { describe, expect, it } from 'vitest';
import { FLUX_INSTANCE, RESOURCE_SET, RESOURCE_SET_INPUT_PROVIDER } from '../../../src/flux/kinds.js';
import { conditionOf } from '../lab/client.js';
import type { KubeObject } from '../lab/kube.js';
import { useLab } from '../lab/use-lab.js';
import { configMap, gitRepository, resultsOf, runStep, useFleet } from '../support.js';

const lab = useLab();
const OPERATOR = 'fluxcd.controlplane.io/v1';

function previews(ns: string): KubeObject[] {
  return [
    {
      apiVersion: OPERATOR,
      kind: 'ResourceSetInputProvider',
      metadata: { name: 'previews', namespace: ns },
      spec: { type: 'Static', defaultValues: { env: 'preview' } },
    },
    {
      apiVersion: OPERATOR,
      kind: 'ResourceSet',
      metadata: { name: 'previews', namespace: ns },
      spec: {
        inputsFrom: [{ kind: 'ResourceSetInputProvider', name: 'previews' }],
        resources: [
          {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: 'app-<< inputs.env >>', namespace: ns },
            spec: {
              interval: '1h',
              path: './apps/<< inputs.env >>',
              prune: true,
              targetNamespace: ns,
              sourceRef: { kind: 'GitRepository', name: 'fleet' },
            },
          },
        ],
      },
    },
  ];
}

const fleet = useFleet(lab, 'operator', {
  files: { 'apps/preview/cm.yaml': configMap('preview', { build: '0' }) },
  objects: (ns, repo) => [gitRepository('fleet', repo.url, { namespace: ns }), ...previews(ns)],
  readyKustomizations: ['app-preview'],
});

describe('Flux Operator kinds', () => {
  it('are named in the kind table at the version their CRDs serve', async () => {
    for (const kind of [FLUX_INSTANCE, RESOURCE_SET, RESOURCE_SET_INPUT_PROVIDER]) {
      const crd = await lab.get('CustomResourceDefinition', undefined, `${kind.plural}.${kind.group}`);
      const versions = (crd?.spec.versions ?? []) as { name: string; served: boolean }[];
      const served = versions.filter((v) => v.served);
      expect(served.map((v) => v.name)).toContain(kind.version);
    }
  });

  it('a read-only gate on a ResourceSet follows to what it generated, and waits for the pushed commit there', async () => {
    const sha = await fleet.repo.commit(
      { 'apps/preview/cm.yaml': configMap('preview', { build: '1' }) },
      'A new preview build',
    );
    // What Flux's own interval or a webhook would do: the source fetches the push.
    await lab.requestReconcile('GitRepository', fleet.ns, 'fleet');
    const step = await runStep(
      lab,
      { command: 'wait', resources: 'rset/previews', namespace: fleet.ns, revision: sha, timeout: '2m' },
      { jobDir: fleet.jobDir, user: 'restricted' },
    );
    expect(step.exitCode, step.log).toBe(0);
    expect(step.outputs.ready).toBe('true');
    const results = resultsOf(step);
    expect(results.map((r) => `${r.kind}/${r.name}:${r.outcome}`)).toEqual([
      'ResourceSet/previews:ready',
      'Kustomization/app-preview:ready',
    ]);
    expect(results[1]?.revisionAfter).toContain(sha);
    expect(results[0]?.revisionAfter).toMatch(/^sha256:/);
  });

  it('a reconcile request is handled by the operator', async () => {
    const step = await runStep(
      lab,
      { resources: 'rset/previews\nrsip/previews', namespace: fleet.ns, follow: 'false', timeout: '2m' },
      { jobDir: fleet.jobDir },
    );
    expect(step.exitCode, step.log).toBe(0);
    expect(resultsOf(step).map((r) => r.outcome)).toEqual(['ready', 'ready']);
    const rset = await lab.get('ResourceSet', fleet.ns, 'previews');
    expect(rset?.status.lastHandledReconcileAt).toBe(
      rset?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
    );
  });

  it("suspends and resumes with the operator's annotation, and a gate calls the suspended one suspended", async () => {
    const suspend = await runStep(
      lab,
      { command: 'suspend', resources: 'rset/previews', namespace: fleet.ns },
      { jobDir: fleet.jobDir },
    );
    expect(suspend.exitCode, suspend.log).toBe(0);
    const suspended = await lab.get('ResourceSet', fleet.ns, 'previews');
    expect(suspended?.metadata.annotations?.['fluxcd.controlplane.io/reconcile']).toBe('disabled');
    expect(suspended?.spec.suspend).toBeUndefined();

    const gate = await runStep(
      lab,
      { command: 'wait', resources: 'rset/previews', namespace: fleet.ns, timeout: '30s' },
      { jobDir: fleet.jobDir, user: 'restricted' },
    );
    expect(gate.exitCode).toBe(1);
    expect(resultsOf(gate)[0]).toMatchObject({ outcome: 'suspended' });
    expect(gate.stdout).toContain(`flux-operator resume resourceset previews -n ${fleet.ns}`);

    const resume = await runStep(
      lab,
      { command: 'resume', resources: 'rset/previews', namespace: fleet.ns, follow: 'false', timeout: '2m' },
      { jobDir: fleet.jobDir },
    );
    expect(resume.exitCode, resume.log).toBe(0);
    const resumed = await lab.get('ResourceSet', fleet.ns, 'previews');
    expect(resumed?.metadata.annotations?.['fluxcd.controlplane.io/reconcile']).toBe('enabled');
    expect(conditionOf(resumed, 'Ready')?.status).toBe('True');
  });
});

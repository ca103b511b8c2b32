// The Flux Operator's kinds in the kind table, on payloads its controller wrote in the lab
// (test/fixtures/status/resourceset-*.json, resourcesetinputprovider-ready.json, fluxinstance-failed.json).
// A FluxInstance cannot succeed in the lab (its distribution comes from the network): its failure is
// captured, its Ready rows use the payload documented in flux-operator v0.59.0 docs/api/v1/fluxinstance.md,
// shaped as the operator's api/v1 types write it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apiVersionOf,
  FLUX_INSTANCE,
  findKind,
  KUSTOMIZATION,
  kindOfGroup,
  RESOURCE_SET,
  RESOURCE_SET_INPUT_PROVIDER,
} from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { evaluate } from '../../../src/reconcile/evaluate.js';
import { reconcilePatch } from '../../../src/reconcile/request.js';
import { commandsFor } from '../../../src/report/next-commands.js';

function fixture(name: string): FluxObject {
  return JSON.parse(readFileSync(new URL(`../../fixtures/status/${name}.json`, import.meta.url), 'utf8'));
}

const verdictOf = (obj: FluxObject, kind = RESOURCE_SET, token?: string) =>
  evaluate({ obj, kind, token, expectedRevisions: [], failFast: true });

/** A FluxInstance as documented (fluxinstance.md: lastAppliedRevision, inventory, history). */
const documentedInstance: FluxObject = {
  apiVersion: 'fluxcd.controlplane.io/v1',
  kind: 'FluxInstance',
  metadata: { name: 'flux', namespace: 'flux-system', generation: 2 },
  spec: { distribution: { version: '2.6.x', registry: 'ghcr.io/fluxcd' } },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ReconciliationSucceeded',
        message: 'Reconciliation finished in 2s',
        observedGeneration: 2,
        lastTransitionTime: '2025-07-15T11:12:00Z',
      },
    ],
    lastAppliedRevision: 'v2.6.4@sha256:43ad78c94b2655429d84f21488f29d7cca9cd45b7f54d2b27e16bbec8eff9228',
    lastAttemptedRevision: 'v2.6.4@sha256:43ad78c94b2655429d84f21488f29d7cca9cd45b7f54d2b27e16bbec8eff9228',
    inventory: {
      entries: [
        { id: 'flux-system_source-controller__ServiceAccount', v: 'v1' },
        { id: 'flux-system_source-controller_apps_Deployment', v: 'v1' },
      ],
    },
  },
};

describe('the Flux Operator kinds', () => {
  it('are found by their names and the aliases flux-operator uses, in group fluxcd.controlplane.io/v1', () => {
    expect(findKind('rset')).toBe(RESOURCE_SET);
    expect(findKind('ResourceSet')).toBe(RESOURCE_SET);
    expect(findKind('rsip')).toBe(RESOURCE_SET_INPUT_PROVIDER);
    expect(findKind('resourcesetinputprovider')).toBe(RESOURCE_SET_INPUT_PROVIDER);
    expect(findKind('fluxinstance')).toBe(FLUX_INSTANCE);
    for (const kind of [RESOURCE_SET, RESOURCE_SET_INPUT_PROVIDER, FLUX_INSTANCE]) {
      expect(apiVersionOf(kind)).toBe('fluxcd.controlplane.io/v1');
      expect(kind.inAll).toBe(false);
    }
  });

  it('read a ResourceSet: the digest of what it generated, and what it generated', () => {
    const rset = fixture('resourceset-ready');
    expect(RESOURCE_SET.revision(rset)).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The digest is the operator's own: a commit expected of the run is judged on what it generated.
    expect(RESOURCE_SET.revisionCandidates(rset)).toEqual([]);
    const expectingCommit = evaluate({
      obj: rset,
      kind: RESOURCE_SET,
      expectedRevisions: ['0123456789abcdef0123456789abcdef01234567'],
      failFast: true,
    });
    expect(expectingCommit.state).toBe('ready');
    const ns = rset.metadata.namespace;
    expect(RESOURCE_SET.inventory?.(rset)).toEqual([
      { namespace: ns, name: 'settings-preview', group: '', kind: 'ConfigMap' },
      { namespace: ns, name: 'app-preview', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' },
    ]);
    // What `follow` walks to: the Kustomization it generated is a Flux kind, the ConfigMap is not.
    expect(kindOfGroup('kustomize.toolkit.fluxcd.io', 'Kustomization')).toBe(KUSTOMIZATION);
    expect(kindOfGroup('', 'ConfigMap')).toBeUndefined();
  });

  it('read an input provider: the digest of the inputs it exported', () => {
    const rsip = fixture('resourcesetinputprovider-ready');
    expect(RESOURCE_SET_INPUT_PROVIDER.revision(rsip)).toBe(rsip.status?.lastExportedRevision);
    expect(RESOURCE_SET_INPUT_PROVIDER.inventory).toBeUndefined();
  });

  it('take the observed generation from the Ready condition: the operator writes no status.observedGeneration', () => {
    const rset = fixture('resourceset-ready');
    expect(rset.status?.observedGeneration).toBeUndefined();
    expect(RESOURCE_SET.observedGeneration(rset)).toBe(1);
    expect(verdictOf(rset)).toMatchObject({ state: 'ready', reason: 'ReconciliationSucceeded' });
    const newSpec = { ...rset, metadata: { ...rset.metadata, generation: 2 } };
    expect(verdictOf(newSpec)).toMatchObject({ state: 'waiting', waiting: { for: 'generation' } });
    expect(verdictOf(fixture('resourcesetinputprovider-ready'), RESOURCE_SET_INPUT_PROVIDER)).toMatchObject({
      state: 'ready',
    });
  });

  it('fail a ResourceSet whose objects the API server refused, with the operator’s message', () => {
    const verdict = verdictOf(fixture('resourceset-failed'));
    expect(verdict).toMatchObject({ state: 'failed', reason: 'ReconciliationFailed' });
    expect(verdict.message).toContain('ConfigMap/broken-one namespace not specified');
  });

  it('are suspended by the fluxcd.controlplane.io/reconcile annotation, not spec.suspend', () => {
    const rset = fixture('resourceset-ready');
    const disabled = {
      ...rset,
      metadata: { ...rset.metadata, annotations: { 'fluxcd.controlplane.io/reconcile': 'disabled' } },
    };
    expect(RESOURCE_SET.isSuspended(rset)).toBe(false);
    expect(RESOURCE_SET.isSuspended(disabled)).toBe(true);
    const verdict = verdictOf(disabled);
    expect(verdict.state).toBe('suspended');
    expect(verdict.message).toContain(
      `flux-operator resume resourceset previews -n ${rset.metadata.namespace}`,
    );
    expect(RESOURCE_SET.suspendPatch(true)).toEqual({
      metadata: { annotations: { 'fluxcd.controlplane.io/reconcile': 'disabled' } },
    });
    expect(
      reconcilePatch(RESOURCE_SET, 'token-1', { command: 'resume', force: false, reset: false }),
    ).toEqual({
      metadata: {
        annotations: {
          'fluxcd.controlplane.io/reconcile': 'enabled',
          'reconcile.fluxcd.io/requestedAt': 'token-1',
        },
      },
    });
    // The toolkit's kinds keep spec.suspend.
    expect(
      reconcilePatch(KUSTOMIZATION, 'token-1', { command: 'resume', force: false, reset: false }),
    ).toEqual({
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'token-1' } },
      spec: { suspend: false },
    });
  });

  it('point a person at flux-operator and kubectl, which know these kinds (the flux CLI does not)', () => {
    const ref = { kind: 'ResourceSet', namespace: 'apps', name: 'previews' };
    expect(commandsFor(RESOURCE_SET, ref)).toEqual([
      'flux-operator get resourceset previews -n apps',
      'kubectl events --for resourcesets.fluxcd.controlplane.io/previews -n apps',
      'flux-operator tree resourceset previews -n apps',
    ]);
    expect(RESOURCE_SET_INPUT_PROVIDER.resumeCommand(ref)).toBe(
      'flux-operator resume inputprovider previews -n apps',
    );
  });

  it('read a FluxInstance (documented payload): its distribution revision and inventory', () => {
    expect(FLUX_INSTANCE.revision(documentedInstance)).toMatch(/^v2\.6\.4@sha256:/);
    // A Flux version can be expected of it; a commit cannot.
    expect(FLUX_INSTANCE.revisionCandidates(documentedInstance)).toEqual(['v2.6.4']);
    for (const [expected, state] of [
      ['v2.6.4', 'ready'],
      ['v2.7.0', 'waiting'],
      ['0123456789abcdef0123456789abcdef01234567', 'ready'],
    ] as const) {
      const verdict = evaluate({
        obj: documentedInstance,
        kind: FLUX_INSTANCE,
        expectedRevisions: [expected],
        failFast: true,
      });
      expect(verdict.state, expected).toBe(state);
    }
    expect(FLUX_INSTANCE.attemptedRevision?.(documentedInstance)).toBe(
      documentedInstance.status?.lastAttemptedRevision,
    );
    expect(FLUX_INSTANCE.inventory?.(documentedInstance)).toContainEqual({
      namespace: 'flux-system',
      name: 'source-controller',
      group: 'apps',
      kind: 'Deployment',
    });
    expect(verdictOf(documentedInstance, FLUX_INSTANCE)).toMatchObject({ state: 'ready' });
  });

  it('fail a FluxInstance the operator could not build (captured: Stalled=True BuildFailed)', () => {
    const verdict = verdictOf(fixture('fluxinstance-failed'), FLUX_INSTANCE);
    expect(verdict).toMatchObject({ state: 'failed', reason: 'BuildFailed' });
    expect(verdict.message).toMatch(/^build failed: storage path .* does not exist$/);
  });
});

// Objects are kept without metadata.managedFields: the action never reads them, and over hundreds of
// objects kept in several copies they add up.
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import { lean } from '../../../src/kube/lean.js';

describe('lean', () => {
  it('drops managedFields and keeps everything else', () => {
    const obj = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system', managedFields: [{ manager: 'kubectl' }], uid: 'u' },
      spec: { interval: '1h' },
      status: { observedGeneration: 1 },
    } as unknown as FluxObject;
    expect(lean(obj)).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system', uid: 'u' },
      spec: { interval: '1h' },
      status: { observedGeneration: 1 },
    });
    const plain = { metadata: { name: 'x' } } as FluxObject;
    expect(lean(plain)).toBe(plain);
    expect(lean(undefined)).toBeUndefined();
  });
});

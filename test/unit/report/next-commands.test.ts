import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/flux/kinds.js';
import type { FluxResult } from '../../../src/reconcile/types.js';
import { commandsFor, nextCommands } from '../../../src/report/next-commands.js';

const result = (
  kind: string,
  name: string,
  namespace: string,
  extra: Partial<FluxResult> = {},
): FluxResult => ({
  kind,
  fluxKind: kindOf(kind),
  name,
  namespace,
  outcome: 'failed',
  ok: false,
  role: 'requested',
  durationMs: 1,
  reason: '',
  message: '',
  ...extra,
});

describe('next commands', () => {
  it('spells get, events, logs and the kind’s deeper commands as the flux CLI takes them', () => {
    expect(
      commandsFor(kindOf('Kustomization'), { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }),
    ).toEqual([
      'flux get kustomization apps -n flux-system',
      'flux events --for Kustomization/apps -n flux-system',
      'flux logs --kind=Kustomization --name=apps -n flux-system',
      'flux tree ks apps -n flux-system',
      'flux debug ks apps -n flux-system --show-status',
    ]);
    expect(
      commandsFor(kindOf('HelmRelease'), { kind: 'HelmRelease', name: 'podinfo', namespace: 'podinfo' }),
    ).toContain('flux debug hr podinfo -n podinfo --show-history');
    expect(
      commandsFor(kindOf('OCIRepository'), {
        kind: 'OCIRepository',
        name: 'manifests',
        namespace: 'apps',
      })[0],
    ).toBe('flux get source oci manifests -n apps');
  });

  it('adds resume for an unwanted suspension and the commands of a failing dependency and source', () => {
    const commands = nextCommands(
      result('Kustomization', 'apps', 'flux-system', { outcome: 'suspended', ok: false }),
      {
        dependencies: [{ kind: 'Kustomization', name: 'infra', namespace: 'flux-system' }],
        source: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' },
      },
    );
    expect(commands[0]).toBe('flux resume kustomization apps -n flux-system');
    expect(commands).toContain('flux get kustomization infra -n flux-system');
    expect(commands).toContain('flux events --for Kustomization/infra -n flux-system');
    expect(commands).toContain('flux get source git fleet -n flux-system');
    expect(commands).toContain('flux events --for GitRepository/fleet -n flux-system');
    expect(new Set(commands).size).toBe(commands.length);
  });
});

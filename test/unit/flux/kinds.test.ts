// Every kind of the kind table, one row each: the answers a person and the controllers expect of it,
// written here independently of the table (API versions from flux-facts.md and the controllers' api/
// packages; flux CLI words from flux2 cmd/flux; troubleshooting commands from its tree_*.go and debug_*.go).
// A kind added to FLUX_KINDS without a row here fails the first test.
import { describe, expect, it } from 'vitest';
import {
  apiVersionOf,
  FLUX_KINDS,
  type FluxKind,
  findKind,
  kindOf,
  kindOfGroup,
} from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

const REF = { namespace: 'apps', name: 'web' };

interface Row {
  apiVersion: string;
  aliases: string[];
  controller: string;
  /** Where suspending is written: the toolkit's spec.suspend, or the Flux Operator's annotation. */
  suspend: 'spec' | 'annotation';
  /** Objects of the kind no controller reconciles, and ones it does. */
  isStatic: { static: FluxObject[]; reconciled: FluxObject[] };
  /** What inventory() reads from an object whose status lists a ConfigMap and a Kustomization; absent: no inventory. */
  inventory?: true;
  /** An object naming its git origin, and the origin; absent: gitOrigin is not asked of the kind. */
  gitOrigin?: [FluxObject, { url: string; revision: string }];
  troubleshooting: string[];
  /** The first of inspectCommands, and the resume command. */
  get: string;
  resume: string;
}

const object = (spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): FluxObject => ({
  metadata: { name: REF.name, namespace: REF.namespace },
  spec,
  status,
});
const plain = object();
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const toolkit = (cliWords: string) => ({
  get: `flux get ${cliWords} web -n apps`,
  resume: `flux resume ${cliWords} web -n apps`,
  suspend: 'spec' as const,
});
const operator = (cliWords: string) => ({
  get: `flux-operator get ${cliWords} web -n apps`,
  resume: `flux-operator resume ${cliWords} web -n apps`,
  suspend: 'annotation' as const,
});
const reconciled = { static: [], reconciled: [plain] };
const neverReconciled = { static: [plain], reconciled: [] };

const ROWS: Record<string, Row> = {
  Kustomization: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    aliases: ['kustomization', 'kustomizations', 'ks'],
    controller: 'kustomize-controller',
    ...toolkit('kustomization'),
    isStatic: reconciled,
    inventory: true,
    troubleshooting: ['flux tree ks web -n apps', 'flux debug ks web -n apps --show-status'],
  },
  HelmRelease: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    aliases: ['helmrelease', 'helmreleases', 'hr'],
    controller: 'helm-controller',
    ...toolkit('helmrelease'),
    isStatic: reconciled,
    troubleshooting: ['flux debug hr web -n apps --show-history'],
  },
  GitRepository: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    aliases: ['gitrepository', 'gitrepositories', 'git'],
    controller: 'source-controller',
    ...toolkit('source git'),
    isStatic: reconciled,
    gitOrigin: [
      object({ url: 'https://github.com/org/fleet' }, { artifact: { revision: `main@sha1:${COMMIT}` } }),
      { url: 'https://github.com/org/fleet', revision: `main@sha1:${COMMIT}` },
    ],
    troubleshooting: [],
  },
  OCIRepository: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    aliases: ['ocirepository', 'ocirepositories', 'oci'],
    controller: 'source-controller',
    ...toolkit('source oci'),
    isStatic: reconciled,
    // What `flux push artifact --source --revision` records in the artifact's metadata.
    gitOrigin: [
      object(
        { url: 'oci://ghcr.io/org/manifests' },
        {
          artifact: {
            revision: `latest@sha256:${'a'.repeat(64)}`,
            metadata: {
              'org.opencontainers.image.source': 'https://github.com/org/fleet',
              'org.opencontainers.image.revision': `main@sha1:${COMMIT}`,
            },
          },
        },
      ),
      { url: 'https://github.com/org/fleet', revision: `main@sha1:${COMMIT}` },
    ],
    troubleshooting: [],
  },
  HelmRepository: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    aliases: ['helmrepository', 'helmrepositories', 'helmrepo'],
    controller: 'source-controller',
    ...toolkit('source helm'),
    // An OCI HelmRepository is a pointer only: source-controller does not reconcile it.
    isStatic: { static: [object({ type: 'oci' })], reconciled: [plain, object({ type: 'default' })] },
    troubleshooting: [],
  },
  HelmChart: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    aliases: ['helmchart', 'helmcharts', 'chart'],
    controller: 'source-controller',
    ...toolkit('source chart'),
    isStatic: reconciled,
    troubleshooting: [],
  },
  Bucket: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    aliases: ['bucket', 'buckets'],
    controller: 'source-controller',
    ...toolkit('source bucket'),
    isStatic: reconciled,
    troubleshooting: [],
  },
  ExternalArtifact: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    aliases: ['externalartifact', 'externalartifacts'],
    controller: 'source-controller',
    ...toolkit('source external'),
    // Third-party controllers produce it; nothing answers a reconcile request.
    isStatic: neverReconciled,
    troubleshooting: [],
  },
  ImageRepository: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    aliases: ['imagerepository', 'imagerepositories'],
    controller: 'image-reflector-controller',
    ...toolkit('image repository'),
    isStatic: reconciled,
    troubleshooting: [],
  },
  ImagePolicy: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    aliases: ['imagepolicy', 'imagepolicies'],
    controller: 'image-reflector-controller',
    ...toolkit('image policy'),
    isStatic: reconciled,
    troubleshooting: [],
  },
  ImageUpdateAutomation: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    aliases: ['imageupdateautomation', 'imageupdateautomations', 'imageupdate'],
    controller: 'image-automation-controller',
    ...toolkit('image update'),
    isStatic: reconciled,
    troubleshooting: [],
  },
  Receiver: {
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    aliases: ['receiver', 'receivers'],
    controller: 'notification-controller',
    ...toolkit('receiver'),
    isStatic: reconciled,
    troubleshooting: [],
  },
  Alert: {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    aliases: ['alert', 'alerts'],
    controller: 'notification-controller',
    ...toolkit('alert'),
    isStatic: neverReconciled,
    troubleshooting: [],
  },
  Provider: {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    aliases: ['provider', 'providers'],
    controller: 'notification-controller',
    ...toolkit('alert-provider'),
    isStatic: neverReconciled,
    troubleshooting: [],
  },
  FluxInstance: {
    apiVersion: 'fluxcd.controlplane.io/v1',
    aliases: ['fluxinstance', 'fluxinstances'],
    controller: 'flux-operator',
    ...operator('instance'),
    isStatic: reconciled,
    inventory: true,
    troubleshooting: [],
  },
  ResourceSet: {
    apiVersion: 'fluxcd.controlplane.io/v1',
    aliases: ['resourceset', 'resourcesets', 'rset'],
    controller: 'flux-operator',
    ...operator('resourceset'),
    isStatic: reconciled,
    inventory: true,
    troubleshooting: ['flux-operator tree resourceset web -n apps'],
  },
  ResourceSetInputProvider: {
    apiVersion: 'fluxcd.controlplane.io/v1',
    aliases: ['resourcesetinputprovider', 'resourcesetinputproviders', 'rsip'],
    controller: 'flux-operator',
    ...operator('inputprovider'),
    isStatic: reconciled,
    troubleshooting: [],
  },
};

const CASES = FLUX_KINDS.map((kind) => [kind.kind, kind, ROWS[kind.kind]!] as const);

describe('the kind table', () => {
  it('has a row here for every kind, and no row for a kind it lacks', () => {
    expect(FLUX_KINDS.map((k) => k.kind).sort()).toEqual(Object.keys(ROWS).sort());
  });

  it('gives no two kinds the same name or alias', () => {
    const names = FLUX_KINDS.flatMap((k) => [...new Set([k.kind.toLowerCase(), ...k.aliases])]);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
});

describe.each(CASES)('%s', (_name, kind: FluxKind, row: Row) => {
  it('is found by its name, in any case, and by each alias; its group and kind lead back to it', () => {
    expect(kind.aliases).toEqual(row.aliases);
    for (const name of [kind.kind, kind.kind.toUpperCase(), ...row.aliases, ` ${row.aliases[0]} `]) {
      expect(findKind(name)).toBe(kind);
    }
    expect(kindOf(kind.kind)).toBe(kind);
    expect(kindOfGroup(kind.group, kind.kind)).toBe(kind);
  });

  it('names its API version, plural and controller', () => {
    expect(apiVersionOf(kind)).toBe(row.apiVersion);
    expect(kind.plural).toBe(`${kind.kind.toLowerCase().replace(/y$/, 'ie')}s`);
    expect(kind.controller).toBe(row.controller);
  });

  it('is suspended by the merge patch it gives, and resumed by the other one', async () => {
    const cluster = new FakeCluster();
    cluster.add(kind.kind, object());
    expect(kind.isSuspended(object())).toBe(false);
    const suspended = await cluster.mergePatch(kind, 'apps', 'web', kind.suspendPatch(true));
    expect(kind.isSuspended(suspended)).toBe(true);
    if (row.suspend === 'spec') expect(suspended.spec?.suspend).toBe(true);
    else expect(suspended.metadata.annotations?.['fluxcd.controlplane.io/reconcile']).toBe('disabled');
    const resumed = await cluster.mergePatch(kind, 'apps', 'web', kind.suspendPatch(false));
    expect(kind.isSuspended(resumed)).toBe(false);
  });

  it('tells a static object from one its controller reconciles', () => {
    for (const obj of row.isStatic.static) expect(kind.isStatic(obj)).toBe(true);
    for (const obj of row.isStatic.reconciled) expect(kind.isStatic(obj)).toBe(false);
  });

  it('reads what it applied from its inventory, when it keeps one', () => {
    const applied = object(
      {},
      {
        inventory: {
          entries: [
            { id: 'apps_settings__ConfigMap', v: 'v1' },
            { id: 'apps_web_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' },
          ],
        },
      },
    );
    if (!row.inventory) {
      expect(kind.inventory).toBeUndefined();
      return;
    }
    expect(kind.inventory?.(applied)).toEqual([
      { namespace: 'apps', name: 'settings', group: '', kind: 'ConfigMap' },
      { namespace: 'apps', name: 'web', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' },
    ]);
    expect(kind.inventory?.(plain)).toEqual([]);
  });

  it('names the git repository and commit its artifact comes from, when it records them', () => {
    if (!row.gitOrigin) {
      expect(kind.gitOrigin).toBeUndefined();
      return;
    }
    const [obj, origin] = row.gitOrigin;
    expect(kind.gitOrigin?.(obj)).toEqual(origin);
    expect(kind.gitOrigin?.(plain)).toBeUndefined();
  });

  it('gives the commands a person runs to look into it and to resume it', () => {
    const ref = { kind: kind.kind, ...REF };
    expect(kind.troubleshooting(ref)).toEqual(row.troubleshooting);
    expect(kind.inspectCommands(ref)[0]).toBe(row.get);
    expect(kind.resumeCommand(ref)).toBe(row.resume);
  });
});

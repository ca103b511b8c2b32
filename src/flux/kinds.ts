// The one table that describes every Flux kind the action knows. Everything else asks this table:
// no `switch (kind)` elsewhere. Modelled on flux2's `reconcilable` interface (cmd/flux/reconcile.go):
// each kind answers a few small questions about an object of its kind.
import type { ObjectRef } from './refs.js';
import type { FluxObject } from './types.js';

export type KindCategory = 'appliers' | 'sources' | 'image' | 'notification';

export interface FluxKind {
  /** Canonical kind name, as in the object's `kind`. */
  kind: string;
  group: string;
  version: string;
  plural: string;
  /** Lower-case names a person may write, the flux CLI's among them. */
  aliases: readonly string[];
  category: KindCategory;
  /** The controller that reconciles it, for `flux logs --kind`. */
  controller: string;
  /** The `flux get` / `flux reconcile` words for it, e.g. `source git`. */
  cliWords: string;
  /** An object that no controller reconciles (nothing to request, nothing to wait for). */
  isStatic(obj: FluxObject): boolean;
  /** The source that `with-source` reconciles first, as the flux CLI finds it. */
  sourceOf?(obj: FluxObject): ObjectRef | undefined;
  /** Objects of the run this one must wait for (spec.dependsOn). */
  dependsOn?(obj: FluxObject): ObjectRef[];
  /** The revision the object is at now, as a person reads it. */
  revision(obj: FluxObject): string | undefined;
  /** Every value an expected revision may match (a HelmRelease has several). */
  revisionCandidates(obj: FluxObject): string[];
  /** Accepts reconcile.fluxcd.io/forceAt and resetAt (HelmRelease only). */
  forceAndReset: boolean;
}

const namespaceOf = (obj: FluxObject): string => obj.metadata.namespace ?? 'default';

function present(values: (string | undefined)[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

function artifactRevision(obj: FluxObject): string | undefined {
  return obj.status?.artifact?.revision;
}

function sourceKind(
  group: string,
  kind: string,
  plural: string,
  aliases: string[],
  cliWords: string,
  extra: Partial<FluxKind> = {},
): FluxKind {
  return {
    kind,
    group,
    version: 'v1',
    plural,
    aliases,
    category: 'sources',
    controller: 'source-controller',
    cliWords,
    isStatic: () => false,
    revision: artifactRevision,
    revisionCandidates: (obj) => present([artifactRevision(obj)]),
    forceAndReset: false,
    ...extra,
  };
}

function dependsOnSameKind(kind: string) {
  return (obj: FluxObject): ObjectRef[] =>
    (obj.spec?.dependsOn ?? []).map((dep) => ({
      kind,
      namespace: dep.namespace || namespaceOf(obj),
      name: dep.name,
    }));
}

const SOURCE = 'source.toolkit.fluxcd.io';

export const KUSTOMIZATION: FluxKind = {
  kind: 'Kustomization',
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  plural: 'kustomizations',
  aliases: ['kustomization', 'kustomizations', 'ks'],
  category: 'appliers',
  controller: 'kustomize-controller',
  cliWords: 'kustomization',
  isStatic: () => false,
  sourceOf(obj) {
    const ref = obj.spec?.sourceRef;
    if (!ref?.kind || !ref.name) return undefined;
    return { kind: ref.kind, namespace: ref.namespace || namespaceOf(obj), name: ref.name };
  },
  dependsOn: dependsOnSameKind('Kustomization'),
  revision: (obj) => obj.status?.lastAppliedRevision,
  // An OCI artifact pushed by `flux push artifact` names the git commit it was built from: that origin
  // revision is what `revision: ${{ github.sha }}` can match.
  revisionCandidates: (obj) =>
    present([obj.status?.lastAppliedRevision, obj.status?.lastAppliedOriginRevision]),
  forceAndReset: false,
};

export const HELM_RELEASE: FluxKind = {
  kind: 'HelmRelease',
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  plural: 'helmreleases',
  aliases: ['helmrelease', 'helmreleases', 'hr'],
  category: 'appliers',
  controller: 'helm-controller',
  cliWords: 'helmrelease',
  isStatic: () => false,
  sourceOf(obj) {
    const chartRef = obj.spec?.chartRef;
    if (chartRef?.kind && chartRef.name) {
      return { kind: chartRef.kind, namespace: chartRef.namespace || namespaceOf(obj), name: chartRef.name };
    }
    // A chart template: helm-controller generates the HelmChart `<hrNamespace>-<hrName>` beside its source.
    const templateSource = obj.spec?.chart?.spec?.sourceRef;
    if (templateSource?.name) {
      return {
        kind: 'HelmChart',
        namespace: templateSource.namespace || namespaceOf(obj),
        name: `${namespaceOf(obj)}-${obj.metadata.name}`,
      };
    }
    return undefined;
  },
  dependsOn: dependsOnSameKind('HelmRelease'),
  revision(obj) {
    const latest = obj.status?.history?.[0];
    return latest?.chartVersion ?? obj.status?.lastAttemptedRevision;
  },
  revisionCandidates(obj) {
    const latest = obj.status?.history?.[0];
    // What is deployed, not what was attempted (lastAttemptedRevision names a failed upgrade's chart too),
    // and not history[].digest: that is the checksum of Helm's release record, no revision of any source.
    return present([latest?.chartVersion, latest?.ociDigest]);
  },
  forceAndReset: true,
};

export const GIT_REPOSITORY = sourceKind(
  SOURCE,
  'GitRepository',
  'gitrepositories',
  ['gitrepository', 'gitrepositories', 'git'],
  'source git',
);
/** The git commit an OCI artifact was built from (set by `flux push artifact --revision`). */
const OCI_ORIGIN_REVISION = 'org.opencontainers.image.revision';

export const OCI_REPOSITORY = sourceKind(
  SOURCE,
  'OCIRepository',
  'ocirepositories',
  ['ocirepository', 'ocirepositories', 'oci'],
  'source oci',
  {
    revisionCandidates: (obj) =>
      present([artifactRevision(obj), obj.status?.artifact?.metadata?.[OCI_ORIGIN_REVISION]]),
  },
);
export const BUCKET = sourceKind(SOURCE, 'Bucket', 'buckets', ['bucket', 'buckets'], 'source bucket');
export const HELM_REPOSITORY = sourceKind(
  SOURCE,
  'HelmRepository',
  'helmrepositories',
  ['helmrepository', 'helmrepositories', 'helmrepo'],
  'source helm',
  {
    // An OCI HelmRepository is only a pointer: no controller reconciles it and it has no artifact.
    isStatic: (obj) => obj.spec?.type === 'oci',
  },
);
export const HELM_CHART = sourceKind(
  SOURCE,
  'HelmChart',
  'helmcharts',
  ['helmchart', 'helmcharts', 'chart'],
  'source chart',
  {
    sourceOf(obj) {
      const ref = obj.spec?.sourceRef;
      if (!ref?.kind || !ref.name) return undefined;
      return { kind: ref.kind, namespace: namespaceOf(obj), name: ref.name };
    },
  },
);
export const EXTERNAL_ARTIFACT = sourceKind(
  SOURCE,
  'ExternalArtifact',
  'externalartifacts',
  ['externalartifact', 'externalartifacts'],
  'source external',
  {
    // Produced by third-party controllers; nothing answers a reconcile request.
    isStatic: () => true,
  },
);

const IMAGE = 'image.toolkit.fluxcd.io';

export const IMAGE_REPOSITORY: FluxKind = {
  kind: 'ImageRepository',
  group: IMAGE,
  version: 'v1',
  plural: 'imagerepositories',
  aliases: ['imagerepository', 'imagerepositories'],
  category: 'image',
  controller: 'image-reflector-controller',
  cliWords: 'image repository',
  isStatic: () => false,
  revision: (obj) => obj.status?.lastScanResult?.scanTime,
  revisionCandidates: () => [],
  forceAndReset: false,
};

export const IMAGE_POLICY: FluxKind = {
  ...IMAGE_REPOSITORY,
  kind: 'ImagePolicy',
  plural: 'imagepolicies',
  aliases: ['imagepolicy', 'imagepolicies'],
  cliWords: 'image policy',
  sourceOf(obj) {
    const ref = obj.spec?.imageRepositoryRef;
    if (!ref?.name) return undefined;
    return { kind: 'ImageRepository', namespace: ref.namespace || namespaceOf(obj), name: ref.name };
  },
  revision(obj) {
    const latest = obj.status?.latestRef;
    if (!latest?.name) return undefined;
    return `${latest.name}:${latest.tag ?? ''}${latest.digest ? `@${latest.digest}` : ''}`;
  },
  revisionCandidates: (obj) => present([obj.status?.latestRef?.tag, obj.status?.latestRef?.digest]),
};

export const IMAGE_UPDATE_AUTOMATION: FluxKind = {
  ...IMAGE_REPOSITORY,
  kind: 'ImageUpdateAutomation',
  plural: 'imageupdateautomations',
  aliases: ['imageupdateautomation', 'imageupdateautomations', 'imageupdate'],
  controller: 'image-automation-controller',
  cliWords: 'image update',
  sourceOf(obj) {
    const ref = obj.spec?.sourceRef;
    if (!ref?.name) return undefined;
    return {
      kind: ref.kind ?? 'GitRepository',
      namespace: ref.namespace || namespaceOf(obj),
      name: ref.name,
    };
  },
  revision: (obj) => obj.status?.lastPushCommit,
  revisionCandidates: (obj) => present([obj.status?.lastPushCommit]),
};

const NOTIFICATION = 'notification.toolkit.fluxcd.io';

export const RECEIVER: FluxKind = {
  kind: 'Receiver',
  group: NOTIFICATION,
  version: 'v1',
  plural: 'receivers',
  aliases: ['receiver', 'receivers'],
  category: 'notification',
  controller: 'notification-controller',
  cliWords: 'receiver',
  isStatic: () => false,
  revision: () => undefined,
  revisionCandidates: () => [],
  forceAndReset: false,
};

const staticNotification = (kind: string, plural: string, cliWords: string): FluxKind => ({
  ...RECEIVER,
  kind,
  version: 'v1beta3',
  plural,
  aliases: [kind.toLowerCase(), plural],
  cliWords,
  isStatic: () => true,
});
export const ALERT = staticNotification('Alert', 'alerts', 'alert');
export const PROVIDER = staticNotification('Provider', 'providers', 'alert-provider');

export const FLUX_KINDS: readonly FluxKind[] = [
  KUSTOMIZATION,
  HELM_RELEASE,
  GIT_REPOSITORY,
  OCI_REPOSITORY,
  HELM_REPOSITORY,
  HELM_CHART,
  BUCKET,
  EXTERNAL_ARTIFACT,
  IMAGE_REPOSITORY,
  IMAGE_POLICY,
  IMAGE_UPDATE_AUTOMATION,
  RECEIVER,
  ALERT,
  PROVIDER,
];

const byName = new Map<string, FluxKind>();
for (const k of FLUX_KINDS) {
  byName.set(k.kind.toLowerCase(), k);
  for (const alias of k.aliases) byName.set(alias, k);
}

/** Finds a kind by its name or any alias, case-insensitively. */
export function findKind(nameOrAlias: string): FluxKind | undefined {
  return byName.get(nameOrAlias.trim().toLowerCase());
}

/** The table entry for a canonical kind name; throws for a kind the table lacks (a programming error). */
export function kindOf(kind: string): FluxKind {
  const found = findKind(kind);
  if (!found) throw new Error(`unknown Flux kind ${kind}`);
  return found;
}

export function apiVersionOf(k: FluxKind): string {
  return `${k.group}/${k.version}`;
}

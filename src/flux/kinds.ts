// The one table that describes every Flux kind the action knows. Everything else asks this table: no
// other file names a kind or asks `kind === ...`. Modelled on flux2's `reconcilable` interface
// (cmd/flux/reconcile.go): each kind answers a few small questions about an object of its kind.
// Adding a kind: one entry here (and in FLUX_KINDS), fixtures, tests.
import { helmReleaseDetails } from './helm-details.js';
import { type RunRecord, runHistory, runHistoryDetails } from './history.js';
import { type InventoryEntry, inventoryEntries } from './inventory.js';
import type { ObjectRef } from './refs.js';
import type { DetailSection, FluxObject, GitOrigin } from './types.js';
import {
  type AppliedWorkloads,
  helmReleaseApplied,
  helmReleaseChecks,
  helmReleaseWorkloads,
  kustomizationApplied,
  kustomizationChecks,
  kustomizationWorkloads,
  type WorkloadRef,
  type WorkloadScope,
} from './workload-scope.js';

export type KindCategory = 'appliers' | 'sources' | 'image' | 'notification' | 'operator';

/** A line of the namespace health footer: kinds of one group share a line; lower order reads first. */
export interface HealthGroup {
  label: string;
  order: number;
}

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
  /**
   * A git source: the repository it clones, whose root is the root of a Kustomization's spec.path (unlike
   * gitOrigin, which an OCI artifact pushed from any folder of a repository also names).
   */
  gitUrl?(obj: FluxObject): string | undefined;
  /** Objects of the run this one must wait for (spec.dependsOn). */
  dependsOn?(obj: FluxObject): ObjectRef[];
  /** The revision the object is at now, as a person reads it. */
  revision(obj: FluxObject): string | undefined;
  /** Every value an expected revision may match (a HelmRelease has several). */
  revisionCandidates(obj: FluxObject): string[];
  /** The revision the controller last tried (the commit a failed build was of); absent when not recorded. */
  attemptedRevision?(obj: FluxObject): string | undefined;
  /** Accepts reconcile.fluxcd.io/forceAt and resetAt (HelmRelease only). */
  forceAndReset: boolean;
  /** Part of `resources: all`: the appliers a namespace's deploy is made of. */
  inAll: boolean;
  /**
   * How `command: diff` compares it with git: `flux-diff` (the CLI's `diff kustomization` against the
   * checkout) or `drift-detection` (its controller's own record; the CLI has no diff for it). Absent: it has
   * nothing to diff.
   */
  diff?: 'flux-diff' | 'drift-detection';
  /** Its line in the namespace health footer; absent: not counted there. */
  health?: HealthGroup;
  /** Troubleshooting commands beyond `flux get`, `flux events` and `flux logs` (flux2 tree_*.go, debug_*.go). */
  troubleshooting(ref: ObjectRef): string[];
  /** Sections only this kind has in an object's details (a HelmRelease's release history). */
  details?(obj: FluxObject): DetailSection[];
  /** Its last runs (Flux 2.7+ `status.history`): what each applied, how it ended, how long it took. */
  runHistory?(obj: FluxObject): RunRecord[];
  /** The objects it applied (its inventory), of any kind: `follow` walks the Flux ones among them. */
  inventory?(obj: FluxObject): InventoryEntry[];
  /**
   * It applies to another cluster (spec.kubeConfig): its inventory and its workloads are there, and objects
   * of this cluster that share their names are not them. Absent: the kind always applies here.
   */
  appliesToAnotherCluster?(obj: FluxObject): boolean;
  /** The git repository and commit its artifact comes from, when it names them. */
  gitOrigin?(obj: FluxObject): GitOrigin | undefined;
  /** The workloads its health check or Helm wait is waiting on; undefined when it is not waiting on any. */
  workloads?(obj: FluxObject): WorkloadScope | undefined;
  /** The workloads it applied (Deployments, StatefulSets, DaemonSets, Jobs), judged once it is Ready; absent: none. */
  appliedWorkloads?(obj: FluxObject): AppliedWorkloads | undefined;
  /** Its controller checked this workload's health before it said Ready (`wait`, `healthChecks`, Helm's wait). */
  checksWorkload?(obj: FluxObject, workload: WorkloadRef): boolean;
  /** The generation the controller has seen (the Flux Operator records it only in its Ready condition). */
  observedGeneration(obj: FluxObject): number | undefined;
  /** Suspended: its controller leaves it alone until it is resumed. */
  isSuspended(obj: FluxObject): boolean;
  /** The merge patch that suspends it, or (false) resumes it. */
  suspendPatch(suspend: boolean): object;
  /** `flux get`, `flux events` and `flux logs` for it, or what stands for them when the flux CLI lacks the kind. */
  inspectCommands(ref: ObjectRef): string[];
  /** The command a person runs to resume it. */
  resumeCommand(ref: ObjectRef): string;
}

/** What the toolkit's kinds share: spec.suspend, status.observedGeneration, the flux CLI's words. */
function toolkitQuestions(
  kind: string,
  cliWords: string,
): Pick<
  FluxKind,
  'observedGeneration' | 'isSuspended' | 'suspendPatch' | 'inspectCommands' | 'resumeCommand'
> {
  return {
    observedGeneration: (obj) => obj.status?.observedGeneration,
    isSuspended: (obj) => obj.spec?.suspend === true,
    suspendPatch: (suspend) => ({ spec: { suspend } }),
    inspectCommands: (r) => [
      `flux get ${cliWords} ${r.name} -n ${r.namespace}`,
      `flux events --for ${kind}/${r.name} -n ${r.namespace}`,
      `flux logs --kind=${kind} --name=${r.name} -n ${r.namespace}`,
    ],
    resumeCommand: (r) => `flux resume ${cliWords} ${r.name} -n ${r.namespace}`,
  };
}

const KUSTOMIZATIONS_GROUP: HealthGroup = { label: 'Kustomizations', order: 0 };
const HELM_RELEASES_GROUP: HealthGroup = { label: 'HelmReleases', order: 1 };
// Every source kind shares one line, as people count them when they check a namespace by hand.
const SOURCES_GROUP: HealthGroup = { label: 'Sources', order: 2 };
const noTroubleshooting = (): string[] => [];

const namespaceOf = (obj: FluxObject): string => obj.metadata.namespace ?? 'default';

/**
 * kustomize-controller and helm-controller apply to the cluster of spec.kubeConfig (a secretRef or a
 * configMapRef) when it is set (flux pkg/apis/meta KubeConfigReference). The Flux Operator's kinds have no
 * such field: a FluxInstance, ResourceSet and ResourceSetInputProvider act on their own cluster.
 */
const hasKubeConfig = (obj: FluxObject): boolean =>
  typeof obj.spec?.kubeConfig === 'object' && obj.spec.kubeConfig !== null;

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
    inAll: false,
    health: SOURCES_GROUP,
    troubleshooting: noTroubleshooting,
    ...toolkitQuestions(kind, cliWords),
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
  attemptedRevision: (obj) => obj.status?.lastAttemptedRevision,
  forceAndReset: false,
  inAll: true,
  diff: 'flux-diff',
  health: KUSTOMIZATIONS_GROUP,
  inventory: inventoryEntries,
  appliesToAnotherCluster: hasKubeConfig,
  troubleshooting: (r) => [
    `flux tree ks ${r.name} -n ${r.namespace}`,
    `flux debug ks ${r.name} -n ${r.namespace} --show-status`,
  ],
  details: runHistoryDetails,
  runHistory,
  // The workloads of a remote cluster cannot be read here.
  workloads: (obj) => (hasKubeConfig(obj) ? undefined : kustomizationWorkloads(obj, inventoryEntries(obj))),
  appliedWorkloads: (obj) =>
    hasKubeConfig(obj) ? undefined : kustomizationApplied(obj, inventoryEntries(obj)),
  checksWorkload: kustomizationChecks,
  ...toolkitQuestions('Kustomization', 'kustomization'),
};

const HELM = 'helm.toolkit.fluxcd.io';

export const HELM_RELEASE: FluxKind = {
  kind: 'HelmRelease',
  group: HELM,
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
  attemptedRevision: (obj) => obj.status?.lastAttemptedRevision,
  forceAndReset: true,
  inAll: true,
  diff: 'drift-detection',
  health: HELM_RELEASES_GROUP,
  troubleshooting: (r) => [`flux debug hr ${r.name} -n ${r.namespace} --show-history`],
  details: helmReleaseDetails,
  appliesToAnotherCluster: hasKubeConfig,
  workloads: (obj) => (hasKubeConfig(obj) ? undefined : helmReleaseWorkloads(obj, HELM)),
  appliedWorkloads: (obj) =>
    hasKubeConfig(obj) ? undefined : helmReleaseApplied(obj, inventoryEntries(obj), HELM),
  checksWorkload: helmReleaseChecks,
  ...toolkitQuestions('HelmRelease', 'helmrelease'),
};

export const GIT_REPOSITORY = sourceKind(
  SOURCE,
  'GitRepository',
  'gitrepositories',
  ['gitrepository', 'gitrepositories', 'git'],
  'source git',
  {
    gitOrigin(obj) {
      const url = obj.spec?.url;
      const revision = artifactRevision(obj);
      return typeof url === 'string' && revision ? { url, revision } : undefined;
    },
    gitUrl: (obj) => (typeof obj.spec?.url === 'string' ? obj.spec.url : undefined),
  },
);
/** The git commit an OCI artifact was built from (set by `flux push artifact --revision`). */
const OCI_ORIGIN_REVISION = 'org.opencontainers.image.revision';
const OCI_ORIGIN_SOURCE = 'org.opencontainers.image.source';

export const OCI_REPOSITORY = sourceKind(
  SOURCE,
  'OCIRepository',
  'ocirepositories',
  ['ocirepository', 'ocirepositories', 'oci'],
  'source oci',
  {
    revisionCandidates: (obj) =>
      present([artifactRevision(obj), obj.status?.artifact?.metadata?.[OCI_ORIGIN_REVISION]]),
    // `flux push artifact --source --revision` records where the artifact was built from.
    gitOrigin(obj) {
      const metadata = obj.status?.artifact?.metadata;
      const url = metadata?.[OCI_ORIGIN_SOURCE];
      const revision = metadata?.[OCI_ORIGIN_REVISION];
      return url && revision ? { url, revision } : undefined;
    },
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
    health: undefined,
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
  inAll: false,
  troubleshooting: noTroubleshooting,
  ...toolkitQuestions('ImageRepository', 'image repository'),
};

export const IMAGE_POLICY: FluxKind = {
  ...IMAGE_REPOSITORY,
  kind: 'ImagePolicy',
  plural: 'imagepolicies',
  aliases: ['imagepolicy', 'imagepolicies'],
  cliWords: 'image policy',
  ...toolkitQuestions('ImagePolicy', 'image policy'),
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
  ...toolkitQuestions('ImageUpdateAutomation', 'image update'),
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
  inAll: false,
  troubleshooting: noTroubleshooting,
  ...toolkitQuestions('Receiver', 'receiver'),
};

const staticNotification = (kind: string, plural: string, cliWords: string): FluxKind => ({
  ...RECEIVER,
  kind,
  version: 'v1beta3',
  plural,
  aliases: [kind.toLowerCase(), plural],
  cliWords,
  isStatic: () => true,
  ...toolkitQuestions(kind, cliWords),
});
export const ALERT = staticNotification('Alert', 'alerts', 'alert');
export const PROVIDER = staticNotification('Provider', 'providers', 'alert-provider');

// The Flux Operator (fluxcd.controlplane.io, flux-operator api/v1 at v0.59.0). Its objects take the same
// reconcile.fluxcd.io/requestedAt annotation and echo it in status.lastHandledReconcileAt, but they have no
// spec.suspend (the annotation fluxcd.controlplane.io/reconcile: disabled suspends them, as `flux-operator
// suspend` sets it) and no status.observedGeneration (their conditions carry it). The flux CLI does not know
// them: `flux-operator` (get, resume, tree) and kubectl stand in.
const OPERATOR = 'fluxcd.controlplane.io';
const OPERATOR_RECONCILE = `${OPERATOR}/reconcile`;

function operatorKind(
  kind: string,
  plural: string,
  aliases: string[],
  cliWords: string,
  extra: Partial<FluxKind>,
): FluxKind {
  return {
    kind,
    group: OPERATOR,
    version: 'v1',
    plural,
    aliases,
    category: 'operator',
    controller: 'flux-operator',
    cliWords,
    isStatic: () => false,
    revision: () => undefined,
    revisionCandidates: () => [],
    forceAndReset: false,
    inAll: false,
    troubleshooting: noTroubleshooting,
    observedGeneration: (obj) => obj.status?.conditions?.find((c) => c.type === 'Ready')?.observedGeneration,
    isSuspended: (obj) => obj.metadata.annotations?.[OPERATOR_RECONCILE]?.toLowerCase() === 'disabled',
    suspendPatch: (suspend) => ({
      metadata: { annotations: { [OPERATOR_RECONCILE]: suspend ? 'disabled' : 'enabled' } },
    }),
    inspectCommands: (r) => [
      `flux-operator get ${cliWords} ${r.name} -n ${r.namespace}`,
      `kubectl events --for ${plural}.${OPERATOR}/${r.name} -n ${r.namespace}`,
    ],
    resumeCommand: (r) => `flux-operator resume ${cliWords} ${r.name} -n ${r.namespace}`,
    ...extra,
  };
}

/** The Flux installation itself; only the instance named `flux` in the operator's namespace is reconciled. */
export const FLUX_INSTANCE = operatorKind(
  'FluxInstance',
  'fluxinstances',
  ['fluxinstance', 'fluxinstances'],
  'instance',
  {
    // `<version>@<digest>` of the distribution it applied (or last tried). The digest is of manifests no
    // person pushed: only the version (v2.6.4) is something an expected revision can name.
    revision: (obj) => obj.status?.lastAppliedRevision,
    revisionCandidates: (obj) => present([obj.status?.lastAppliedRevision?.split('@')[0]]),
    attemptedRevision: (obj) => obj.status?.lastAttemptedRevision,
    inventory: inventoryEntries,
  },
);

/** Generates Flux objects (and any others) from inputs; its revision is the digest of what it generated. */
export const RESOURCE_SET = operatorKind(
  'ResourceSet',
  'resourcesets',
  ['resourceset', 'resourcesets', 'rset'],
  'resourceset',
  {
    revision: (obj) => obj.status?.lastAppliedRevision,
    // A digest the operator computes: no commit or tag a person expects can match it, so an expected
    // revision is judged on what it generated (follow), not on the ResourceSet itself.
    revisionCandidates: () => [],
    inventory: inventoryEntries,
    troubleshooting: (r) => [`flux-operator tree resourceset ${r.name} -n ${r.namespace}`],
  },
);

/** Fetches inputs for ResourceSets (pull requests, tags, static values); its revision is the digest of them. */
export const RESOURCE_SET_INPUT_PROVIDER = operatorKind(
  'ResourceSetInputProvider',
  'resourcesetinputproviders',
  ['resourcesetinputprovider', 'resourcesetinputproviders', 'rsip'],
  'inputprovider',
  {
    revision: (obj) => obj.status?.lastExportedRevision as string | undefined,
    // The digest of its inputs: nothing an expected revision names.
    revisionCandidates: () => [],
  },
);

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
  FLUX_INSTANCE,
  RESOURCE_SET,
  RESOURCE_SET_INPUT_PROVIDER,
];

const byName = new Map<string, FluxKind>();
for (const k of FLUX_KINDS) {
  byName.set(k.kind.toLowerCase(), k);
  for (const alias of k.aliases) byName.set(alias, k);
}

const byGroupKind = new Map(FLUX_KINDS.map((k) => [`${k.group}/${k.kind}`, k]));

/** The kind table's entry for an API group and kind (an inventory entry's), if it is a Flux kind. */
export function kindOfGroup(group: string, kind: string): FluxKind | undefined {
  return byGroupKind.get(`${group}/${kind}`);
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

/** The kinds `resources: all` expands to. */
export const KINDS_IN_ALL: readonly FluxKind[] = FLUX_KINDS.filter((k) => k.inAll);

/** The kinds that accept force and reset, for messages about those inputs. */
export const FORCEABLE_KINDS: readonly FluxKind[] = FLUX_KINDS.filter((k) => k.forceAndReset);

/** The kinds `command: diff` takes. */
export const DIFFABLE_KINDS: readonly FluxKind[] = FLUX_KINDS.filter((k) => k.diff !== undefined);

/** The kinds counted in the namespace health footer, in the footer's order. */
export const HEALTH_KINDS: readonly FluxKind[] = FLUX_KINDS.filter((k) => k.health).sort(
  (a, b) => (a.health?.order ?? 0) - (b.health?.order ?? 0),
);

export function apiVersionOf(k: FluxKind): string {
  return `${k.group}/${k.version}`;
}

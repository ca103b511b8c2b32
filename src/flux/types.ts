// The fields of Flux objects the action reads. Only what is used is typed.

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface Artifact {
  revision?: string;
  digest?: string;
  url?: string;
  lastUpdateTime?: string;
  size?: number;
  /** OCI annotations of the artifact, e.g. org.opencontainers.image.revision. */
  metadata?: Record<string, string>;
}

/** One HelmRelease history snapshot (helm.toolkit.fluxcd.io/v2), newest first in status.history. */
export interface HelmSnapshot {
  name?: string;
  namespace?: string;
  version?: number;
  status?: string;
  chartName?: string;
  chartVersion?: string;
  appVersion?: string;
  digest?: string;
  firstDeployed?: string;
  lastDeployed?: string;
  action?: string;
  ociDigest?: string;
}

export interface CrossNamespaceRef {
  kind?: string;
  name: string;
  namespace?: string;
}

export interface FluxObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: {
    suspend?: boolean;
    type?: string;
    sourceRef?: CrossNamespaceRef;
    chartRef?: CrossNamespaceRef;
    chart?: { spec?: { chart?: string; version?: string; sourceRef?: CrossNamespaceRef } };
    imageRepositoryRef?: CrossNamespaceRef;
    dependsOn?: CrossNamespaceRef[];
    interval?: string;
    timeout?: string;
    /** Kustomization and HelmRelease: the kubeconfig of another cluster, where it applies what it builds. */
    kubeConfig?: { secretRef?: { name?: string }; configMapRef?: { name?: string } } | null;
    [key: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    lastHandledReconcileAt?: string;
    lastHandledForceAt?: string;
    lastHandledResetAt?: string;
    artifact?: Artifact;
    lastAppliedRevision?: string;
    lastAppliedOriginRevision?: string;
    lastAttemptedRevision?: string;
    lastAttemptedRevisionDigest?: string;
    lastAttemptedReleaseAction?: string;
    history?: HelmSnapshot[];
    failures?: number;
    installFailures?: number;
    upgradeFailures?: number;
    helmChart?: string;
    lastPushCommit?: string;
    latestRef?: { name?: string; tag?: string; digest?: string };
    lastScanResult?: { tagCount?: number; scanTime?: string; latestTags?: string[] };
    [key: string]: unknown;
  };
}

/** A core/v1 or events.k8s.io Event, reduced to what a person reads. */
export interface KubeEvent {
  type: string; // Normal | Warning
  reason: string;
  message: string;
  lastTimestamp?: string;
  count?: number;
  involvedObject: { kind: string; name: string; namespace?: string };
}

/** A cell of a details table: plain text, or a time the report formats. */
export type DetailCell = { text: string } | { time: string | undefined };

/** A kind's own section in an object's details: data only; the report escapes and renders it. */
export interface DetailSection {
  title: string;
  table?: { headers: string[]; rows: DetailCell[][] };
  /** Short facts on one line: `failures 3 · last attempted action upgrade`. */
  facts?: Array<{ label: string; value: string; code?: boolean }>;
}

/** The git commit an object applied, where its source says which repository it came from. */
export interface GitOrigin {
  url: string;
  revision: string;
}

// What a Flux object's health check (Kustomization) or Helm wait (HelmRelease) waits on: the vocabulary the
// kind table answers in, and the controllers' own wording it reads.
//
// Both controllers wait with fluxcd/pkg/ssa's WaitForSetWithContext (kustomize-controller v1.9.5
// checkHealth, helm-controller v1.6.4 internal/action/wait.go). Its error names every object that did not
// become Current, as `Kind/namespace/name status: 'InProgress'` (utils.FmtObjMetadata), optionally followed by
// `: <error>`, inside `timeout waiting for: [...]` or `failed early due to stalled resources: [...]`.
import type { InventoryEntry } from './inventory.js';
import type { Condition, FluxObject } from './types.js';

/** The workload kinds the report reads, with where the API serves them. */
export const WORKLOAD_KINDS = {
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets' },
  DaemonSet: { apiVersion: 'apps/v1', plural: 'daemonsets' },
  Job: { apiVersion: 'batch/v1', plural: 'jobs' },
} as const;

export type WorkloadKind = keyof typeof WORKLOAD_KINDS;

export const WORKLOAD_KIND_NAMES = Object.keys(WORKLOAD_KINDS) as WorkloadKind[];

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** Which workloads to look at when an object waits on them, most precise first. */
export interface WorkloadScope {
  /** Named by the controller's message as not ready: exactly the ones to explain. */
  named: WorkloadRef[];
  /** Workloads the object applied or health-checks by name, to judge when the message names none. */
  candidates: WorkloadRef[];
  /** Workloads found by label in one namespace (a Helm release's objects carry origin labels). */
  labelled?: { namespace: string; labelSelector: string };
}

/**
 * The workloads an applier applied, for the rollout check after it is Ready: those its inventory names, and
 * those carrying its controller's labels in one namespace (a Helm release keeps no inventory of its own).
 */
export interface AppliedWorkloads {
  refs: WorkloadRef[];
  labelled?: { namespace: string; labels: Readonly<Record<string, string>> };
}

export const sameWorkload = (a: WorkloadRef, b: WorkloadRef): boolean =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.hasOwn(WORKLOAD_KINDS, kind);
}

/** The group part of a workload kind's apiVersion (`apps`, `batch`). */
export function workloadGroup(kind: WorkloadKind): string {
  return WORKLOAD_KINDS[kind].apiVersion.split('/')[0]!;
}

// DNS labels and subdomains: what Kubernetes allows in names and namespaces.
const NAME = '[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?';
const NAMED_IN_WAIT = new RegExp(`\\b([A-Z][A-Za-z0-9]*)/(?:(${NAME})/)?(${NAME}) status: '`, 'g');
const WAIT_ERROR = /timeout waiting for: \[|failed early due to stalled resources: \[/;

/** Whether a message is the wait's own error (names objects that did not become ready). */
export function isWaitError(message: string | undefined): boolean {
  return !!message && WAIT_ERROR.test(message);
}

/** The workloads a wait error names, in its order, without repeats; other kinds are left out. */
export function workloadsNamedIn(message: string | undefined, defaultNamespace: string): WorkloadRef[] {
  if (!isWaitError(message)) return [];
  const found = new Map<string, WorkloadRef>();
  for (const m of message!.matchAll(NAMED_IN_WAIT)) {
    const [, kind, namespace, name] = m;
    if (!kind || !name || !isWorkloadKind(kind)) continue;
    const ref = { kind, namespace: namespace ?? defaultNamespace, name };
    found.set(`${kind}/${ref.namespace}/${name}`, ref);
  }
  return [...found.values()];
}

/** The workloads named by the wait errors among these conditions. */
export function workloadsNamedInConditions(conditions: Condition[], defaultNamespace: string): WorkloadRef[] {
  const found = new Map<string, WorkloadRef>();
  for (const c of conditions) {
    for (const ref of workloadsNamedIn(c.message, defaultNamespace))
      found.set(`${ref.kind}/${ref.namespace}/${ref.name}`, ref);
  }
  return [...found.values()];
}

/** The workloads among an applier's inventory entries (apps and batch groups checked). */
export function inventoryWorkloads(entries: InventoryEntry[]): WorkloadRef[] {
  const refs: WorkloadRef[] = [];
  for (const { namespace, name, group, kind } of entries) {
    if (isWorkloadKind(kind) && group === workloadGroup(kind) && namespace)
      refs.push({ kind, namespace, name });
  }
  return refs;
}

/** Workloads among `spec.healthChecks` (`{apiVersion, kind, name, namespace}` references). */
export function healthCheckWorkloads(obj: FluxObject, defaultNamespace: string): WorkloadRef[] {
  const checks = Array.isArray(obj.spec?.healthChecks) ? obj.spec.healthChecks : [];
  const refs: WorkloadRef[] = [];
  for (const check of checks as Array<Record<string, unknown>>) {
    const { kind, name, namespace, apiVersion } = check ?? {};
    if (typeof kind !== 'string' || typeof name !== 'string' || !isWorkloadKind(kind)) continue;
    if (typeof apiVersion === 'string' && apiVersion.split('/')[0] !== workloadGroup(kind)) continue;
    refs.push({
      kind,
      namespace: typeof namespace === 'string' && namespace ? namespace : defaultNamespace,
      name,
    });
  }
  return refs;
}

// What each applier kind waits on. The kind table (kinds.ts) points at these, as it does at helm-details.ts.

const RUNNING_HEALTH_CHECKS = /^Running health checks\b/;
const RUNNING_RELEASE_ACTION = /^Running '(install|upgrade)' action\b/;
// Ready reasons after a release action whose own failure is kept in Released (a rollback after a failed
// upgrade, for one): Ready then says only that the remediation ran.
const REMEDIATION_REASONS = new Set([
  'RollbackSucceeded',
  'RollbackFailed',
  'UninstallSucceeded',
  'UninstallFailed',
]);

const conditionOf = (obj: FluxObject, type: string): Condition | undefined =>
  obj.status?.conditions?.find((c) => c.type === type);

/**
 * A Kustomization waits on workloads when its health check failed (Ready=False HealthCheckFailed, or
 * Healthy=False HealthCheckFailed while the next attempt runs), or while the check runs (Ready=Unknown, Reconciling=True `Running health checks for revision …`). With `wait: true`
 * it checks everything it applied (its inventory); otherwise `spec.healthChecks`.
 */
export function kustomizationWorkloads(
  obj: FluxObject,
  inventory: InventoryEntry[],
): WorkloadScope | undefined {
  const ready = conditionOf(obj, 'Ready');
  const reconciling = conditionOf(obj, 'Reconciling');
  const healthy = conditionOf(obj, 'Healthy');
  // The controller may already run its next attempt when a run takes the failure of the last one: Ready
  // then says Progressing, while Healthy keeps the failed check's verdict until a new check runs.
  const failed =
    (ready?.status === 'False' && ready.reason === 'HealthCheckFailed') ||
    (ready?.status === 'Unknown' && healthy?.status === 'False' && healthy.reason === 'HealthCheckFailed');
  const checking =
    ready?.status === 'Unknown' &&
    reconciling?.status === 'True' &&
    RUNNING_HEALTH_CHECKS.test(reconciling.message ?? '');
  if (!failed && !checking) return undefined;
  const namespace = obj.metadata.namespace ?? 'default';
  return {
    named: failed ? workloadsNamedInConditions(obj.status?.conditions ?? [], namespace) : [],
    candidates:
      obj.spec?.wait === true ? inventoryWorkloads(inventory) : healthCheckWorkloads(obj, namespace),
  };
}

// An object with spec.kubeConfig applies to another cluster: its workloads are not in the one watched here.
const appliesElsewhere = (obj: FluxObject): boolean => !!obj.spec?.kubeConfig;

/** A Kustomization's workloads are in its inventory. */
export function kustomizationApplied(
  obj: FluxObject,
  inventory: InventoryEntry[],
): AppliedWorkloads | undefined {
  return appliesElsewhere(obj) ? undefined : { refs: inventoryWorkloads(inventory) };
}

/**
 * kustomize-controller checks a workload's health before Ready when `wait: true` (everything applied) or a
 * `healthChecks` entry names it.
 */
export function kustomizationChecks(obj: FluxObject, workload: WorkloadRef): boolean {
  if (obj.spec?.wait === true) return true;
  return healthCheckWorkloads(obj, obj.metadata.namespace ?? 'default').some((w) =>
    sameWorkload(w, workload),
  );
}

/** Where helm-controller installs the release: its history's namespace, else the target or own namespace. */
function releaseNamespace(obj: FluxObject): string {
  const own = obj.metadata.namespace ?? 'default';
  const target =
    typeof obj.spec?.targetNamespace === 'string' && obj.spec.targetNamespace
      ? obj.spec.targetNamespace
      : own;
  return obj.status?.history?.[0]?.namespace || target;
}

/** The labels helm-controller puts on every object of a release (internal/postrender, origin labels). */
function originLabels(obj: FluxObject, originGroup: string): Record<string, string> {
  return {
    [`${originGroup}/name`]: obj.metadata.name,
    [`${originGroup}/namespace`]: obj.metadata.namespace ?? 'default',
  };
}

/**
 * A HelmRelease's workloads are the release's objects: those in its inventory (helm-controller records one,
 * like kustomize-controller's), else those carrying helm-controller's labels in the release namespace.
 */
export function helmReleaseApplied(
  obj: FluxObject,
  inventory: InventoryEntry[],
  originGroup: string,
): AppliedWorkloads | undefined {
  if (appliesElsewhere(obj)) return undefined;
  if (inventory.length) return { refs: inventoryWorkloads(inventory) };
  return { refs: [], labelled: { namespace: releaseNamespace(obj), labels: originLabels(obj, originGroup) } };
}

/**
 * helm-controller waits for the release's workloads unless the action it last ran (install or upgrade) has
 * `disableWait`, and for its Jobs unless `disableWaitForJobs` (internal/action install.go, upgrade.go).
 */
export function helmReleaseChecks(obj: FluxObject, workload: WorkloadRef): boolean {
  const ran = obj.status?.lastAttemptedReleaseAction;
  const action =
    ran === 'install' || ran === 'upgrade'
      ? ran
      : (obj.status?.history?.length ?? 0) > 1
        ? 'upgrade'
        : 'install';
  const settings = obj.spec?.[action];
  const spec = settings !== null && typeof settings === 'object' ? (settings as Record<string, unknown>) : {};
  if (spec.disableWait === true) return false;
  return workload.kind !== 'Job' || spec.disableWaitForJobs !== true;
}

/**
 * A HelmRelease waits on workloads when its install or upgrade failed on Helm's wait (the wait error in
 * Ready, or in Released after a remediation), or while an install or upgrade runs. Its objects carry
 * helm-controller's origin labels `<group>/name` and `<group>/namespace` (the HelmRelease's own name and
 * namespace; internal/postrender) and live in the release namespace.
 */
export function helmReleaseWorkloads(obj: FluxObject, originGroup: string): WorkloadScope | undefined {
  const ready = conditionOf(obj, 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  const released = conditionOf(obj, 'Released');
  const reconciling = conditionOf(obj, 'Reconciling');
  const failedInReady = ready.status === 'False' && isWaitError(ready.message);
  const failedInReleased =
    released?.status === 'False' &&
    isWaitError(released.message) &&
    REMEDIATION_REASONS.has(ready.reason ?? '');
  const running =
    ready.status === 'Unknown' &&
    reconciling?.status === 'True' &&
    RUNNING_RELEASE_ACTION.test(reconciling.message ?? '');
  if (!failedInReady && !failedInReleased && !running) return undefined;
  const own = obj.metadata.namespace ?? 'default';
  const namespace = releaseNamespace(obj);
  const saying = [failedInReady ? ready : undefined, failedInReleased ? released : undefined];
  return {
    named: workloadsNamedInConditions(
      saying.filter((c): c is Condition => !!c),
      namespace,
    ),
    candidates: [],
    labelled: {
      namespace,
      labelSelector: `${originGroup}/name=${obj.metadata.name},${originGroup}/namespace=${own}`,
    },
  };
}

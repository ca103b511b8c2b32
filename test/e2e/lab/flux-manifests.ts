// The Flux objects and payload manifests the lab's tests, fixture captures and benchmarks create: one set
// of builders. Defaults suit the scenarios (long intervals: only the action makes Flux act); each option
// overrides one field.
import type { KubeObject } from './kube.js';
import { LAB_PODS } from './pods.js';

interface Placement {
  /** Absent: the namespace `lab.apply` is given. */
  namespace?: string;
  interval?: string;
}

const meta = (name: string, namespace?: string) => (namespace ? { name, namespace } : { name });

export function gitRepository(
  name: string,
  url: string,
  options: Placement & { ref?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: meta(name, options.namespace),
    spec: { interval: options.interval ?? '1h', url, ref: options.ref ?? { branch: 'main' }, timeout: '20s' },
  };
}

export interface KustomizationOptions extends Placement {
  /** Where the payload goes; default: the Kustomization's own namespace. */
  targetNamespace?: string;
  /** The GitRepository it applies from (default `fleet`). */
  source?: string;
  dependsOn?: string[];
  wait?: boolean;
  retryInterval?: string;
  /** More spec fields, as written (e.g. a sourceRef to a missing source). */
  spec?: Record<string, unknown>;
}

export function kustomization(name: string, path: string, options: KustomizationOptions = {}): KubeObject {
  const targetNamespace = options.targetNamespace ?? options.namespace;
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: meta(name, options.namespace),
    spec: {
      interval: options.interval ?? '1h',
      retryInterval: options.retryInterval ?? '1h',
      timeout: '30s',
      path,
      prune: true,
      ...(targetNamespace ? { targetNamespace } : {}),
      sourceRef: { kind: 'GitRepository', name: options.source ?? 'fleet' },
      ...(options.dependsOn ? { dependsOn: options.dependsOn.map((d) => ({ name: d })) } : {}),
      ...(options.wait ? { wait: true } : {}),
      ...options.spec,
    },
  };
}

export function helmRepository(name: string, url: string, options: Placement = {}): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: meta(name, options.namespace),
    spec: { url, interval: options.interval ?? '10m' },
  };
}

export function helmRelease(
  name: string,
  chart: string,
  version: string,
  options: Placement & { repository?: string; spec?: Record<string, unknown> } = {},
): KubeObject {
  const sourceRef = { kind: 'HelmRepository', name: options.repository ?? 'charts' };
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: meta(name, options.namespace),
    spec: {
      interval: options.interval ?? '30s',
      timeout: '30s',
      chart: { spec: { chart, version, sourceRef } },
      ...options.spec,
    },
  };
}

export interface ReceiverOptions extends Placement {
  /** What a POST requests: GitRepositories of these names, or whole references. */
  resources: Array<string | { kind: string; name: string }>;
  /** The Secret whose `token` the webhook checks (default `webhook-token`; see webhookSecret). */
  secret?: string;
}

/** A notification-controller Receiver; a `github` one takes push events. */
export function receiver(name: string, type: string, options: ReceiverOptions): KubeObject {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    kind: 'Receiver',
    metadata: meta(name, options.namespace),
    spec: {
      type,
      ...(type === 'github' ? { events: ['push'] } : {}),
      secretRef: { name: options.secret ?? 'webhook-token' },
      resources: options.resources.map((r) =>
        typeof r === 'string' ? { kind: 'GitRepository', name: r } : r,
      ),
    },
  };
}

export interface OidcReceiverOptions extends Placement {
  issuerURL: string;
  /** The Receiver's `audience` (absent: the controller's default, notification-controller). */
  audience?: string;
  /** CEL over `claims` (and `vars`) with the message the controller gives when it is false. */
  validations: { expression: string; message: string }[];
  /** What it asks to reconcile (default: GitRepository fleet). */
  resources?: { kind: string; name: string }[];
}

/** A `generic-oidc` Receiver: no secretRef, one OIDC provider. */
export function oidcReceiver(name: string, options: OidcReceiverOptions): KubeObject {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    kind: 'Receiver',
    metadata: meta(name, options.namespace),
    spec: {
      type: 'generic-oidc',
      oidcProviders: [
        {
          issuerURL: options.issuerURL,
          ...(options.audience ? { audience: options.audience } : {}),
          validations: options.validations,
        },
      ],
      resources: options.resources ?? [{ kind: 'GitRepository', name: 'fleet' }],
    },
  };
}

/** The Secret holding a Receiver's token. */
export function webhookSecret(
  token: string,
  options: { name?: string; namespace?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(options.name ?? 'webhook-token', options.namespace),
    stringData: { token },
  };
}

export function configMap(name: string, data: Record<string, string>): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${lines.join('\n')}\n`;
}

/**
 * A Deployment no node of the lab can run (its nodeSelector matches no node): kube-scheduler calls its pod
 * Unschedulable, and `progressDeadlineSeconds` after it started, kube-controller-manager calls it
 * ProgressDeadlineExceeded. `name` may be a Helm template expression.
 */
export function unschedulableDeployment(name: string, progressDeadlineSeconds: number): string {
  const nodeSelector = Object.entries(LAB_PODS.noNodeSelector)
    .map(([key, value]) => `        ${key}: ${value}\n`)
    .join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  progressDeadlineSeconds: ${progressDeadlineSeconds}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      nodeSelector:
${nodeSelector}      containers:
        - name: app
          image: registry.invalid/app:1
`;
}

// Workloads for the lab's node, as YAML (for a git commit, a chart template or lab.apply): their pods run,
// or fail the way `fault`/`image` ask (see pods.ts). `name` may be a Helm template expression.
import { stringify } from 'yaml';
import { LAB_PODS, type PodFault } from './pods.js';

export interface PodOptions {
  /** Default LAB_PODS.image (pulls); LAB_PODS.unpullableImage never does. */
  image?: string;
  fault?: PodFault;
  /** With fault restart-once: a Go duration (default 10s). */
  restartAfter?: string;
  nodeSelector?: Record<string, string>;
}

function podTemplate(name: string, options: PodOptions, restartPolicy?: 'Never' | 'OnFailure') {
  const annotations: Record<string, string> = {};
  if (options.fault) annotations[LAB_PODS.faultAnnotation] = options.fault;
  if (options.restartAfter) annotations[LAB_PODS.restartAfterAnnotation] = options.restartAfter;
  return {
    metadata: {
      labels: { app: name },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      ...(restartPolicy ? { restartPolicy } : {}),
      ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
      containers: [{ name: 'app', image: options.image ?? LAB_PODS.image }],
    },
  };
}

const manifest = (apiVersion: string, kind: string, name: string, spec: object) =>
  stringify({ apiVersion, kind, metadata: { name }, spec }, { lineWidth: 0 });

export function deployment(
  name: string,
  options: PodOptions & { replicas?: number; progressDeadlineSeconds?: number } = {},
): string {
  return manifest('apps/v1', 'Deployment', name, {
    replicas: options.replicas ?? 1,
    ...(options.progressDeadlineSeconds ? { progressDeadlineSeconds: options.progressDeadlineSeconds } : {}),
    selector: { matchLabels: { app: name } },
    template: podTemplate(name, options),
  });
}

export function statefulSet(name: string, options: PodOptions & { replicas?: number } = {}): string {
  return manifest('apps/v1', 'StatefulSet', name, {
    replicas: options.replicas ?? 1,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: podTemplate(name, options),
  });
}

export function daemonSet(name: string, options: PodOptions = {}): string {
  return manifest('apps/v1', 'DaemonSet', name, {
    selector: { matchLabels: { app: name } },
    template: podTemplate(name, options),
  });
}

/** A Job: its pods exit 0 (Succeeded) unless `fault: crash` (restartPolicy Never: each pod Failed). */
export function job(name: string, options: PodOptions & { backoffLimit?: number } = {}): string {
  return manifest('batch/v1', 'Job', name, {
    backoffLimit: options.backoffLimit ?? 0,
    template: podTemplate(name, options, 'Never'),
  });
}

// The Flux objects the fixture scenarios create.
import type { KubeObject } from '../kube.js';

export function gitRepository(
  name: string,
  url: string,
  ref: Record<string, string> = { branch: 'main' },
): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name },
    spec: { url, interval: '10m', timeout: '20s', ref },
  };
}

export function kustomization(
  name: string,
  path: string,
  targetNamespace: string,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name },
    spec: {
      interval: '10m',
      retryInterval: '5s',
      timeout: '30s',
      path,
      prune: true,
      targetNamespace,
      sourceRef: { kind: 'GitRepository', name: 'fixtures' },
      ...extra,
    },
  };
}

export function helmRepository(name: string, url: string): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name },
    spec: { url, interval: '10m' },
  };
}

export function helmRelease(
  name: string,
  chart: string,
  version: string,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name },
    spec: {
      interval: '30s',
      timeout: '30s',
      chart: { spec: { chart, version, sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      ...extra,
    },
  };
}

export const configMap = (name: string, data: Record<string, string>) =>
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
${Object.entries(data)
  .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
  .join('\n')}
`;

/** Not YAML: an unclosed flow sequence. */
export const INVALID_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: broken-yaml
data:
  key: [unclosed
`;

/** YAML, but not a valid ConfigMap: data values must be strings. */
export const SCHEMA_ERROR = `apiVersion: v1
kind: ConfigMap
metadata:
  name: schema-error
data:
  count: 3
`;

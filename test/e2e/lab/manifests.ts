// YAML or objects in, a list of objects out: what lab.apply accepts.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube.js';

export type Manifests = string | KubeObject | KubeObject[];

export function toObjects(input: Manifests): KubeObject[] {
  if (typeof input !== 'string') return Array.isArray(input) ? input : [input];
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(input)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as KubeObject | null;
    if (value) objects.push(value);
  }
  return objects;
}

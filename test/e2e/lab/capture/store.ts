// Writes captured objects and events as fixtures: the API's own JSON, minus managedFields (noise).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabClient } from '../client.js';
import type { KubeObject } from '../kube.js';

export interface FixtureStore {
  /** Saves the object as status/<scenario>.json and returns it. */
  object(scenario: string, obj: KubeObject): Promise<KubeObject>;
  /** Saves the current object of that name. */
  current(scenario: string, kind: string, namespace: string, name: string): Promise<KubeObject>;
  /** Saves the object's events as events/<scenario>.json. */
  events(scenario: string, kind: string, namespace: string, name: string): Promise<KubeObject[]>;
  /** Saves any JSON as <dir>/<scenario>.json (e.g. a CLI's captured output). */
  raw(dir: string, scenario: string, data: unknown): Promise<void>;
  written: string[];
}

function clean(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  delete copy.metadata.managedFields;
  return copy;
}

const summary = (obj: KubeObject) =>
  ((obj.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[])
    .map((c) => `    ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`)
    .join('\n');

export function fixtureStore(lab: LabClient, root: string, say: (line: string) => void): FixtureStore {
  const written: string[] = [];
  const save = async (dir: string, scenario: string, data: unknown) => {
    await mkdir(join(root, dir), { recursive: true });
    const path = join(root, dir, `${scenario}.json`);
    await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
    written.push(path);
  };
  const store: FixtureStore = {
    written,
    raw: save,
    async object(scenario, obj) {
      const cleaned = clean(obj);
      await save('status', scenario, cleaned);
      say(`  ${scenario}: ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}\n${summary(obj)}`);
      return cleaned;
    },
    async current(scenario, kind, namespace, name) {
      const obj = await lab.get(kind, namespace, name);
      if (!obj) throw new Error(`${scenario}: ${kind} ${namespace}/${name} does not exist`);
      return store.object(scenario, obj);
    },
    async events(scenario, kind, namespace, name) {
      const events = (await lab.events(kind, namespace, name)).map(clean);
      await save('events', scenario, events);
      for (const e of events) say(`    event ${e.type} ${e.reason}: ${String(e.message).slice(0, 300)}`);
      return events;
    },
  };
  return store;
}

// A Helm repository over HTTP on loopback: index.yaml and chart archives the lab writes itself
// (ConfigMaps only: there is no kubelet, so a chart must hold no workloads).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { closeServer } from './git-server.js';
import { tarGz } from './tar.js';

export interface ChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  /** values.yaml; the default template renders `data` into a ConfigMap named `<release>-config`. */
  values?: Record<string, unknown>;
  /** Files under templates/, replacing the default ConfigMap template when given. */
  templates?: Record<string, string>;
}

export interface PublishedChart {
  name: string;
  version: string;
  digest: string;
  url: string;
}

/** A ConfigMap named after the release, with `.Values.data` as its data. */
export const CONFIGMAP_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  namespace: {{ .Release.Namespace }}
  labels:
    chart-version: {{ .Chart.Version | quote }}
data:
  chartVersion: {{ .Chart.Version | quote }}
{{- range $key, $value := .Values.data }}
  {{ $key }}: {{ $value | quote }}
{{- end }}
`;

/** A template that fails to render, as a real chart with a bug does: helm reports the template and line. */
export const BROKEN_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-broken
data:
  value: {{ required "values.missing is required: this chart version is broken on purpose" .Values.missing }}
`;

/**
 * A template that renders, but to a ConfigMap the API server rejects (its name is not a DNS-1123 name):
 * unlike a render error, this fails after Helm has recorded the release, so it counts as an install or
 * upgrade failure and drives remediation (rollback, retries, RetriesExceeded).
 */
export const REJECTED_RESOURCE_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}_Not_A_Valid_Name
data:
  value: rejected by the API server
`;

interface IndexEntry {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  created: string;
  digest: string;
  urls: string[];
}

interface IndexFile {
  apiVersion: 'v1';
  entries: Record<string, IndexEntry[]>;
  generated: string;
}

function compareVersionsDescending(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Writes charts into a directory the lab's Helm server serves; usable from any process. */
export class HelmRepo {
  readonly dir: string;
  /** The URL a HelmRepository's spec.url takes. */
  readonly url: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string, url: string) {
    this.dir = dir;
    this.url = url;
  }

  /** Packages the chart, adds it to index.yaml (replacing a same version) and returns what was published. */
  publish(chart: ChartSpec): Promise<PublishedChart> {
    const next = this.queue.then(() => this.publishNow(chart));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async publishNow(chart: ChartSpec): Promise<PublishedChart> {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(chart.name)) throw new Error(`chart name ${chart.name}: use [a-z0-9-]`);
    const chartYaml = stringify({
      apiVersion: 'v2',
      name: chart.name,
      version: chart.version,
      appVersion: chart.appVersion ?? chart.version,
      type: 'application',
      description: 'A lab chart of ConfigMaps only',
    });
    const templates = chart.templates ?? { 'configmap.yaml': CONFIGMAP_TEMPLATE };
    const archive = await tarGz([
      { path: `${chart.name}/Chart.yaml`, content: chartYaml },
      { path: `${chart.name}/values.yaml`, content: stringify(chart.values ?? { data: {} }) },
      ...Object.entries(templates).map(([file, content]) => ({
        path: `${chart.name}/templates/${file}`,
        content,
      })),
    ]);
    const fileName = `${chart.name}-${chart.version}.tgz`;
    await writeAtomically(join(this.dir, fileName), archive);
    const digest = createHash('sha256').update(archive).digest('hex');
    const url = `${this.url}/${fileName}`;
    const index = await this.readIndex();
    const entries = (index.entries[chart.name] ?? []).filter((e) => e.version !== chart.version);
    entries.push({
      apiVersion: 'v2',
      name: chart.name,
      version: chart.version,
      appVersion: chart.appVersion ?? chart.version,
      created: new Date().toISOString(),
      digest,
      urls: [url],
    });
    entries.sort((a, b) => compareVersionsDescending(a.version, b.version));
    index.entries[chart.name] = entries;
    index.generated = new Date().toISOString();
    await writeAtomically(join(this.dir, 'index.yaml'), stringify(index));
    return { name: chart.name, version: chart.version, digest, url };
  }

  private async readIndex(): Promise<IndexFile> {
    try {
      return parse(await readFile(join(this.dir, 'index.yaml'), 'utf8')) as IndexFile;
    } catch {
      return { apiVersion: 'v1', entries: {}, generated: new Date().toISOString() };
    }
  }
}

async function writeAtomically(path: string, content: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export interface HelmServer {
  url: string;
  stop(): Promise<void>;
}

/** Serves the files of `dir` (index.yaml and *.tgz) read-only. */
export async function startHelmServer(dir: string): Promise<HelmServer> {
  await mkdir(dir, { recursive: true });
  const server = createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://lab').pathname).replace(/^\/+/, '');
    if (req.method !== 'GET' || !/^(index\.yaml|[a-z0-9][a-z0-9.+-]*\.tgz)$/.test(name)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const path = join(dir, name);
    try {
      const { size } = await stat(path);
      res.writeHead(200, {
        'Content-Type': name.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip',
        'Content-Length': size,
      });
      createReadStream(path).pipe(res);
    } catch {
      res.writeHead(404).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // An empty index, so that a HelmRepository is Ready before the first chart is published.
  const empty: IndexFile = { apiVersion: 'v1', entries: {}, generated: new Date().toISOString() };
  await writeAtomically(join(dir, 'index.yaml'), stringify(empty));
  return { url: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

// A tree of Kustomizations for the benchmarks, the bootstrap layout grown wide: `root` applies `children`
// Kustomizations; each child applies `grandchildren` more (or, with none, a ConfigMap itself); every leaf
// applies one ConfigMap. All from one GitRepository `tree`, in one namespace. Folders are siblings: a
// folder without kustomization.yaml is built with everything under it, so nesting would merge levels.
import { stringify } from 'yaml';
import { isReady, type LabClient } from '../e2e/lab/client.js';
import type { GitRepo } from '../e2e/lab/git-repo.js';
import { waitUntil } from '../e2e/lab/wait.js';
import { configMap, gitRepository, kustomization } from '../e2e/support.js';

export interface TreeShape {
  children: number;
  /** Per child; 0 makes the children the leaves. */
  grandchildren: number;
}

export interface Tree {
  ns: string;
  repo: GitRepo;
  shape: TreeShape;
  /** Kustomizations in the tree, root included. */
  kustomizations: number;
}

const list = (objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

function leafNames(shape: TreeShape): string[] {
  const names: string[] = [];
  for (let c = 0; c < shape.children; c++) {
    if (shape.grandchildren === 0) names.push(`c${c}`);
    else for (let g = 0; g < shape.grandchildren; g++) names.push(`g${c}-${g}`);
  }
  return names;
}

/** Every leaf's ConfigMap at `version`: a commit of these alone is a new revision that changes every leaf. */
export function leafFiles(shape: TreeShape, version: string): Record<string, string> {
  return Object.fromEntries(leafNames(shape).map((n) => [`${n}/cm.yaml`, configMap(n, { version })]));
}

function treeFiles(ns: string, shape: TreeShape): Record<string, string> {
  const ks = (name: string) => kustomization(name, `./${name}`, { namespace: ns, source: 'tree' });
  const files: Record<string, string> = leafFiles(shape, '0');
  const children = Array.from({ length: shape.children }, (_, c) => `c${c}`);
  files['root/children.yaml'] = list(children.map(ks));
  if (shape.grandchildren > 0) {
    children.forEach((child, c) => {
      const grandchildren = Array.from({ length: shape.grandchildren }, (_, g) => `g${c}-${g}`);
      files[`${child}/children.yaml`] = list(grandchildren.map(ks));
    });
  }
  return files;
}

/** Creates the tree in a new namespace and repository and waits until every Kustomization in it is Ready. */
export async function createTree(lab: LabClient, prefix: string, shape: TreeShape): Promise<Tree> {
  const ns = await lab.namespace(prefix);
  const repo = await lab.createGitRepo(prefix);
  await repo.commit(treeFiles(ns, shape), 'tree');
  await lab.apply([
    gitRepository('tree', repo.url, { namespace: ns }),
    kustomization('root', './root', { namespace: ns, source: 'tree' }),
  ]);
  const kustomizations = 1 + shape.children * (1 + shape.grandchildren);
  let ready = 0;
  await waitUntil(
    async () => {
      const all = await lab.list('Kustomization', ns);
      ready = all.filter(isReady).length;
      return all.length === kustomizations && ready === kustomizations ? true : undefined;
    },
    {
      what: `${kustomizations} Kustomizations Ready in ${ns}`,
      timeoutMs: 600_000,
      intervalMs: 1_000,
      context: () => `${ready} Ready`,
    },
  );
  return { ns, repo, shape, kustomizations };
}

// Which local folder holds what a Kustomization applies: its spec.path inside the checkout, when its source
// is this repository (or when the `path-root` input says the checkout is its source). Otherwise the
// Kustomization is "not in this checkout": a fact to report, not an error.
import { isAbsolute, relative, resolve } from 'node:path';
import { GIT_REPOSITORY, KUSTOMIZATION } from '../flux/kinds.js';
import { describeRef } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { ClusterApi } from '../kube/api.js';
import { type Checkout, isFolder } from './checkout.js';
import { repoKey, sameRepository } from './repo-url.js';

export type Location =
  | { found: true; folder: string; shown: string }
  | { found: false; notInCheckout: true; message: string }
  | { found: false; notInCheckout: false; message: string };

const notHere = (message: string): Location => ({ found: false, notInCheckout: true, message });
const problem = (message: string): Location => ({ found: false, notInCheckout: false, message });

/** Reads each GitRepository once, however many Kustomizations name it. */
export class SourceUrls {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly api: ClusterApi) {}

  url(namespace: string, name: string): Promise<string | undefined> {
    const key = `${namespace}/${name}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.api.get(GIT_REPOSITORY, namespace, name).then((obj) => {
        const url = obj?.spec?.url;
        return typeof url === 'string' ? url : undefined;
      });
      this.cache.set(key, found);
    }
    return found;
  }
}

/** Why the checkout is not this Kustomization's source, or undefined when it is. */
async function notThisSource(
  ks: FluxObject,
  checkout: Checkout,
  urls: SourceUrls,
): Promise<string | undefined> {
  if (checkout.given) return undefined;
  const source = KUSTOMIZATION.sourceOf?.(ks);
  const hint = 'set `path-root` to diff it against a folder of this checkout';
  if (!source) return `it names no source; ${hint}`;
  const named = describeRef(source);
  if (source.kind !== GIT_REPOSITORY.kind) return `its source is ${named}, not a git repository; ${hint}`;
  const url = await urls.url(source.namespace, source.name);
  if (url === undefined) return `its source ${named} was not found`;
  if (checkout.remotes.some((remote) => sameRepository(remote, url))) return undefined;
  const where = repoKey(url) ?? 'another repository';
  const ours = checkout.remotes.map((r) => repoKey(r)).find(Boolean);
  return `its source ${named} is ${where}${ours ? `, not ${ours}` : ''}; ${hint}`;
}

export async function locateFolder(ks: FluxObject, checkout: Checkout, urls: SourceUrls): Promise<Location> {
  const why = await notThisSource(ks, checkout, urls);
  if (why) return notHere(`${why[0]!.toUpperCase()}${why.slice(1)}.`);
  const specPath = typeof ks.spec?.path === 'string' && ks.spec.path !== '' ? ks.spec.path : './';
  const folder = resolve(checkout.root, specPath.replace(/^\/+/, ''));
  const inside = relative(checkout.root, folder);
  // As kustomize-controller (SecureJoin), a spec.path never leaves the source's root.
  if (inside.startsWith('..') || isAbsolute(inside)) {
    return problem(`spec.path ${JSON.stringify(specPath)} leads out of the checkout.`);
  }
  const shown = `./${inside}`.replace(/\/$/, '');
  if (!isFolder(folder)) {
    return problem(
      `spec.path ${JSON.stringify(specPath)} is not a folder of the checkout (${checkout.given ? '`path-root`' : 'the workspace'}): was it moved or deleted?`,
    );
  }
  return { found: true, folder, shown: shown === '.' ? './' : shown };
}

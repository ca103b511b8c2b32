// Which local folder holds what a Kustomization applies: its spec.path inside the checkout, when its source
// is this repository (or when the `path-root` input says the checkout is its source). Otherwise the
// Kustomization is "not in this checkout": a fact to report, not an error.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { type FluxKind, findKind } from '../flux/kinds.js';
import { describeRef, type ObjectRef } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import { displayRepository, sameRepository } from '../git/repository-url.js';
import type { ClusterApi } from '../kube/api.js';
import { type Checkout, isFolder } from './checkout.js';

export type Location =
  | { found: true; folder: string; shown: string }
  | { found: false; notInCheckout: true; message: string }
  | { found: false; notInCheckout: false; message: string };

const notHere = (message: string): Location => ({ found: false, notInCheckout: true, message });
const problem = (message: string): Location => ({ found: false, notInCheckout: false, message });

/** Reads each git source once, however many Kustomizations name it. */
export class SourceUrls {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly api: ClusterApi) {}

  /** The source's git URL; undefined when the source does not exist. */
  url(kind: FluxKind, ref: ObjectRef): Promise<string | undefined> {
    const key = `${kind.kind}/${ref.namespace}/${ref.name}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.api
        .get(kind, ref.namespace, ref.name)
        .then((obj) => (obj ? kind.gitUrl?.(obj) : undefined));
      this.cache.set(key, found);
    }
    return found;
  }
}

/** What locateFolder needs of a planned object. */
export interface Applier {
  kind: FluxKind;
  initial: FluxObject;
}

/** Why the checkout is not this Kustomization's source, or undefined when it is. */
async function notThisSource(
  object: Applier,
  checkout: Checkout,
  urls: SourceUrls,
): Promise<string | undefined> {
  if (checkout.given) return undefined;
  const source = object.kind.sourceOf?.(object.initial);
  const hint = 'set `path-root` to diff it against a folder of this checkout';
  if (!source) return `it names no source; ${hint}`;
  const named = describeRef(source);
  const sourceKind = findKind(source.kind);
  if (!sourceKind?.gitUrl) return `its source is ${named}, not a git repository; ${hint}`;
  const url = await urls.url(sourceKind, source);
  if (url === undefined) return `its source ${named} was not found`;
  if (checkout.remotes.some((remote) => sameRepository(remote, url))) return undefined;
  const where = displayRepository(url);
  const ours = checkout.remotes.map(displayRepository).find(Boolean);
  return `its source ${named} is ${where}${ours ? `, not ${ours}` : ''}; ${hint}`;
}

export async function locateFolder(object: Applier, checkout: Checkout, urls: SourceUrls): Promise<Location> {
  const ks = object.initial;
  const why = await notThisSource(object, checkout, urls);
  if (why) return notHere(`${why[0]!.toUpperCase()}${why.slice(1)}.`);
  const specPath = typeof ks.spec?.path === 'string' && ks.spec.path !== '' ? ks.spec.path : './';
  const folder = resolve(checkout.root, specPath.replace(/^\/+/, ''));
  const leadsOut = problem(`spec.path ${JSON.stringify(specPath)} leads out of the checkout.`);
  const inside = relative(checkout.root, folder);
  // As kustomize-controller (SecureJoin), a spec.path never leaves the source's root.
  if (isOutside(inside)) return leadsOut;
  const shown = `./${inside}`.replace(/\/$/, '');
  if (!isFolder(folder)) {
    return problem(
      `spec.path ${JSON.stringify(specPath)} is not a folder of the checkout (${checkout.given ? '`path-root`' : 'the workspace'}): was it moved or deleted?`,
    );
  }
  // Nor through a symbolic link (`apps -> /etc`): the folder the CLI would read is where the link points.
  const real = realpathSync(folder);
  if (isOutside(relative(checkout.root, real))) return leadsOut;
  return { found: true, folder: real, shown: shown === '.' ? './' : shown };
}

const isOutside = (relativePath: string): boolean =>
  relativePath === '..' || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath);

import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checkout } from '../../../src/diff/checkout.js';
import { type Applier, locateFolder, SourceUrls } from '../../../src/diff/local-folder.js';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'checkout-'));
  await mkdir(join(root, 'apps', 'prod'), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function cluster(): FakeCluster {
  const fake = new FakeCluster();
  fake.add('GitRepository', {
    metadata: { name: 'fleet' },
    spec: { url: 'ssh://git@github.com/Org/fleet.git' },
  });
  fake.add('GitRepository', { metadata: { name: 'other' }, spec: { url: 'https://github.com/org/infra' } });
  return fake;
}

const ks = (path: string | undefined, sourceRef: Record<string, string>): Applier => ({
  kind: KUSTOMIZATION,
  initial: {
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: { ...(path === undefined ? {} : { path }), sourceRef: sourceRef as never },
  },
});

const ours = (): Checkout => ({ root, given: false, remotes: ['https://github.com/org/fleet'] });

describe('locateFolder', () => {
  it('maps spec.path into the workspace when the GitRepository is this repository', async () => {
    const found = await locateFolder(
      ks('./apps/prod', { kind: 'GitRepository', name: 'fleet' }),
      ours(),
      new SourceUrls(cluster()),
    );
    expect(found).toEqual({ found: true, folder: join(root, 'apps', 'prod'), shown: './apps/prod' });
  });

  it('takes an absent or root spec.path as the root', async () => {
    for (const path of [undefined, '', './', '/']) {
      const found = await locateFolder(
        ks(path, { kind: 'GitRepository', name: 'fleet' }),
        ours(),
        new SourceUrls(cluster()),
      );
      expect(found, String(path)).toEqual({ found: true, folder: root, shown: './' });
    }
  });

  it('lists a Kustomization of another repository as not in this checkout, naming both', async () => {
    const found = await locateFolder(
      ks('./apps', { kind: 'GitRepository', name: 'other' }),
      ours(),
      new SourceUrls(cluster()),
    );
    expect(found).toMatchObject({ found: false, notInCheckout: true });
    expect(!found.found && found.message).toBe(
      'Its source GitRepository flux-system/other is github.com/org/infra, not github.com/org/fleet; set `path-root` to diff it against a folder of this checkout.',
    );
  });

  it('lists OCI sources and missing GitRepositories as not in this checkout', async () => {
    const oci = await locateFolder(
      ks('./apps', { kind: 'OCIRepository', name: 'fleet' }),
      ours(),
      new SourceUrls(cluster()),
    );
    expect(!oci.found && oci.message).toContain(
      'Its source is OCIRepository flux-system/fleet, not a git repository',
    );
    const gone = await locateFolder(
      ks('./apps', { kind: 'GitRepository', name: 'gone' }),
      ours(),
      new SourceUrls(cluster()),
    );
    expect(!gone.found && gone.notInCheckout && gone.message).toContain(
      'GitRepository flux-system/gone was not found',
    );
  });

  it('uses path-root for any source when it is given', async () => {
    const given: Checkout = { root, given: true, remotes: [] };
    const found = await locateFolder(
      ks('apps/prod', { kind: 'OCIRepository', name: 'x' }),
      given,
      new SourceUrls(cluster()),
    );
    expect(found).toMatchObject({ found: true, shown: './apps/prod' });
  });

  it('reports a spec.path that is missing or leaves the checkout as an error, not as not-in-checkout', async () => {
    const missing = await locateFolder(
      ks('./apps/staging', { kind: 'GitRepository', name: 'fleet' }),
      ours(),
      new SourceUrls(cluster()),
    );
    expect(missing).toMatchObject({ found: false, notInCheckout: false });
    expect(!missing.found && missing.message).toContain('"./apps/staging" is not a folder of the checkout');
    const outside = await locateFolder(
      ks('../../etc', { kind: 'GitRepository', name: 'fleet' }),
      ours(),
      new SourceUrls(cluster()),
    );
    expect(!outside.found && outside.message).toContain('leads out of the checkout');
  });

  it('follows no link out of the checkout: a folder that is a symbolic link to /etc leads out of it', async () => {
    await symlink('/etc', join(root, 'linked'));
    await mkdir(join(root, 'apps', 'inner'), { recursive: true });
    await symlink(join(root, 'apps', 'inner'), join(root, 'within'));
    const checkout = { ...ours(), root: realpathSync(root) };
    for (const path of ['./linked', 'linked/ssl']) {
      const outside = await locateFolder(
        ks(path, { kind: 'GitRepository', name: 'fleet' }),
        checkout,
        new SourceUrls(cluster()),
      );
      expect(outside, path).toMatchObject({ found: false, notInCheckout: false });
      expect(!outside.found && outside.message).toBe(`spec.path "${path}" leads out of the checkout.`);
    }
    // A link that stays inside is followed, and diffed where it points.
    const inside = await locateFolder(
      ks('./within', { kind: 'GitRepository', name: 'fleet' }),
      checkout,
      new SourceUrls(cluster()),
    );
    expect(inside).toMatchObject({ found: true, folder: join(realpathSync(root), 'apps', 'inner') });
  });

  it('reads each GitRepository once for many Kustomizations', async () => {
    const fake = cluster();
    const urls = new SourceUrls(fake);
    const before = fake.requestCount();
    await Promise.all(
      [1, 2, 3].map(() => locateFolder(ks('./apps', { kind: 'GitRepository', name: 'fleet' }), ours(), urls)),
    );
    expect(fake.requestCount() - before).toBe(1);
  });
});

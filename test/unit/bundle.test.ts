// dist/ is committed and CI compares it with a fresh bundle made in another folder: nothing in the bundle,
// chunk names included (esbuild hashes the paths of a chunk's modules into them), may depend on where the
// checkout lives.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bundle script is plain JavaScript without types.
import { bundleOptions } from '../../scripts/bundle.mjs';

describe('the bundle', () => {
  it('names every module by a path that does not contain the checkout folder', async () => {
    const result = await build({ ...bundleOptions('/tmp/flux-reconcile-bundle-test'), write: false });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.length).toBeGreaterThan(100);
    const absolute = inputs.filter((path) => path.includes(process.cwd()) || /(^|:)\//.test(path));
    expect(absolute).toEqual([]);
    for (const file of result.outputFiles ?? []) expect(file.text).not.toContain(process.cwd());
  }, 60_000);
});

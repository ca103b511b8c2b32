// Bundles the action into dist/ with esbuild: ESM entry points (index, post) and the chunks they share or
// load on demand. Code splitting keeps the start small: a command loads only its own code (the run engine,
// the diff engine, Octokit for GitHub reports, the download of a release) when it is imported, and Node
// compiles only that.
// ncc produces a 19 MB bundle for @kubernetes/client-node; esbuild's is a few MB and builds in under a second.
// The output is deterministic (chunk names hash their content), so CI can compare dist/ with a fresh bundle.
import { readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * @actions/core imports its OIDC client, and with it @actions/http-client, which evaluates undici (a few
 * hundred KB, 40–60 ms) as it loads: every start would pay for a token that only `getIDToken` asks for.
 * Its one caller (`OidcClient.getIDToken` in core.js) gets a stand-in that imports the real client then.
 */
const oidcClientOnDemand = {
  name: 'oidc-client-on-demand',
  setup(build) {
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) => {
      if (!/@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)) return undefined;
      return { path: join(args.resolveDir, 'oidc-utils.js'), namespace: 'oidc-on-demand' };
    });
    build.onLoad({ filter: /.*/, namespace: 'oidc-on-demand' }, (args) => ({
      contents: `export class OidcClient {
  static async getIDToken(audience) {
    const { OidcClient: Real } = await import(${JSON.stringify(args.path)});
    return Real.getIDToken(audience);
  }
}`,
      resolveDir: dirname(args.path),
    }));
  },
};

/** esbuild's options for the action's bundle in `outdir`. */
export function bundleOptions(outdir = 'dist') {
  return {
    entryPoints: { index: 'src/index.ts', post: 'src/post.ts' },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [oidcClientOnDemand],
    // Some CommonJS dependencies call require(); give each ESM file one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

/** Writes the bundle into `outdir` and removes what an earlier bundle left there; returns esbuild's metafile. */
export async function bundle(outdir = 'dist') {
  const result = await build(bundleOptions(outdir));
  // Chunks of an earlier bundle that this one no longer writes would linger (and be committed): remove
  // them, only now, so that dist/ is never half empty while something runs it.
  const written = new Set(Object.keys(result.metafile.outputs).map((path) => relative(outdir, path)));
  for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
    const path = relative(outdir, join(entry.parentPath, entry.name));
    if (entry.isFile() && !written.has(path)) await rm(join(outdir, path));
  }
  return result.metafile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await bundle();

// Bundles the action into dist/ with esbuild: one ESM file per entry point, small and fast to start.
// ncc produces a 19 MB bundle for @kubernetes/client-node; esbuild's is a few MB and builds in under a second.
import { build } from 'esbuild';

await build({
  entryPoints: { index: 'src/index.ts', post: 'src/post.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

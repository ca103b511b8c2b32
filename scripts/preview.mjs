// `npm run preview`: writes preview/<scenario>.html, the job summary of each fixture scenario in a page
// styled like GitHub's, so a person can look at it in a browser. The TypeScript sources are bundled on the
// fly with esbuild (already a dev dependency), which also inlines the fixture JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const outDir = resolve(process.argv[2] ?? 'preview');
const work = mkdtempSync(join(tmpdir(), 'flux-reconcile-preview-'));
try {
  const bundle = join(work, 'render.mjs');
  await build({
    entryPoints: ['scripts/preview/render.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const { writePreviews } = await import(pathToFileURL(bundle).href);
  for (const file of writePreviews(outDir)) console.log(`wrote ${file}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

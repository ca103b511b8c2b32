// Captures real Flux status payloads into test/fixtures/{status,events}/, and flux diff output into
// test/fixtures/diff/, from a lab it starts and stops.
// Usage: node scripts/capture-fixtures.mjs [kustomizations] [git] [helm] [receiver] [operator] [fluxinstance]
// [workloads] [pods] [diff] [health-checks] [stuck] (default: all groups)
// The lab code is TypeScript; esbuild bundles it to a temporary module first.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'node_modules', '.cache', 'flux-reconcile-lab');
await mkdir(outDir, { recursive: true });
const outfile = join(outDir, 'capture-fixtures.mjs');
await build({
  entryPoints: [join(root, 'test/e2e/lab/capture/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(outfile).href);
await main(root, process.argv.slice(2));

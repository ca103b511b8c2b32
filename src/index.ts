// The main step's entry: the compile cache first, so that everything after it loads from it (see
// base/compile-cache.ts); the step itself is imported only then.
import { useCompileCache } from './base/compile-cache.js';

useCompileCache();
const { run } = await import('./main.js');
await run();

// The post step's entry: as index.ts, the compile cache first.
import { useCompileCache } from './base/compile-cache.js';

useCompileCache();
const { runPost } = await import('./post-main.js');
await runPost();

import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
function n(r){return r<1024?`${r} B`:r<1024*1024?`${(r/1024).toFixed(1)} KiB`:`${(r/(1024*1024)).toFixed(1)} MiB`}function e(r){return performance.now()-r}export{n as a,e as b};

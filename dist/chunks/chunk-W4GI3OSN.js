import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{enableCompileCache as c}from"node:module";import{join as r}from"node:path";function t(o=process.env){let e=o.RUNNER_TEMP;if(e)try{c(r(e,"flux-reconcile-compile-cache"))}catch{}}export{t as a};

import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as t,e as o,f as n}from"./chunk-N6AIDDDX.js";import"./chunk-T37XUIR2.js";import"./chunk-W7OOH67B.js";import"./chunk-IM7GNSPV.js";var x=new t;function s(e,i,...r){let c=o.plugin(...r);return new c(n(e,i))}export{x as context,s as getOctokit};

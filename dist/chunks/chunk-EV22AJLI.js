import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
var n=e=>e.toUpperCase().startsWith("INPUT_");function c(e={},s=process.env){let o={};for(let[t,r]of Object.entries(s))n(t)||(o[t]=r);return{...o,...e}}function i(e=process.env){for(let s of Object.keys(e))n(s)&&delete e[s]}export{c as a,i as b};

import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
var r=class extends Error{name="ConfigError";inputs;constructor(e,o){super(o),this.inputs=typeof e=="string"?[e]:[...e]}};export{r as a};

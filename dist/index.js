import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a}from"./chunks/chunk-W4GI3OSN.js";import"./chunks/chunk-IM7GNSPV.js";a();var{run:i}=await import("./chunks/main-ZLPP54SF.js");await i();

import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as o}from"./chunks/chunk-W4GI3OSN.js";import"./chunks/chunk-IM7GNSPV.js";o();var{runPost:t}=await import("./chunks/post-main-FIF6Z364.js");await t();

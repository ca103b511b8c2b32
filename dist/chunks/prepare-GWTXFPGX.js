import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{s as b}from"./chunk-YUZ4P6YU.js";import"./chunk-M46KF3ND.js";import{b as a}from"./chunk-U6RF3VZM.js";import"./chunk-B5FUIIIQ.js";import"./chunk-R4IS2SQS.js";import"./chunk-IM7GNSPV.js";export{a as cleanupKubeconfig,b as prepareKubeconfig};

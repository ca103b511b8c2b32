import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{s as b}from"./chunk-2DI6RJD5.js";import"./chunk-M46KF3ND.js";import{b as a}from"./chunk-QRN6P2UG.js";import"./chunk-B5FUIIIQ.js";import"./chunk-QYV34M42.js";import"./chunk-IM7GNSPV.js";export{a as cleanupKubeconfig,b as prepareKubeconfig};

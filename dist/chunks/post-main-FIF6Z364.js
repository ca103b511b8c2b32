import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as e}from"./chunk-U6RF3VZM.js";import{d as o}from"./chunk-B5FUIIIQ.js";import{q as r}from"./chunk-R4IS2SQS.js";import"./chunk-IM7GNSPV.js";async function t(){try{await e()}catch(c){r(`flux-reconcile cleanup: ${o(c)}`)}}export{t as runPost};

import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as e}from"./chunks/chunk-U6RF3VZM.js";import{d as o}from"./chunks/chunk-B5FUIIIQ.js";import{q as r}from"./chunks/chunk-R4IS2SQS.js";import"./chunks/chunk-IM7GNSPV.js";async function i(){try{await e()}catch(t){r(`flux-reconcile cleanup: ${o(t)}`)}}await i();

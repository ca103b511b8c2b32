// The report's public surface for the main step and the run loop.
export type { Annotation } from './annotations.js';
export { annotationsFor, emitAnnotations } from './annotations.js';
export type { RelatedObject, RelatedObjects } from './collect.js';
export { collectHealth, collectRelated } from './collect.js';
export type { ReportContext } from './context.js';
export type { NamespaceHealth } from './health.js';
export { namespaceHealth } from './health.js';
export { liveLogHooks } from './live-log.js';
export {
  failingLine,
  failureLine,
  followedLine,
  heartbeatLine,
  noteLine,
  requestedLine,
  verdictLine,
} from './log.js';
export { buildOutputs, writeOutputs } from './outputs.js';
export { type ReportOptions, report, reportStopped } from './report.js';
export { collectStuck, type StuckReports } from './stuck.js';
export { renderSummary } from './summary.js';
export { type ObjectView, viewOf } from './view.js';
export { collectWorkloads, type WorkloadReports } from './workloads.js';

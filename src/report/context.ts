// What the report says about where it ran, besides the results themselves.
import type { RelatedObjects } from './collect.js';
import type { StuckReports } from './stuck.js';
import type { WorkloadReports } from './workloads.js';

export interface ReportContext {
  /** The kubeconfig cluster's `server` URL. Only its host and port are ever shown. */
  server?: string;
  /** The kubeconfig context in use. */
  contextName?: string;
  /** The flux CLI version on PATH, e.g. `2.9.5`. */
  fluxVersion?: string;
  /** The `namespace` input: the namespace of the health footer. */
  namespace: string;
  /** Sources and dependencies of failed objects that the run did not watch, read after the run. */
  related?: RelatedObjects;
  /** The workloads failed health checks and Helm waits waited on, by the Flux object's refKey. */
  workloads?: WorkloadReports;
  /** Why the objects that timed out got nowhere, by refKey. */
  stuck?: StuckReports;
}

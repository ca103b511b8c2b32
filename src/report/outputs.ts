// The step's outputs: what later steps of a workflow read with fromJSON().
import * as core from '@actions/core';
import { shorten } from '../base/text.js';
import { refKey } from '../flux/refs.js';
import type { Outcome, ResultRole, RunResult } from '../reconcile/types.js';
import { type Fitted, fitList, fitMap, fitRecords, OUTPUT_SHARES, truncationNote } from './output-budget.js';
import { type ObjectView, viewOf } from './view.js';

// Outputs share one size budget per job; a pruning failure can list hundreds of objects in its message.
const MAX_OUTPUT_MESSAGE_CHARS = 4000;

/** One record of the `results` output. Absent values are null, so every record has the same keys. */
export interface ResultRecord {
  kind: string;
  namespace: string;
  name: string;
  outcome: Outcome;
  ok: boolean;
  role: ResultRole;
  /** For a child, the `Kind/namespace/name` of the object that applied it; else null. */
  parent: string | null;
  revisionBefore: string | null;
  revisionAfter: string | null;
  /** The revision a failed attempt was of, when it is not the one still running (revisionAfter). */
  revisionAttempted: string | null;
  /** When a newer commit than the expected one was reached: `at B, which contains A`. */
  revisionNote: string | null;
  expectedRevision: string | null;
  durationMs: number;
  reason: string;
  message: string;
  waitedOn: string | null;
  /** For a workload: ready (or succeeded) and desired pods, the images it rolls out, the pod that says why. */
  rollout: {
    ready: number;
    desired: number;
    images: string[];
    pod: string | null;
    podReason: string | null;
  } | null;
}

export function resultRecord(view: ObjectView): ResultRecord {
  const { result } = view;
  return {
    kind: result.kind,
    namespace: result.namespace,
    name: result.name,
    outcome: result.outcome,
    ok: result.ok,
    role: result.role,
    parent: result.parent ? refKey(result.parent) : null,
    revisionBefore: result.revisionBefore ?? null,
    revisionAfter: result.revisionAfter ?? null,
    revisionAttempted: result.revisionAttempted ?? null,
    revisionNote: result.revisionNote ?? null,
    expectedRevision: result.expectedRevision ?? null,
    durationMs: Math.round(result.durationMs),
    reason: result.reason,
    message: shorten(view.message, MAX_OUTPUT_MESSAGE_CHARS).text,
    waitedOn: result.waitedOn ?? null,
    rollout: result.rollout
      ? {
          ready: result.rollout.ready,
          desired: result.rollout.desired,
          images: result.rollout.images,
          pod: result.rollout.pod?.pod ?? null,
          podReason: result.rollout.pod?.reason ?? null,
        }
      : null,
  };
}

type OutputName = 'ready' | 'results' | 'revisions' | 'failed';

/** Every output the report owns, as the strings `core.setOutput` writes, and a note when some had to be cut. */
export function buildOutputs(
  run: RunResult,
  views = run.results.map(viewOf),
): Record<OutputName, string> & { note?: string } {
  const revisions: Record<string, string> = {};
  for (const result of run.results) {
    if (result.revisionAfter) revisions[refKey(result)] = result.revisionAfter;
  }
  const fitted: Record<'results' | 'revisions' | 'failed', Fitted> = {
    results: fitRecords(views.map(resultRecord), OUTPUT_SHARES.results),
    revisions: fitMap(revisions, OUTPUT_SHARES.revisions),
    failed: fitList(run.results.filter((r) => !r.ok).map(refKey), OUTPUT_SHARES.failed),
  };
  const note = truncationNote(fitted);
  return {
    ready: run.ready ? 'true' : 'false',
    results: fitted.results.json,
    revisions: fitted.revisions.json,
    failed: fitted.failed.json,
    ...(note ? { note } : {}),
  };
}

export function writeOutputs(run: RunResult, views = run.results.map(viewOf)): void {
  const { note, ...outputs } = buildOutputs(run, views);
  setOutputs(outputs);
  if (note) core.warning(note);
}

/** The one writer of the step's outputs: every command's report hands its values here. */
export function setOutputs(values: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value);
}

// The one entry the main step calls after a run: outputs, annotations, the job summary.
import * as core from '@actions/core';
import { errorMessage } from '../base/error-message.js';
import { escapePre } from '../base/text.js';
import { refKey } from '../flux/refs.js';
import type { RunResult } from '../reconcile/types.js';
import { emitAnnotations } from './annotations.js';
import type { ReportContext } from './context.js';
import type { NamespaceHealth } from './health.js';
import { verdictLine } from './log.js';
import { setOutputs, writeOutputs } from './outputs.js';
import { renderSummary } from './summary.js';
import { type ObjectView, viewOf, withStuck, withWorkloads } from './view.js';

export interface ReportOptions {
  /** The `summary` input: write a job summary. */
  summary: boolean;
}

/**
 * Outputs first, so that later steps have them even when the summary cannot be written;
 * a summary failure is a warning, never the step's failure. Returns the views, for the reports to GitHub.
 */
export async function report(
  ctx: ReportContext,
  run: RunResult,
  health: NamespaceHealth | undefined,
  opts: ReportOptions,
): Promise<ObjectView[]> {
  const views = run.results.map((r) =>
    withStuck(withWorkloads(viewOf(r), ctx.workloads?.get(refKey(r))), ctx.stuck?.get(refKey(r))),
  );
  writeOutputs(run, views);
  emitAnnotations(run, views);
  if (views.length) {
    core.startGroup(`Results: ${views.filter((v) => !v.needsAttention).length} of ${views.length} ok`);
    for (const view of views) core.info(verdictLine(view));
    core.endGroup();
  }
  if (opts.summary) await writeSummary(renderSummary(ctx, run, health, views));
  return views;
}

/** The summary of a run that stopped before any object was judged: what stopped it, in one block. */
export function renderStoppedSummary(message: string): string {
  return `<h2>❌ Flux reconcile: stopped before reconciling</h2>\n<pre>${escapePre(message)}</pre>\n`;
}

/** Writes that summary; a failure to write it is only a warning. */
/** A run that stopped before any result: `ready=false` for a later step to test, and a summary to read. */
export async function reportStopped(message: string, options: { summary: boolean }): Promise<void> {
  setOutputs({ ready: 'false' });
  if (options.summary) await writeSummary(renderStoppedSummary(message));
}

/** Where the installed CLI is, for later steps. */
export function reportInstalled(flux: { version: string; path: string }): void {
  setOutputs({ 'flux-version': flux.version, 'flux-path': flux.path });
}

/** Writes HTML to the job summary; a failure to write it is a warning, never the step's failure. */
export async function writeSummary(html: string): Promise<void> {
  try {
    await core.summary.addRaw(html).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`);
  } finally {
    core.summary.emptyBuffer();
  }
}

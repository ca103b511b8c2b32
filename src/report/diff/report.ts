// Where a diff's result goes: outputs first (later steps need them even when the summary fails), then the
// job summary. A summary that cannot be written is a warning, never the step's failure.
import type { DiffRun } from '../../diff/types.js';
import { setOutputs } from '../outputs.js';
import { writeSummary } from '../report.js';
import { SUMMARY_BUDGET_BYTES } from '../summary.js';
import { buildDiffOutputs } from './outputs.js';
import { type DiffReportContext, renderDiffBlock } from './render.js';

export async function reportDiff(
  ctx: DiffReportContext,
  run: DiffRun,
  options: { summary: boolean },
): Promise<void> {
  setOutputs(buildDiffOutputs(run));
  if (!options.summary) return;
  await writeSummary(renderDiffBlock(run, { budgetBytes: SUMMARY_BUDGET_BYTES, context: ctx }));
}

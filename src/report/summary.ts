// The job summary: one screen that answers "did my commit deploy, and if not, why?".
// Plain HTML, the way core.summary writes it; no blank line anywhere, so GitHub's Markdown keeps it one block.

import { escapeHtml, shorten } from '../base/text.js';
import { shortRevision } from '../flux/revision.js';
import { commandSpec, goalWord } from '../inputs/commands.js';
import type { ObjectResult, Outcome, RolloutFacts, RunResult } from '../reconcile/types.js';
import { renderChecksAfterReady } from './checks-view.js';
import type { ReportContext } from './context.js';
import { renderDetails } from './details.js';
import { formatDuration, OUTCOME_ORDER, outcomeLook, serverHost, shortRevisionsIn } from './format.js';
import type { NamespaceHealth } from './health.js';
import { renderHealth } from './health-view.js';
import { bold, cell, code, table } from './html.js';
import { Neighbourhood } from './neighbours.js';
import { type ObjectView, viewOf } from './view.js';

export const CELL_MESSAGE_CHARS = 200;
const CELL_MESSAGE_LINES = 3;
// GitHub refuses a step summary over 1 MiB; stop adding details well before.
export const SUMMARY_BUDGET_BYTES = 900_000;
// The table's share of the budget: a tree of thousands of objects would fill it alone. The header, the
// details and the health footer use the rest.
const TABLE_SHARE = 0.6;
const TABLE_HEADERS = ['Result', 'Kind\u00a0and\u00a0namespace/name', 'Revision', 'Duration', 'Message'];

function verdictTitle(run: RunResult): string {
  const objects = run.results.filter((r) => r.role !== 'workload');
  const total = objects.length;
  const goal = goalWord(run.command);
  if (total === 0) return `✅ Flux ${run.command}: no objects to ${run.command}`;
  const after = afterReadyWords(run);
  if (run.ready) {
    const goalOutcome = commandSpec(run.command).goal;
    // Static objects are skipped and still fine: then "all Ready" would not be true.
    if (objects.some((r) => r.outcome !== goalOutcome))
      return `✅ Flux ${run.command}: ${total} objects, none failed${after}`;
    return `✅ Flux ${run.command}: ${total === 1 ? 'the object is' : `all ${total} objects`} ${goal}${after}`;
  }
  const bad = objects.filter((r) => !r.ok).length;
  if (bad === 0) return `❌ Flux ${run.command}: ${afterReadyFailure(run)}`;
  if (total === 1) return `❌ Flux ${run.command}: the object is not ${goal}`;
  return `❌ Flux ${run.command}: ${bad} of ${total} objects not ${goal}`;
}

/** `, 2 workloads rolled out, held 30s`: what a green run proved beyond Ready. */
function afterReadyWords(run: RunResult): string {
  const workloads = run.results.filter((r) => r.role === 'workload' && r.outcome === 'ready').length;
  const parts: string[] = [];
  if (workloads) parts.push(`${workloads === 1 ? '1 workload' : `${workloads} workloads`} rolled out`);
  if (run.probes?.length && run.probes.every((p) => p.ok)) parts.push('answering');
  if (run.soak?.held) parts.push(`held ${formatDuration(run.soak.stableForMs)}`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/** Every object Ready, and yet not green: a workload, a URL or the soak. */
function afterReadyFailure(run: RunResult): string {
  const workloads = run.results.filter((r) => r.role === 'workload');
  const bad = workloads.filter((r) => !r.ok).length;
  if (bad) return `${bad} of ${workloads.length} workloads not rolled out`;
  if (run.probes?.some((p) => !p.ok && p.stage === 'ready')) return 'verify-url did not answer as expected';
  if (run.soak?.broke) return `the soak broke after ${formatDuration(run.soak.broke.afterMs)}`;
  if (run.soak && !run.soak.held) return 'the soak was not held';
  return 'not verified';
}

function outcomeCounts(results: ObjectResult[]): string {
  const counts = new Map<Outcome, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return OUTCOME_ORDER.filter((o) => counts.has(o))
    .map((o) => `${outcomeLook(o).emoji} ${counts.get(o)} ${escapeHtml(outcomeLook(o).label.toLowerCase())}`)
    .join(' · ');
}

function header(ctx: ReportContext, run: RunResult): string {
  const facts: string[] = [`${bold('Command')} ${code(run.command)}`];
  const host = serverHost(ctx.server);
  if (host) facts.push(`${bold('Cluster')} ${code(host)}`);
  if (ctx.contextName) facts.push(`${bold('Context')} ${code(ctx.contextName)}`);
  if (ctx.fluxVersion) facts.push(`${bold('flux')} ${code(ctx.fluxVersion)}`);
  if (run.expectedRevision) facts.push(`${bold('Expected revision')} ${code(run.expectedRevision)}`);
  facts.push(`${bold('Total time')} ${escapeHtml(formatDuration(run.durationMs))}`);
  const counts = run.results.length ? `\n<p>${outcomeCounts(run.results)}</p>` : '';
  return `<h2>${escapeHtml(verdictTitle(run))}</h2>\n<p>${facts.join(' · ')}</p>${counts}`;
}

function revisionCell(view: ObjectView): string {
  const { before, after, attempted, expected, missedExpected } = view.revision;
  const short = (r: string) => code(shortRevision(r));
  let html = '–';
  if (before && after && before !== after) {
    // Commits go on two lines; chart versions fit on one.
    const joint = shortRevision(before).length + shortRevision(after).length > 16 ? '<br>→ ' : ' → ';
    html = `${short(before)}${joint}${short(after)}`;
  } else if (after) html = before ? `${short(after)} <i>(unchanged)</i>` : short(after);
  else if (before) html = `${short(before)} → <i>none</i>`;
  if (attempted) html += `<br>failed at ${short(attempted)}`;
  if (view.revision.note) html += `<br><i>${escapeHtml(shortRevisionsIn(view.revision.note))}</i>`;
  if (expected && view.needsAttention && missedExpected) html += `<br>expected ${short(expected)}`;
  return html;
}

/** The images a workload rolls out: the new version. */
function imagesCell(rollout: RolloutFacts): string {
  return rollout.images.length ? rollout.images.map(code).join('<br>') : '–';
}

/** The message cell, and whether the whole text had to go to the details. */
function messageCell(view: ObjectView): { html: string; truncated: boolean } {
  if (view.rollout && view.result.outcome === 'ready') {
    return {
      html: cell(
        `${view.rollout.ready}/${view.rollout.desired} ${view.rollout.workloadKind === 'Job' ? 'succeeded' : 'ready'}`,
      ),
      truncated: false,
    };
  }
  const { text, truncated } = shorten(shortRevisionsIn(view.message), CELL_MESSAGE_CHARS, CELL_MESSAGE_LINES);
  const reason = view.reason ? `${bold(view.reason)}${text ? ': ' : ''}` : '';
  const more = truncated ? ' <i>(full text in the details below)</i>' : '';
  return { html: `${reason}${cell(text)}${more}`, truncated };
}

function objectRow(view: ObjectView, message: string): string[] {
  const { look, result } = view;
  const role =
    result.role === 'source'
      ? ' <sub>(source)</sub>'
      : result.role === 'workload'
        ? ' <sub>(workload)</sub>'
        : view.parentTitle
          ? ` <sub>(applied by ${escapeHtml(view.parentTitle)})</sub>`
          : '';
  // A workload sits under the object that applied it, as part of its section.
  const indent = view.rollout ? '\u00a0\u00a0↳ ' : '';
  return [
    // No-break spaces: `⏱️ Timed out` stays on one line in the narrow first column.
    `${look.emoji}\u00a0${escapeHtml(look.label.replace(/ /g, '\u00a0'))}`,
    `${indent}${escapeHtml(result.kind)}${role}<br>${indent}${code(`${result.namespace}/${result.name}`)}`,
    view.rollout ? imagesCell(view.rollout) : revisionCell(view),
    // Nothing was asked of a skipped object: no time to show.
    view.timed || result.outcome !== 'skipped' ? escapeHtml(formatDuration(result.durationMs)) : '–',
    message,
  ];
}

/**
 * Problems first, in run order within each outcome. An object's workloads follow it (the section of that
 * object), and a problem among them brings the whole section up.
 */
function readingOrder(views: ObjectView[]): ObjectView[] {
  const rank = (v: ObjectView) => OUTCOME_ORDER.indexOf(v.result.outcome);
  const sections: ObjectView[][] = [];
  for (const view of views) {
    const last = sections.at(-1);
    if (view.rollout && last) last.push(view);
    else sections.push([view]);
  }
  const worst = (section: ObjectView[]) => Math.min(...section.map(rank));
  return sections
    .map((section, index) => ({ section, index }))
    .sort((a, b) => worst(a.section) - worst(b.section) || a.index - b.index)
    .flatMap(({ section }) => section);
}

const rowBytes = (cells: string[]): number =>
  Buffer.byteLength(`<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>\n`);

/** `12 more objects not listed here: 11 ready, 1 skipped.` */
function notListed(views: ObjectView[]): string {
  const counts = new Map<Outcome, number>();
  for (const v of views) counts.set(v.result.outcome, (counts.get(v.result.outcome) ?? 0) + 1);
  const byOutcome = OUTCOME_ORDER.filter((o) => counts.has(o))
    .map((o) => `${counts.get(o)} ${outcomeLook(o).label.toLowerCase()}`)
    .join(', ');
  return `<p><i>${views.length} more ${views.length === 1 ? 'object' : 'objects'} not listed here: ${escapeHtml(byOutcome)}, to stay within GitHub's size limit. The log has a line for each.</i></p>`;
}

/**
 * The table, problems first, with as many rows as fit `budgetBytes`; the rest are counted by outcome.
 * Also the views whose words need the details below (a problem, or a message cut in its cell).
 */
function resultsTable(
  ordered: ObjectView[],
  budgetBytes: number,
): { html: string; needDetails: ObjectView[] } {
  const rows: string[][] = [];
  const needDetails: ObjectView[] = [];
  let size = Buffer.byteLength(table(TABLE_HEADERS, []));
  let listed = 0;
  for (const view of ordered) {
    const message = messageCell(view);
    const row = objectRow(view, message.html);
    size += rowBytes(row);
    if (size > budgetBytes) break;
    rows.push(row);
    listed++;
    if (view.needsAttention || message.truncated) needDetails.push(view);
  }
  const rest = ordered.slice(listed);
  needDetails.push(...rest.filter((v) => v.needsAttention));
  const html = table(TABLE_HEADERS, rows) + (rest.length ? `\n${notListed(rest)}` : '');
  return { html, needDetails };
}

/** `budgetBytes`: where the table and the details stop; a pull request comment has far less room than the job summary. */
export function renderSummary(
  ctx: ReportContext,
  run: RunResult,
  health?: NamespaceHealth,
  views = run.results.map(viewOf),
  budgetBytes = SUMMARY_BUDGET_BYTES,
): string {
  const parts = [header(ctx, run)];
  let needDetails: ObjectView[] = [];
  if (views.length) {
    const results = resultsTable(readingOrder(views), budgetBytes * TABLE_SHARE);
    parts.push(results.html);
    needDetails = results.needDetails;
  }
  const checks = renderChecksAfterReady(run);
  if (checks) parts.push(checks);
  const footer = health ? renderHealth(health) : '';
  let size = Buffer.byteLength(parts.join('\n') + footer);
  const around = new Neighbourhood(run, ctx.related);
  const details: string[] = [];
  for (const [index, view] of needDetails.entries()) {
    const block = renderDetails(view, around);
    const blockSize = Buffer.byteLength(block) + 1;
    if (size + blockSize > budgetBytes) {
      const left = needDetails
        .slice(index)
        .map((v) => v.title)
        .join(', ');
      details.push(
        `<p><i>Details of ${needDetails.length - index} more objects left out to stay within GitHub's summary size limit: ${escapeHtml(shorten(left, 2000).text)}. Their messages are in the log and the <code>results</code> output.</i></p>`,
      );
      break;
    }
    size += blockSize;
    details.push(block);
  }
  if (details.length) parts.push('<h3>Details</h3>', ...details);
  if (footer) parts.push(footer);
  return `${parts.join('\n')}\n`;
}

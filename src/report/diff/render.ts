// The diff report as one HTML block (the way core.summary writes, no blank line anywhere, so GitHub's
// Markdown keeps it one block): a verdict line, a table of every object, then per Kustomization the objects
// that would change and a collapsible diff for each configured one, as far as the byte budget allows.
// The job summary renders it with the summary's budget; a pull-request comment can render it with its own.
// Every cluster and CLI text goes through html.ts / text.ts.

import { escapeHtml, escapePre, shorten } from '../../base/text.js';
import { type DiffResult, type DiffRun, hasDifference, type ObjectChange } from '../../diff/types.js';
import { describeRef } from '../../flux/refs.js';
import { formatDuration, formatTime, serverHost } from '../format.js';
import { bold, cell, code, table } from '../html.js';
import {
  changeCounts,
  changeLook,
  describeObject,
  type Look,
  objectName,
  readingOrder,
  resultLook,
} from './look.js';

export interface DiffReportContext {
  server?: string;
  contextName?: string;
  fluxVersion?: string;
}

export interface DiffRenderOptions {
  /** Bytes the block may take: tables and diffs past it are left out, with a note saying so. */
  budgetBytes: number;
  /** Cluster, context, flux version and time under the title (the job summary shows them). */
  context?: DiffReportContext;
}

const CELL_CHARS = 200;
const MESSAGE_CHARS = 10_000;
// One enormous object (a CRD) must not crowd out every other diff.
const MAX_DIFF_SHARE = 4;
// Room kept for the note that says what was left out.
const NOTE_RESERVE_BYTES = 2_500;

const bytes = (text: string): number => Buffer.byteLength(text) + 1;
const lookHtml = (look: Look): string =>
  `${look.emoji}\u00a0${escapeHtml(look.label.replace(/ /g, '\u00a0'))}`;

function title(run: DiffRun): string {
  const total = run.results.length;
  const failed = run.results.filter((r) => r.state === 'failed').length;
  const differing = run.results.filter(hasDifference).length;
  const verb = (n: number) => (n === 1 ? 'differs' : 'differ');
  const counted = (n: number, what: string) =>
    total === 1 ? `the object ${what}` : `${n} of ${total} objects ${what}`;
  if (failed) {
    const also = differing ? `; ${differing} ${verb(differing)}` : '';
    return `❌ Flux diff: ${counted(failed, 'could not be diffed')}${also}`;
  }
  if (differing) return `✏️ Flux diff: ${counted(differing, verb(differing))}`;
  return `✅ Flux diff: no differences in ${total === 1 ? 'the object' : `${total} objects`}`;
}

function facts(run: DiffRun, ctx: DiffReportContext): string {
  const items = [`${bold('Command')} ${code('diff')}`];
  const host = serverHost(ctx.server);
  if (host) items.push(`${bold('Cluster')} ${code(host)}`);
  if (ctx.contextName) items.push(`${bold('Context')} ${code(ctx.contextName)}`);
  if (ctx.fluxVersion) items.push(`${bold('flux')} ${code(ctx.fluxVersion)}`);
  items.push(`${bold('Total time')} ${escapeHtml(formatDuration(run.durationMs))}`);
  return `<p>${items.join(' · ')}</p>`;
}

function summaryCell(result: DiffResult): string {
  switch (result.state) {
    case 'changed':
    case 'unchanged':
      return escapeHtml(changeCounts(result.changes) || '–');
    case 'failed':
    case 'not-in-checkout':
    case 'skipped':
      return cell(shorten(result.message, CELL_CHARS, 3).text);
    case 'helm-drift': {
      const { mode, message } = result.drift;
      const said = message ? `: ${shorten(message, CELL_CHARS, 3).text}` : '';
      return `drift detection ${code(mode)}${cell(said)}`;
    }
  }
}

function overview(results: DiffResult[]): string {
  const rows = results.map((r) => [
    lookHtml(resultLook(r)),
    `${escapeHtml(r.kind)}<br>${code(`${r.namespace}/${r.name}`)}${r.parent ? `<br><sub>applied by ${escapeHtml(describeRef(r.parent))}</sub>` : ''}`,
    'path' in r && r.path ? code(r.path) : '–',
    summaryCell(r),
  ]);
  return table(['Result', 'Kind\u00a0and\u00a0namespace/name', 'Folder', 'Changes'], rows);
}

function changesTable(changes: readonly ObjectChange[]): string {
  const rows = changes.map((c) => [
    lookHtml(changeLook(c.change)),
    `${escapeHtml(c.kind)}<br>${code(objectName(c))}`,
  ]);
  return table(['Change', 'Object'], rows);
}

function diffBlock(change: ObjectChange, maxChars: number): string {
  const { text, truncated } = shorten(change.diff ?? '', maxChars);
  const cut = truncated ? `<p><i>Cut at ${maxChars} characters; the whole diff is in the log.</i></p>` : '';
  return `<details><summary>${changeLook(change.change).emoji} ${escapeHtml(describeObject(change))}</summary>\n<pre>${escapePre(text)}</pre>${cut}</details>`;
}

function helmNote(results: DiffResult[]): string {
  if (!results.some((r) => r.state === 'helm-drift')) return '';
  return "<p><i>HelmReleases are not diffed by the flux CLI: their rows show what helm-controller's own drift detection (<code>spec.driftDetection</code>) last recorded in the cluster, not a comparison with this checkout.</i></p>";
}

/** The sections a result adds below the table, as separate pieces so the budget can stop between them. */
function sections(result: DiffResult, maxDiffChars: number): { head: string; diffs: string[] } | undefined {
  const heading = `<h3>${lookHtml(resultLook(result))} ${escapeHtml(describeRef(result))}</h3>`;
  if (result.state === 'helm-drift') {
    const events = result.drift.events.map((e) => `${formatTime(e.lastTimestamp)} ${e.message}`);
    if (!result.drift.message && events.length === 0) return undefined;
    const message = result.drift.message
      ? `<blockquote>${cell(shorten(result.drift.message, MESSAGE_CHARS).text)}</blockquote>`
      : '';
    const recent = events.length
      ? `\n<details><summary>DriftDetected events</summary>\n<pre>${escapePre(shorten(events.join('\n\n'), MESSAGE_CHARS).text)}</pre></details>`
      : '';
    return { head: `${heading}\n${message}${recent}`, diffs: [] };
  }
  if (result.state !== 'changed' && result.state !== 'failed') return undefined;
  const parts = [heading];
  if (result.state === 'failed') {
    parts.push(`<blockquote>${cell(shorten(result.message, MESSAGE_CHARS).text)}</blockquote>`);
  }
  if (result.changes.length) parts.push(changesTable(result.changes));
  const diffs = result.changes.filter((c) => c.diff).map((c) => diffBlock(c, maxDiffChars));
  return { head: parts.join('\n'), diffs };
}

export function renderDiffBlock(run: DiffRun, options: DiffRenderOptions): string {
  const ordered = readingOrder(run.results);
  const parts = [`<h2>${escapeHtml(title(run))}</h2>`];
  if (options.context) parts.push(facts(run, options.context));
  if (ordered.length) parts.push(overview(ordered));
  const note = helmNote(ordered);
  if (note) parts.push(note);
  let used = parts.reduce((sum, part) => sum + bytes(part), 0);
  const limit = options.budgetBytes - NOTE_RESERVE_BYTES;
  const maxDiffChars = Math.max(1_000, Math.floor(options.budgetBytes / MAX_DIFF_SHARE / 2));
  const leftOut: string[] = [];
  let diffsLeftOut = 0;
  for (const result of ordered) {
    const section = sections(result, maxDiffChars);
    if (!section) continue;
    if (used + bytes(section.head) > limit) {
      leftOut.push(describeRef(result));
      continue;
    }
    parts.push(section.head);
    used += bytes(section.head);
    for (const diff of section.diffs) {
      if (used + bytes(diff) > limit) diffsLeftOut++;
      else {
        parts.push(diff);
        used += bytes(diff);
      }
    }
  }
  const notes: string[] = [];
  if (leftOut.length)
    notes.push(`the sections of ${leftOut.length} objects (${shorten(leftOut.join(', '), 1_500).text})`);
  if (diffsLeftOut) notes.push(`${diffsLeftOut} diffs`);
  if (notes.length) {
    parts.push(
      `<p><i>Left out to stay within the size limit: ${escapeHtml(notes.join(' and '))}. They are in the log and the <code>changes</code> output.</i></p>`,
    );
  }
  return `${parts.join('\n')}\n`;
}

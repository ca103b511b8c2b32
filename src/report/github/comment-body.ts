// The pull request comment's body: the compact part of the job summary (verdict line, table, failures),
// rendered by the summary's own functions, so cluster text is escaped exactly as there.

import { escapeHtml, shorten } from '../../base/text.js';
import type { RunResult } from '../../reconcile/types.js';
import type { ReportContext } from '../context.js';
import { renderStoppedSummary } from '../report.js';
import { renderSummary } from '../summary.js';
import type { ObjectView } from '../view.js';
import { resultDescription } from './wording.js';

// GitHub refuses a comment over 65,536 characters. Details stop well before (a byte is at most a
// character), leaving room for the marker and the footer.
export const COMMENT_BUDGET_BYTES = 60_000;
export const MAX_COMMENT_CHARS = 65_536;
// What the summary may add past its budget: the line that names the details left out, and the footer.
const OVERFLOW_BYTES = 5_000;
// An error message is cut to this before it is escaped (a character becomes at most six): the body then
// stays within the budget, whatever the message holds. The run's summary and log keep it whole.
const STOPPED_MESSAGE_CHARS = 8_000;

export interface CommentFooter {
  /** The status context that names this cluster's comment, e.g. `flux/production`. */
  context: string;
  runUrl?: string;
}

/**
 * `@name` in cluster text would notify that person or team on every push. A zero-width space after the
 * `@` keeps the text readable and stops the mention (GitHub mentions need `@` right before the name).
 * An `@` inside a word (`main@sha1:…`, an e-mail address) is never a mention and stays as it is.
 */
export function withoutMentions(html: string): string {
  return html.replace(/(^|\W)@(?=[A-Za-z0-9])/g, '$1@&#8203;');
}

/**
 * `#12`, `acme/fleet#12` and `GH-12` in cluster text would link those issues, across repositories, and add
 * "mentioned" events to them on every push. A zero-width space after `#` (or `GH-`) keeps the text
 * readable and the reference dead. HTML's own character references (`&#39;`) are left as they are.
 */
export function withoutIssueReferences(html: string): string {
  return html.replace(/(?<!&)#(?=\d)/g, '#&#8203;').replace(/\b(GH)-(?=\d)/gi, '$1-&#8203;');
}

/** Cluster text made inert for GitHub: no mention, no issue reference. */
function inert(html: string): string {
  return withoutIssueReferences(withoutMentions(html));
}

function footer(f: CommentFooter): string {
  const run = f.runUrl ? ` · <a href="${escapeHtml(f.runUrl)}">the run</a> has the full summary` : '';
  return `<p><sub><code>${escapeHtml(f.context)}</code> · this comment is updated on every run${run}</sub></p>\n`;
}

/** The comment for a finished run: the summary rendered from the same views, without the health footer. */
export function commentBody(
  ctx: ReportContext,
  run: RunResult,
  views: ObjectView[],
  f: CommentFooter,
): string {
  const summary = renderSummary(ctx, run, undefined, views, COMMENT_BUDGET_BYTES - OVERFLOW_BYTES);
  const body = inert(summary) + footer(f);
  if (Array.from(body).length < COMMENT_BUDGET_BYTES) return body;
  // The table alone is too long (hundreds of objects): the verdict in one line, the rest in the run.
  const mark = run.ready ? '✅' : '❌';
  return `<h2>${mark} Flux ${escapeHtml(run.command)}: ${inert(escapeHtml(resultDescription(run, views)))}</h2>\n${footer(f)}`;
}

/** The comment for a run that stopped with an error before any object was judged; long errors are cut. */
export function stoppedCommentBody(message: string, f: CommentFooter): string {
  const { text, truncated } = shorten(message, STOPPED_MESSAGE_CHARS);
  const shown = truncated ? `${text}\n(cut: the run's summary has the whole message)` : text;
  return inert(renderStoppedSummary(shown)) + footer(f);
}

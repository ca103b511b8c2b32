// The pull request comment's body: the compact part of the job summary (verdict line, table, failures),
// rendered by the summary's own functions, so cluster text is escaped exactly as there.

import { escapeHtml } from '../../base/text.js';
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
  const body = withoutMentions(renderSummary(ctx, run, undefined, views, COMMENT_BUDGET_BYTES)) + footer(f);
  if (Array.from(body).length < COMMENT_BUDGET_BYTES) return body;
  // The table alone is too long (hundreds of objects): the verdict in one line, the rest in the run.
  const mark = run.ready ? '✅' : '❌';
  return `<h2>${mark} Flux ${escapeHtml(run.command)}: ${withoutMentions(escapeHtml(resultDescription(run, views)))}</h2>\n${footer(f)}`;
}

/** The comment for a run that stopped with an error before any object was judged. */
export function stoppedCommentBody(message: string, f: CommentFooter): string {
  return withoutMentions(renderStoppedSummary(message)) + footer(f);
}

// Small builders for the summary's HTML. Every argument named `text` is escaped here; `html` is trusted markup.

import { escapeCell, escapeHtml } from '../base/text.js';
import { formatTime } from './format.js';

export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

export const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;

// Headers may hold no-break spaces (U+00A0): a header that cannot wrap keeps its column wide enough for
// dates and names, which browsers would otherwise break at their hyphens next to a long message column.

/** A table from trusted header text and cells of trusted HTML. One line per row: no blank line can appear. */
export function table(headers: string[], rows: string[][]): string {
  const head = `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Text for a cell, escaped, newlines as `<br>`. */
export const cell = (text: string): string => escapeCell(text);

/** A time as date and clock on two lines, so a narrow column never breaks it mid-date. */
export function timeCell(time: string | undefined): string {
  const shown = formatTime(time);
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(shown);
  return m ? `${m[1]}<br>${m[2]}` : escapeHtml(shown);
}

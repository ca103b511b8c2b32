// Small builders for the summary's HTML. Every argument named `text` is escaped here; `html` is trusted markup.
import { escapeCell, escapeHtml } from './text.js';

export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

export const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;

/** A table from trusted header text and cells of trusted HTML. One line per row: no blank line can appear. */
export function table(headers: string[], rows: string[][]): string {
  const head = `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Text for a cell, escaped, newlines as `<br>`. */
export const cell = (text: string): string => escapeCell(text);

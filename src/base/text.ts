// Text from the cluster (status messages, reasons, revisions, event texts: anyone who can write an object's
// status or an Event in the namespace chooses them) goes into log lines, annotations and the summary.
// cleanText is the one sanitiser all of it passes through; the renderers below build on it:
//  - oneLine, for log lines and titles: no line break is left, so no runner command (`::error::`,
//    `::add-mask::`, `::stop-commands::`) can start a line;
//  - escapeHtml (and escapeCell, escapePre), for the summary: no markup, and no line break either, so no
//    blank line can end GitHub's HTML block and let Markdown (images, links, headings) render.
// Annotations are written through @actions/core, which escapes `%`, CR and LF in command data.
import { hideUrlCredentials } from './url-credentials.js';

// C0 and C1 controls (but tab and newline), and the formatting characters that reorder text on screen
// (bidirectional overrides and isolates: what is shown would not be what is written).
const CONTROL_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// Terminal escapes leak into controller messages (Helm hooks, kustomize plugins): CSI sequences (colours)
// and OSC sequences (titles, hyperlinks), ended by BEL or ESC \. An unended one loses only its ESC (below).
const ANSI_ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every terminal escape.
  /\u001B\[[0-9;?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;
// Every way text can break a line: CR LF, CR alone, and the Unicode line and paragraph separators.
const LINE_BREAKS = /\r\n?|[\u2028\u2029]/g;
// A Flux Receiver's webhook path, `/hook/<sha256 of token, name, namespace>`: whoever has it may trigger the
// Receiver, and its Ready message names it ("Receiver initialized for path: /hook/…").
const WEBHOOK_PATHS = /\/hook\/[0-9a-fA-F]{32,}/g;

/**
 * The one sanitiser for text the action does not control: line breaks made `\n`, terminal escapes,
 * control characters and direction overrides removed, and the user info of any URL and the digest of any
 * Receiver's webhook path replaced by `***` (the runner masks registered secrets, but only those it was
 * told about).
 */
export function cleanText(text: string): string {
  return hideUrlCredentials(
    text
      .replace(LINE_BREAKS, '\n')
      .replace(ANSI_ESCAPES, '')
      .replace(CONTROL_CHARS, '')
      .replace(WEBHOOK_PATHS, '/hook/***'),
  );
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Harmless in HTML; keeps a Markdown renderer from ever seeing a table separator.
  '|': '&#124;',
};

/**
 * Escapes text for HTML element content and attribute values. Newlines become character references, so
 * that the HTML source never holds a blank line (a blank line ends the HTML block in GitHub's Markdown,
 * and what follows it would render as Markdown). In a `<pre>` they still show as line breaks.
 */
export function escapeHtml(text: string): string {
  return cleanText(text)
    .replace(/[&<>"'|]/g, (c) => HTML_ENTITIES[c] ?? c)
    .replace(/\n/g, '&#10;');
}

/** Escapes a block of text for a `<pre>`, where its newlines show. */
export function escapePre(text: string): string {
  return escapeHtml(text);
}

/** The first `length` UTF-16 units of text, one fewer when the cut would split a surrogate pair. */
function cutAt(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

export interface Shortened {
  text: string;
  truncated: boolean;
}

// Text beyond the cut is read this far, so that cleaning still sees the end of a URL's user info or of a
// colour code that straddles the cut.
const CUT_MARGIN_CHARS = 4096;

/**
 * Cuts text to at most `maxChars` characters and `maxLines` lines, never inside a character. The raw text
 * is cut first and only what may be shown is cleaned: an Event's message has no size limit in the API.
 */
export function shorten(text: string, maxChars: number, maxLines = Number.POSITIVE_INFINITY): Shortened {
  const cutRaw = text.length > maxChars * 2 + CUT_MARGIN_CHARS;
  const clean = cleanText(cutRaw ? cutAt(text, maxChars * 2 + CUT_MARGIN_CHARS) : text).trim();
  let lines = clean.split('\n');
  let truncated = cutRaw;
  if (lines.length > maxLines) {
    lines = lines.slice(0, maxLines);
    truncated = true;
  }
  const chars = Array.from(lines.join('\n'));
  if (chars.length > maxChars) {
    truncated = true;
    return { text: `${chars.slice(0, maxChars).join('').trimEnd()}…`, truncated };
  }
  const joined = chars.join('');
  return { text: truncated ? `${joined.trimEnd()}…` : joined, truncated };
}

/** Escaped for a table cell: newlines become `<br>`, so a message never breaks the table. */
export function escapeCell(text: string): string {
  return escapeHtml(text).replace(/&#10;/g, '<br>');
}

/** One line for a log or an annotation title: all whitespace runs become one space. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

// Text from the cluster goes into HTML, annotations and log lines. These helpers make it safe and short.
import { hideUrlCredentials } from '../url-credentials.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// Colour codes occasionally leak into controller messages (Helm hooks, kustomize plugins).
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every colour code.
const ANSI_ESCAPES = /\u001B\[[0-9;]*[A-Za-z]/g;

/**
 * Newlines normalised, colour codes and control characters (invalid in HTML) removed, and the user info
 * of any URL replaced by `***`: the runner masks registered secrets, but only those it was told about.
 */
export function cleanText(text: string): string {
  return hideUrlCredentials(
    text.replace(/\r\n?/g, '\n').replace(ANSI_ESCAPES, '').replace(CONTROL_CHARS, ''),
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

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return cleanText(text).replace(/[&<>"'|]/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Escapes a block of text for a `<pre>`: newlines become character references so that the HTML source
 * never holds a blank line (a blank line ends the HTML block in GitHub's Markdown and breaks the page).
 */
export function escapePre(text: string): string {
  return escapeHtml(text).replace(/\n/g, '&#10;');
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
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/** One line for a log or an annotation title: all whitespace runs become one space. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

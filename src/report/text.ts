// Text from the cluster goes into HTML, annotations and log lines. These helpers make it safe and short.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// Colour codes occasionally leak into controller messages (Helm hooks, kustomize plugins).
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every colour code.
const ANSI_ESCAPES = /\u001B\[[0-9;]*[A-Za-z]/g;

// Client errors quote the URL they called; a URL may carry `user:password@`.
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/**
 * Newlines normalised, colour codes and control characters (invalid in HTML) removed, and the user info
 * of any URL replaced by `***`: the runner masks registered secrets, but only those it was told about.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(ANSI_ESCAPES, '')
    .replace(CONTROL_CHARS, '')
    .replace(URL_USER_INFO, '$1***@');
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

export interface Shortened {
  text: string;
  truncated: boolean;
}

/** Cuts text to at most `maxChars` characters and `maxLines` lines, never inside a character. */
export function shorten(text: string, maxChars: number, maxLines = Number.POSITIVE_INFINITY): Shortened {
  const clean = cleanText(text).trim();
  let lines = clean.split('\n');
  let truncated = false;
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

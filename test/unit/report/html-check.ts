// Checks the summary HTML the way a strict reader would: every tag closed in order, no stray `<` or `>`
// in text, only well-formed character references, and no blank line (which would end GitHub's HTML block).
const VOID = new Set(['br']);
const ALLOWED = new Set([
  'h2',
  'h3',
  'p',
  'b',
  'i',
  'code',
  'pre',
  'sub',
  'br',
  'ul',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'details',
  'summary',
  'blockquote',
]);

export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (/\n[ \t]*\n/.test(html)) problems.push('blank line');
  const stack: string[] = [];
  const tag = /<(\/?)([a-z0-9]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/g;
  let last = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const text = html.slice(last, m.index);
    if (/[<>]/.test(text)) problems.push(`stray < or > in text: ${text.slice(0, 80)}`);
    for (const ref of text.match(/&[^;\s]*;?/g) ?? []) {
      if (!/^&(#\d+|#x[0-9a-f]+|[a-z]+);$/i.test(ref)) problems.push(`bad character reference: ${ref}`);
    }
    last = m.index + m[0].length;
    const [, closing, name] = m as unknown as [string, string, string];
    if (!ALLOWED.has(name)) problems.push(`unexpected tag <${name}>`);
    if (VOID.has(name)) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> closes the wrong element`);
  }
  if (/[<>]/.test(html.slice(last))) problems.push('stray < or > at the end');
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

/** The rows of the first table after `marker`, as lists of cell HTML. */
export function tableRows(html: string, marker = '<table>'): string[][] {
  const start = html.indexOf(marker);
  const end = html.indexOf('</table>', start);
  const body = html.slice(start, end);
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)]
    .map((row) => [...(row[1] ?? '').matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1] ?? ''))
    .filter((cells) => cells.length > 0);
}

/** Text a person reads: tags removed, the few entities we emit decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&#10;/g, '\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#124;/g, '|')
    .replace(/&amp;/g, '&');
}

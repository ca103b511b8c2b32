// The namespace health footer as HTML.

import { escapeHtml, shorten } from '../base/text.js';
import { describeRef } from '../flux/refs.js';
import type { NamespaceHealth } from './health.js';
import { cell, code, table } from './html.js';

const MAX_NAMED = 20;

export function renderHealth(health: NamespaceHealth): string {
  const parts = [`<h3>Namespace ${code(health.namespace)}</h3>`];
  const listed = health.groups;
  if (listed.length) {
    const rows = listed.map((g) => [
      cell(g.label),
      String(g.total),
      g.ready ? `✅ ${g.ready}` : '0',
      g.failing ? `❌ ${g.failing}` : '0',
      g.suspended ? `⏸️ ${g.suspended}` : '0',
      g.progressing ? `⏳ ${g.progressing}` : '0',
    ]);
    parts.push(table(['', 'Total', 'Ready', 'Failing', 'Suspended', 'In progress'], rows));
  }
  const failing = listed.flatMap((g) => g.failingObjects);
  if (failing.length) {
    const items = failing.slice(0, MAX_NAMED).map((f) => {
      const said = [f.reason, shorten(f.message, 200, 2).text].filter(Boolean).join(': ');
      return `<li>❌ ${code(describeRef(f))}${said ? ` — ${cell(said)}` : ''}</li>`;
    });
    if (failing.length > MAX_NAMED) items.push(`<li>…and ${failing.length - MAX_NAMED} more</li>`);
    parts.push(`<p><b>Failing</b></p>\n<ul>\n${items.join('\n')}\n</ul>`);
  }
  for (const { kind, error } of health.unavailable) {
    parts.push(`<p><i>Could not list ${escapeHtml(kind)} objects: ${cell(shorten(error, 300).text)}</i></p>`);
  }
  return parts.join('\n');
}

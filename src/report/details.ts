// The collapsible section for one object that did not end well: everything a person would otherwise
// gather with kubectl and flux by hand.

import { escapeHtml, escapePre, shorten } from '../base/text.js';
import { describeRef, type ObjectRef } from '../flux/refs.js';
import { shortRevision } from '../flux/revision.js';
import type { DetailSection, KubeEvent } from '../flux/types.js';
import type { ObjectResult } from '../reconcile/types.js';
import { bold, cell, code, table, timeCell } from './html.js';
import type { Neighbourhood, NeighbourState } from './neighbours.js';
import { nextCommands } from './next-commands.js';
import type { StuckReport } from './stuck.js';
import { conditionsOf, type ObjectView, reasonAndMessage } from './view.js';
import { renderWorkloads } from './workloads-view.js';

const MAX_MESSAGE_CHARS = 10_000;
const MAX_CELL_CHARS = 1_000;
// Helm events carry the last Helm logs: the first lines tell the story, the table must stay readable.
const MAX_EVENT_CHARS = 600;
const MAX_EVENT_LINES = 8;
const MAX_EVENTS = 12;

const section = (title: string, body: string): string => `<p>${bold(title)}</p>\n${body}`;

function messageBlock(text: string): string {
  if (!text) return '';
  const { text: shown, truncated } = shorten(text, MAX_MESSAGE_CHARS);
  const note = truncated ? `\n<p><i>Cut at ${MAX_MESSAGE_CHARS} characters.</i></p>` : '';
  // A blockquote wraps long single-line errors (kustomize, Helm) where a <pre> would scroll sideways.
  return section('Message', `<blockquote>${cell(shown)}</blockquote>${note}`);
}

function revisionBlock(view: ObjectView): string {
  const { before, after, attempted, expected } = view.revision;
  const parts: string[] = [];
  if (before) parts.push(`before ${code(before)}`);
  if (after) parts.push(`after ${code(after)}`);
  if (attempted) parts.push(`failed at ${code(attempted)}`);
  if (expected) parts.push(`expected ${code(expected)}`);
  return parts.length ? `<p>${bold('Revision')}: ${parts.join(' · ')}</p>` : '';
}

/** A message already shown in the Message block is not repeated in full: a long build error would fill three tables. */
function messageCell(
  message: string,
  shownAbove: string,
  maxChars = MAX_CELL_CHARS,
  maxLines?: number,
): string {
  const text = message.trim();
  if (text.length > 80 && shownAbove.includes(text)) return '<i>the message above</i>';
  return cell(shorten(text, maxChars, maxLines).text);
}

function conditionsBlock(result: ObjectResult, shownAbove: string): string {
  const conditions = conditionsOf(result);
  if (!conditions.length) return '';
  const rows = conditions.map((c) => [
    cell(c.type),
    cell(c.status),
    cell(c.reason ?? ''),
    messageCell(c.message ?? '', shownAbove),
    timeCell(c.lastTransitionTime),
  ]);
  return section(
    'Conditions',
    table(['Type', 'Status', 'Reason', 'Message', 'Last\u00a0transition\u00a0(UTC)'], rows),
  );
}

function stateLine(state: NeighbourState, role: string): string {
  // A Ready neighbour's message only repeats its revision.
  const said = state.ready ? '' : [state.reason, shorten(state.message, 300).text].filter(Boolean).join(': ');
  const revision = state.revision ? ` at ${code(shortRevision(state.revision))}` : '';
  const where = state.inRun ? '' : ' <i>(not in this run)</i>';
  return `<li>${escapeHtml(role)} ${code(describeRef(state.ref))}: ${state.emoji} ${bold(state.label)}${revision}${
    said ? ` — ${cell(said)}` : ''
  }${where}</li>`;
}

function neighboursBlock(
  result: ObjectResult,
  dependencies: NeighbourState[],
  source?: NeighbourState,
): string {
  const items = [
    ...dependencies.map((d) => stateLine(d, 'Depends on')),
    ...(source ? [stateLine(source, 'Source')] : []),
  ];
  const waited = result.waitedOn ? `<p>${bold('Waited on')}: ${cell(result.waitedOn)}</p>` : '';
  const list = items.length ? `<ul>\n${items.join('\n')}\n</ul>` : '';
  return [waited, list].filter(Boolean).join('\n');
}

function detailCell(value: { text: string } | { time: string | undefined }): string {
  return 'time' in value ? timeCell(value.time) : cell(value.text);
}

/** The sections only this kind has (a HelmRelease's release history), as the kind table gives them. */
function kindBlocks(sections: DetailSection[]): string {
  return sections
    .map((s) => {
      const parts: string[] = [];
      if (s.table)
        parts.push(
          section(
            s.title,
            table(
              s.table.headers,
              s.table.rows.map((r) => r.map(detailCell)),
            ),
          ),
        );
      if (s.facts?.length) {
        const facts = s.facts.map(
          (f) => `${escapeHtml(f.label)} ${f.code ? code(f.value) : escapeHtml(f.value)}`,
        );
        parts.push(`<p>${bold(s.title)}: ${facts.join(' · ')}</p>`);
      }
      return parts.join('\n');
    })
    .join('\n');
}

function eventTime(event: KubeEvent): number {
  const t = event.lastTimestamp ? Date.parse(event.lastTimestamp) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

function eventsTable(events: KubeEvent[], shownAbove: string): string {
  const rows = events.map((e) => [
    timeCell(e.lastTimestamp),
    cell(`${e.involvedObject.kind}/${e.involvedObject.name}`),
    e.type === 'Warning' ? `⚠️ ${cell(e.type)}` : cell(e.type),
    cell(e.reason),
    `${messageCell(e.message, shownAbove, MAX_EVENT_CHARS, MAX_EVENT_LINES)}${e.count && e.count > 1 ? ` (×${e.count})` : ''}`,
  ]);
  return table(['Last\u00a0seen\u00a0(UTC)', 'Object', 'Type', 'Reason', 'Message'], rows);
}

function eventsBlock(own: KubeEvent[], sourceEvents: KubeEvent[], shownAbove: string): string {
  const events = [...own, ...sourceEvents].sort((a, b) => eventTime(b) - eventTime(a)).slice(0, MAX_EVENTS);
  if (!events.length) return '';
  return section('Recent events (newest first)', eventsTable(events, shownAbove));
}

/** For an object that timed out: the Warning events of what it waits on too, and what could not be read. */
function stuckBlock(stuck: StuckReport | undefined, shownAbove: string): string {
  if (!stuck) return '';
  const parts: string[] = [];
  if (stuck.warnings.length) {
    parts.push(
      section('Last Warning events of it and of what it waits on', eventsTable(stuck.warnings, shownAbove)),
    );
  }
  for (const note of stuck.notes) parts.push(`<p><i>${escapeHtml(shorten(note, 1000).text)}</i></p>`);
  return parts.join('\n');
}

function commandsBlock(commands: string[]): string {
  return section('Next steps', `<pre>${escapePre(commands.join('\n'))}</pre>`);
}

/** The `<details>` section for one object. */
export function renderDetails(view: ObjectView, around: Neighbourhood): string {
  const { result, look } = view;
  const sourceRef: ObjectRef | undefined = around.sourceOf(result);
  const source = sourceRef ? around.state(sourceRef) : undefined;
  const dependencies = around.dependenciesOf(result).map((d) => around.state(d));
  const commands = nextCommands(result, {
    source: source && !source.ready ? source.ref : undefined,
    dependencies: dependencies.filter((d) => !d.ready).map((d) => d.ref),
  });
  const summary = `<summary>${look.emoji} ${bold(describeRef(result))} — ${escapeHtml(look.label)}${
    result.reason ? `: ${escapeHtml(result.reason)}` : ''
  }</summary>`;
  const fullMessage = reasonAndMessage(view.reason, view.message);
  const body = [
    messageBlock(fullMessage),
    revisionBlock(view),
    neighboursBlock(result, dependencies, source),
    stuckBlock(view.stuck, fullMessage),
    conditionsBlock(result, fullMessage),
    renderWorkloads(view.workloads),
    kindBlocks(result.last ? (result.fluxKind?.details?.(result.last) ?? []) : []),
    eventsBlock(around.events(result), sourceRef ? around.events(sourceRef) : [], fullMessage),
    view.needsAttention ? commandsBlock(commands) : '',
  ].filter(Boolean);
  return `<details>\n${summary}\n${body.join('\n')}\n</details>`;
}

// The collapsible section for one object that did not end well: everything a person would otherwise
// gather with kubectl and flux by hand.
import { describeRef, type ObjectRef } from '../flux/refs.js';
import type { Condition, HelmSnapshot, KubeEvent } from '../flux/types.js';
import { shortRevision } from '../reconcile/revision.js';
import type { ObjectResult } from '../reconcile/types.js';
import { outcomeLook } from './format.js';
import { bold, cell, code, table, timeCell } from './html.js';
import type { Neighbourhood, NeighbourState } from './neighbours.js';
import { nextCommands } from './next-commands.js';
import { escapeHtml, escapePre, shorten } from './text.js';
import { controllerMessage } from './words.js';

const MAX_MESSAGE_CHARS = 10_000;
const MAX_CELL_CHARS = 1_000;
// Helm events carry the last Helm logs: the first lines tell the story, the table must stay readable.
const MAX_EVENT_CHARS = 600;
const MAX_EVENT_LINES = 8;
const MAX_EVENTS = 12;
const MAX_HISTORY = 5;

const section = (title: string, body: string): string => `<p>${bold(title)}</p>\n${body}`;

function messageBlock(text: string): string {
  if (!text) return '';
  const { text: shown, truncated } = shorten(text, MAX_MESSAGE_CHARS);
  const note = truncated ? `\n<p><i>Cut at ${MAX_MESSAGE_CHARS} characters.</i></p>` : '';
  // A blockquote wraps long single-line errors (kustomize, Helm) where a <pre> would scroll sideways.
  return section('Message', `<blockquote>${cell(shown)}</blockquote>${note}`);
}

function revisionBlock(result: ObjectResult): string {
  const parts: string[] = [];
  if (result.revisionBefore) parts.push(`before ${code(result.revisionBefore)}`);
  if (result.revisionAfter) parts.push(`after ${code(result.revisionAfter)}`);
  if (result.expectedRevision) parts.push(`expected ${code(result.expectedRevision)}`);
  return parts.length ? `<p>${bold('Revision')}: ${parts.join(' · ')}</p>` : '';
}

function conditionsOf(result: ObjectResult): Condition[] {
  return result.conditions.length ? result.conditions : (result.last?.status?.conditions ?? []);
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

function isHelmHistory(history: unknown): history is HelmSnapshot[] {
  return (
    Array.isArray(history) &&
    history.some((s) => typeof s === 'object' && s !== null && ('chartVersion' in s || 'chartName' in s))
  );
}

function helmBlock(result: ObjectResult): string {
  const status = result.last?.status;
  if (!status) return '';
  const blocks: string[] = [];
  if (isHelmHistory(status.history) && status.history.length) {
    // Remediation reorders status.history (a rollback is listed before the failed upgrade it undid);
    // Helm's release number gives the true order.
    const rows = [...status.history]
      .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))
      .slice(0, MAX_HISTORY)
      .map((s) => [
        cell(s.version === undefined ? '' : String(s.version)),
        cell([s.chartName, s.chartVersion].filter(Boolean).join(' ')),
        cell(s.appVersion ?? ''),
        cell(s.status ?? ''),
        cell(s.action ?? ''),
        timeCell(s.lastDeployed ?? s.firstDeployed),
      ]);
    blocks.push(
      section(
        'Helm release history (newest first)',
        table(['Release', 'Chart', 'App version', 'Status', 'Action', 'Deployed\u00a0(UTC)'], rows),
      ),
    );
  }
  const counters: [string, unknown][] = [
    ['failures', status.failures],
    ['install failures', status.installFailures],
    ['upgrade failures', status.upgradeFailures],
  ];
  const shown = counters.filter(([, v]) => typeof v === 'number').map(([k, v]) => `${escapeHtml(k)} ${v}`);
  if (status.lastAttemptedReleaseAction) {
    shown.push(`last attempted action ${code(status.lastAttemptedReleaseAction)}`);
  }
  if (status.lastAttemptedRevision && isHelmHistory(status.history)) {
    shown.push(`last attempted chart ${code(status.lastAttemptedRevision)}`);
  }
  if (shown.length) blocks.push(`<p>${bold('Failure counters')}: ${shown.join(' · ')}</p>`);
  return blocks.join('\n');
}

function eventTime(event: KubeEvent): number {
  const t = event.lastTimestamp ? Date.parse(event.lastTimestamp) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

function eventsBlock(own: KubeEvent[], sourceEvents: KubeEvent[], shownAbove: string): string {
  const events = [...own, ...sourceEvents].sort((a, b) => eventTime(b) - eventTime(a)).slice(0, MAX_EVENTS);
  if (!events.length) return '';
  const rows = events.map((e) => [
    timeCell(e.lastTimestamp),
    cell(`${e.involvedObject.kind}/${e.involvedObject.name}`),
    e.type === 'Warning' ? `⚠️ ${cell(e.type)}` : cell(e.type),
    cell(e.reason),
    `${messageCell(e.message, shownAbove, MAX_EVENT_CHARS, MAX_EVENT_LINES)}${e.count && e.count > 1 ? ` (×${e.count})` : ''}`,
  ]);
  return section(
    'Recent events (newest first)',
    table(['Last\u00a0seen\u00a0(UTC)', 'Object', 'Type', 'Reason', 'Message'], rows),
  );
}

function commandsBlock(commands: string[]): string {
  return section('Next steps', `<pre>${escapePre(commands.join('\n'))}</pre>`);
}

/** The `<details>` section for one object. */
export function renderDetails(result: ObjectResult, around: Neighbourhood): string {
  const look = outcomeLook(result.outcome);
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
  const fullMessage = [result.reason, controllerMessage(result)].filter(Boolean).join(': ');
  const body = [
    messageBlock(fullMessage),
    revisionBlock(result),
    neighboursBlock(result, dependencies, source),
    conditionsBlock(result, fullMessage),
    helmBlock(result),
    eventsBlock(around.events(result), sourceRef ? around.events(sourceRef) : [], fullMessage),
    result.ok ? '' : commandsBlock(commands),
  ].filter(Boolean);
  return `<details>\n${summary}\n${body.join('\n')}\n</details>`;
}

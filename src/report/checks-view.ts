// The summary's sections for the checks after Ready that are not objects: the `verify-url` answers and the
// soak. Every string from the app or the cluster is escaped (html.ts, text.ts).
import { escapeHtml } from '../base/text.js';
import type { ProbeResult, RunResult, SoakRecord } from '../reconcile/types.js';
import { formatDuration, formatTime } from './format.js';
import { bold, cell, code, table } from './html.js';
import { watchedWords } from './log.js';

function answerCell(result: ProbeResult): string {
  const { answer } = result;
  if (!answer) return cell(`no answer: ${result.error ?? 'unknown'}`);
  const redirect = answer.redirect ? `<br>redirect to ${code(answer.redirect)} not followed` : '';
  const body = answer.excerpt ? `<br>${code(answer.excerpt)}` : '';
  return `${bold(String(answer.status))} in ${escapeHtml(formatDuration(answer.ms))}${redirect}${body}`;
}

function probeRow(result: ProbeResult): string[] {
  const tries = result.attempts === 1 ? '1 try' : `${result.attempts} tries`;
  const when =
    result.stage === 'soak'
      ? `during the soak, at ${formatTime(result.at)}`
      : `${tries} in ${formatDuration(result.elapsedMs)}`;
  return [
    result.ok ? '✅\u00a0Answered' : '❌\u00a0Not\u00a0as\u00a0expected',
    code(result.url),
    cell(result.expected),
    answerCell(result),
    cell(result.why ? `${result.why}; ${when}` : when),
  ];
}

function renderProbes(probes: readonly ProbeResult[]): string {
  return `<h3>verify-url</h3>\n${table(['Result', 'URL', 'Expected', 'Answer', 'When'], probes.map(probeRow))}`;
}

function renderSoak(soak: SoakRecord): string {
  const span = escapeHtml(`from ${formatTime(soak.startedAt)} to ${formatTime(soak.endedAt)}`);
  const watched = escapeHtml(`watching ${watchedWords(soak.watched)}`);
  let line: string;
  if (soak.held)
    line = `✅ ${bold(`Held ${formatDuration(soak.stableForMs)}`)} ${span}, ${watched}: nothing changed.`;
  else if (soak.broke)
    line = `❌ ${bold(`Broke ${formatDuration(soak.broke.afterMs)} into ${formatDuration(soak.stableForMs)}`)}, at ${escapeHtml(formatTime(soak.broke.at))} (${watched}): ${cell(soak.broke.what)}`;
  else line = `❌ ${bold('Not held')}: ${cell(soak.cutShort ?? 'it ended early')} (${watched})`;
  return `<h3>Soak (stable-for)</h3>\n<p>${line}</p>`;
}

/** The `verify-url` table and the soak's line, when the run got to them. */
export function renderChecksAfterReady(run: RunResult): string {
  const parts: string[] = [];
  if (run.probes?.length) parts.push(renderProbes(run.probes));
  if (run.soak) parts.push(renderSoak(run.soak));
  return parts.join('\n');
}

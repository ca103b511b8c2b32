// How the report shows the workloads a health check or Helm wait waited on: a table in the object's details,
// and one line for the log and the annotation. Every string from the cluster is escaped (html.ts, text.ts).

import { escapeHtml, shorten } from '../base/text.js';
import type { KubeEvent } from '../flux/types.js';
import { bold, cell, code, table, timeCell } from './html.js';
import type { WorkloadFinding, WorkloadReport } from './workloads.js';

const MAX_MESSAGE_CHARS = 600;
const MAX_MESSAGE_LINES = 6;
const LINE_MESSAGE_CHARS = 160;

const title = (f: WorkloadFinding): string => `${f.ref.kind} ${f.ref.namespace}/${f.ref.name}`;
const message = (text: string): string => cell(shorten(text, MAX_MESSAGE_CHARS, MAX_MESSAGE_LINES).text);
const indented = (html: string): string => `\u00a0\u00a0↳ ${html}`;

function eventRows(events: KubeEvent[], about: string): string[][] {
  return events.map((e) => [
    indented(`⚠️ event${about ? ` of ${code(about)}` : ''}`),
    cell(e.type),
    `${cell(e.reason)}${e.count && e.count > 1 ? ` (×${e.count})` : ''}`,
    message(e.message),
    timeCell(e.lastTimestamp),
  ]);
}

function findingRows(f: WorkloadFinding): string[][] {
  if (!f.state) return [[code(title(f)), cell('not read'), '', message(f.error ?? ''), '']];
  const rows: string[][] = [[code(title(f)), cell(f.state.counts), '', '', '']];
  for (const c of f.state.conditions) {
    rows.push([
      indented(cell(`${c.type}=${c.status}`)),
      '',
      cell(c.reason),
      message(c.message),
      timeCell(c.lastTransitionTime),
    ]);
  }
  rows.push(...eventRows(f.events, ''));
  for (const pod of f.pods) {
    for (const problem of pod.problems) {
      const container = problem.container ? ` (${escapeHtml(problem.container)})` : '';
      rows.push([
        indented(`pod ${code(pod.name)}${container}`),
        cell(pod.phase),
        cell(problem.reason),
        message(problem.message),
        timeCell(problem.since),
      ]);
    }
    rows.push(...eventRows(pod.events, pod.name));
  }
  if (f.morePods > 0) rows.push([indented(`<i>${f.morePods} more pods not ready</i>`), '', '', '', '']);
  for (const note of f.notes) rows.push([indented('<i>not read</i>'), '', '', message(note), '']);
  return rows;
}

/** The details section: each workload, its conditions, its unready pods and their Warning events. */
export function renderWorkloads(report: WorkloadReport | undefined): string {
  if (!report) return '';
  const rows = report.findings.flatMap(findingRows);
  const parts = [`<p>${bold('Workloads not ready')}</p>`];
  if (rows.length) {
    parts.push(table(['Object', 'State', 'Reason', 'Message', 'Since\u00a0(UTC)'], rows));
  }
  for (const note of report.notes) parts.push(`<p><i>${escapeHtml(shorten(note, 1000).text)}</i></p>`);
  return parts.length > 1 ? parts.join('\n') : '';
}

function findingWords(f: WorkloadFinding): string {
  if (!f.state) return `${title(f)} (could not be read: ${f.error ?? 'unknown error'})`;
  const said = [f.state.counts.split(' · ')[0] ?? ''];
  const condition = f.state.conditions[0];
  if (condition) said.push(condition.reason || `${condition.type}=${condition.status}`);
  const pod = f.pods[0];
  const problem = pod?.problems[0];
  if (pod && problem) {
    const words = [problem.reason, shorten(problem.message, LINE_MESSAGE_CHARS).text].filter(Boolean);
    said.push(`pod ${pod.name} ${pod.phase}, ${words.join(': ')}`);
  }
  return `${title(f)} (${said.filter(Boolean).join('; ')})`;
}

/**
 * `Not ready: Deployment apps/web (0/1 available; ProgressDeadlineExceeded; pod web-… Pending, Unschedulable:
 * 0/1 nodes are available…)`, or nothing. Plain text: each medium makes it safe (oneLine, shorten).
 */
export function workloadsLine(report: WorkloadReport | undefined): string {
  if (!report?.findings.length) return '';
  return `Not ready: ${report.findings.map(findingWords).join('; ')}`;
}

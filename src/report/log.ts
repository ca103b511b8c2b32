// The live log: one line per request, one per verdict, a heartbeat for what is still waiting.
// Pure formatters; the run loop decides when to print them.

import { oneLine, shorten } from '../base/text.js';
import type { FluxKind } from '../flux/kinds.js';
import { describeRef, type ObjectRef } from '../flux/refs.js';
import { shortRevision } from '../flux/revision.js';
import type { RequestKind } from '../reconcile/request.js';
import type { Verdict } from '../reconcile/types.js';
import { describeWaiting } from '../reconcile/waiting.js';
import { formatDuration } from './format.js';
import { type ObjectView, reasonAndMessage, revisionPhrase } from './view.js';
import { workloadsLine } from './workloads-view.js';

// A heartbeat repeats every few seconds: keep it to a line. A verdict is said once: keep the whole message.
const HEARTBEAT_MESSAGE_CHARS = 240;

const REQUEST_WORDS: Record<RequestKind, string> = {
  watch: 'watching (nothing requested)',
  reconcile: 'reconcile requested',
  resume: 'resume and reconcile requested',
  suspend: 'suspend requested',
  'ask-again': 'reconcile requested again (revision not fetched yet)',
};

const words = (reason: string, message: string): string => oneLine(reasonAndMessage(reason, message));

/** `► Kustomization flux-system/apps: reconcile requested (now at main@sha1:0123abcd)` */
export function requestedLine(ref: ObjectRef, request: RequestKind, revisionBefore?: string): string {
  const at = revisionBefore ? ` (now at ${oneLine(shortRevision(revisionBefore))})` : '';
  return `► ${oneLine(describeRef(ref))}: ${REQUEST_WORDS[request]}${at}`;
}

/**
 * `✔ Kustomization flux-system/apps: Ready after 12.3s at main@sha1:0123abcd`, or the failure in the
 * controller's words: `✗ …: Failed after 2.1s at main@sha1:8593fc0e (still running main@sha1:dae1d41b) — …`.
 */
export function verdictLine(view: ObjectView): string {
  const { look, result } = view;
  // A skipped object was never asked anything: it has no time of its own.
  const after = view.timed ? ` after ${formatDuration(result.durationMs)}` : '';
  const timing = `${look.label}${after}${revisionPhrase(view.revision)}`;
  // Ready says `Applied revision: …` again; only other outcomes need the controller's words.
  const said = result.outcome === 'ready' ? oneLine(view.note ?? '') : words(view.reason, view.message);
  const waited = view.needsAttention && result.waitedOn ? ` (waited on ${oneLine(result.waitedOn)})` : '';
  const workloads = oneLine(workloadsLine(view.workloads));
  return `${look.mark} ${oneLine(view.title)}: ${timing}${said ? ` — ${said}` : ''}${waited}${workloads ? ` — ${workloads}` : ''}`;
}

/** `◎ Kustomization flux-system/apps: waiting 45s — DependencyNotReady: … (waits on dependency flux-system/infra)` */
export function heartbeatLine(
  ref: ObjectRef,
  kind: FluxKind,
  verdict: Verdict | undefined,
  elapsedMs: number,
): string {
  const title = oneLine(describeRef(ref));
  if (!verdict) return `◎ ${title}: waiting ${formatDuration(elapsedMs)} — no status seen yet`;
  const said = shorten(words(verdict.reason, verdict.message), HEARTBEAT_MESSAGE_CHARS).text;
  const revision = verdict.revision ? ` at ${oneLine(shortRevision(verdict.revision))}` : '';
  const waitingOn = verdict.state === 'waiting' ? describeWaiting(verdict.waiting, kind) : '';
  const waits = waitingOn ? ` (waits on ${oneLine(waitingOn)})` : '';
  return `◎ ${title}: waiting ${formatDuration(elapsedMs)}${revision}${said ? ` — ${said}` : ''}${waits}`;
}

/** `↳ Kustomization flux-system/apps applied 3 Flux objects: Kustomization apps/web, HelmRelease apps/db, …` */
export function followedLine(parent: ObjectRef, children: readonly ObjectRef[]): string {
  const shown = children.slice(0, 10).map((c) => oneLine(describeRef(c)));
  const more = children.length > shown.length ? `, and ${children.length - shown.length} more` : '';
  const what = children.length === 1 ? '1 Flux object' : `${children.length} Flux objects`;
  return `↳ ${oneLine(describeRef(parent))} applied ${what}, now followed: ${shown.join(', ')}${more}`;
}

/** `✗ Kustomization apps/late: ReconciliationFailed: … — a retry may still mend it within 45s (fail-fast grace)` */
export function failingLine(ref: ObjectRef, verdict: Verdict, graceMs: number): string {
  const said = shorten(words(verdict.reason, verdict.message), HEARTBEAT_MESSAGE_CHARS).text;
  return `✗ ${oneLine(describeRef(ref))}: ${said} — a retry may still mend it within ${formatDuration(graceMs)} (fail-fast grace)`;
}

/** A note the run loop has for the log (how a fetched commit relates to the expected one): one line. */
export function noteLine(text: string): string {
  return `ℹ ${oneLine(text)}`;
}

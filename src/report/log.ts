// The live log: one line per request, one per verdict, a heartbeat for what is still waiting.
// Pure formatters; the run loop decides when to print them.
import { describeRef, type ObjectRef } from '../flux/refs.js';
import { shortRevision } from '../reconcile/revision.js';
import type { Command, ObjectResult, Verdict } from '../reconcile/types.js';
import { formatDuration, outcomeLook } from './format.js';
import { oneLine, shorten } from './text.js';
import { controllerMessage } from './words.js';

// A heartbeat repeats every few seconds: keep it to a line. A verdict is said once: keep the whole message.
const HEARTBEAT_MESSAGE_CHARS = 240;

// `wait` requests nothing; every other action word (the engine's: `reconcile`, `suspend`,
// `resume and reconcile`) reads as "<what> requested".
const NOTHING_REQUESTED: Command = 'wait';

function words(reason: string, message: string): string {
  const text = oneLine(message);
  if (!reason) return text;
  return text ? `${reason}: ${text}` : reason;
}

/** `► Kustomization flux-system/apps: reconcile requested (now at main@sha1:0123abcd)` */
export function requestedLine(ref: ObjectRef, what: Command | string, revisionBefore?: string): string {
  const at = revisionBefore ? ` (now at ${shortRevision(revisionBefore)})` : '';
  const said = what === NOTHING_REQUESTED ? 'watching (nothing requested)' : `${oneLine(what)} requested`;
  return `► ${describeRef(ref)}: ${said}${at}`;
}

/** `✔ Kustomization flux-system/apps: Ready in 12.3s at main@sha1:0123abcd` or the failure in the controller's words. */
export function verdictLine(result: ObjectResult): string {
  const look = outcomeLook(result.outcome);
  const revision = result.revisionAfter ? ` at ${shortRevision(result.revisionAfter)}` : '';
  // A skipped object was never asked anything: it has no time of its own.
  const after = result.durationMs > 0 ? ` after ${formatDuration(result.durationMs)}` : '';
  const timing = `${look.label}${after}${revision}`;
  // Ready says `Applied revision: …` again; only other outcomes need the controller's words.
  const said = result.outcome === 'ready' ? '' : words(result.reason, controllerMessage(result));
  const waited = !result.ok && result.waitedOn ? ` (waited on ${oneLine(result.waitedOn)})` : '';
  return `${look.mark} ${describeRef(result)}: ${timing}${said ? ` — ${said}` : ''}${waited}`;
}

/** `◎ Kustomization flux-system/apps: waiting 45s — DependencyNotReady: … (waits on Kustomization flux-system/infra)` */
export function heartbeatLine(ref: ObjectRef, verdict: Verdict | undefined, elapsedMs: number): string {
  if (!verdict) return `◎ ${describeRef(ref)}: waiting ${formatDuration(elapsedMs)} — no status seen yet`;
  const said = shorten(words(verdict.reason, verdict.message), HEARTBEAT_MESSAGE_CHARS).text;
  const revision = verdict.revision ? ` at ${shortRevision(verdict.revision)}` : '';
  const waits = verdict.waitingOn ? ` (waits on ${oneLine(verdict.waitingOn)})` : '';
  return `◎ ${describeRef(ref)}: waiting ${formatDuration(elapsedMs)}${revision}${said ? ` — ${said}` : ''}${waits}`;
}

// The live log: one line per request, one per verdict, a heartbeat for what is still waiting.
// Pure formatters; the run loop decides when to print them.

import { oneLine, shorten } from '../base/text.js';
import type { FluxKind } from '../flux/kinds.js';
import { describeRef, type ObjectRef } from '../flux/refs.js';
import { shortRevision } from '../flux/revision.js';
import type { WorkloadRef } from '../flux/workload-scope.js';
import { goalWord } from '../inputs/commands.js';
import type { RequestKind } from '../reconcile/request.js';
import type {
  ObjectResult,
  ProbeResult,
  RolloutFacts,
  RunResult,
  SoakRecord,
  Verdict,
} from '../reconcile/types.js';
import { describeWaiting } from '../reconcile/waiting.js';
import type { WorkloadVerdict } from '../reconcile/workload-verdict.js';
import { formatDuration, formatTime } from './format.js';
import { type ObjectView, reasonAndMessage, revisionPhrase, rolloutPhrase } from './view.js';
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
  if (view.rollout) return rolloutLine(view, view.rollout);
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

/**
 * `✔ Deployment apps/web: Ready after 12s — 1/1 ready · nginx:1.27 (workload of Kustomization flux-system/apps)`,
 * or the pod's own words: `✗ Deployment apps/web: Failed after 31s — ImagePullBackOff: pod web-… (container
 * app): Back-off pulling image "…" (workload of …)`.
 */
function rolloutLine(view: ObjectView, rollout: RolloutFacts): string {
  const { look, result } = view;
  const after = view.timed ? ` after ${formatDuration(result.durationMs)}` : '';
  const said = result.outcome === 'ready' ? rolloutPhrase(rollout) : words(view.reason, view.message);
  const parent = view.parentTitle ? ` (workload of ${oneLine(view.parentTitle)})` : '';
  return `${look.mark} ${oneLine(view.title)}: ${look.label}${after} — ${oneLine(said)}${parent}`;
}

/** `↳ Kustomization flux-system/apps applied 2 workloads, now judged: Deployment apps/web, Job apps/seed` */
export function workloadsFoundLine(
  parent: ObjectRef,
  judged: readonly WorkloadRef[],
  watchedOnly: readonly WorkloadRef[],
): string {
  const names = (refs: readonly WorkloadRef[]) => {
    const shown = refs.slice(0, 10).map((r) => oneLine(describeRef(r)));
    return `${shown.join(', ')}${refs.length > shown.length ? `, and ${refs.length - shown.length} more` : ''}`;
  };
  const what = (n: number) => (n === 1 ? '1 workload' : `${n} workloads`);
  const parts: string[] = [];
  if (judged.length) parts.push(`${what(judged.length)} to roll out: ${names(judged)}`);
  if (watchedOnly.length)
    parts.push(
      `${what(watchedOnly.length)} its controller checked, watched for the soak: ${names(watchedOnly)}`,
    );
  return `↳ ${oneLine(describeRef(parent))} applied ${parts.join('; ')}`;
}

/** `◎ Deployment apps/web: rolling out 45s — 0/1 available · 1 updated; pod web-… Pending: …` */
export function rollingOutLine(
  ref: WorkloadRef,
  verdict: WorkloadVerdict | undefined,
  elapsedMs: number,
): string {
  const title = oneLine(describeRef(ref));
  const said =
    verdict?.state === 'progressing'
      ? verdict.why
      : verdict?.state === 'failed'
        ? `${verdict.reason}: ${verdict.message} — a retry may still mend it (grace)`
        : 'nothing seen of it yet';
  return `◎ ${title}: rolling out ${formatDuration(elapsedMs)} — ${shorten(oneLine(said), HEARTBEAT_MESSAGE_CHARS).text}`;
}

/** `✔ https://app.example.com/healthz answered 200 after 3 tries in 41s` or why not, with the body's start. */
export function probeLine(result: ProbeResult): string {
  const mark = result.ok ? '✔' : '✗';
  const tries = result.attempts === 1 ? '1 try' : `${result.attempts} tries`;
  const during = result.stage === 'soak' ? ' during the soak' : '';
  const when = `${during} (${tries} in ${formatDuration(result.elapsedMs)})`;
  if (result.ok) return `${mark} ${oneLine(result.url)} answered ${result.answer?.status}${when}`;
  const why = result.why ?? (result.error ? `no answer: ${result.error}` : 'no answer as expected');
  const body = result.answer?.excerpt ? ` — body: ${shorten(oneLine(result.answer.excerpt), 120).text}` : '';
  return `${mark} ${oneLine(result.url)}: ${oneLine(why)}${when}${body}`;
}

/** `◎ Soak: holding everything for 30s: 3 objects, 2 workloads (4 pods), 1 URL` */
export function soakStartedLine(stableForMs: number, watched: SoakRecord['watched']): string {
  return `◎ Soak: holding everything for ${formatDuration(stableForMs)}: ${watchedWords(watched)}`;
}

/** `✔ Soak held 30s` or `✗ Soak broke 13s in: …` */
export function soakEndedLine(record: SoakRecord): string {
  if (record.held)
    return `✔ Soak held ${formatDuration(record.stableForMs)}: nothing changed (${watchedWords(record.watched)})`;
  if (record.broke)
    return `✗ Soak broke ${formatDuration(record.broke.afterMs)} in, at ${formatTime(record.broke.at)}: ${oneLine(record.broke.what)}`;
  return `✗ Soak not held: ${oneLine(record.cutShort ?? 'it ended early')}`;
}

/** `3 objects, 2 workloads (4 pods), 1 URL` */
export function watchedWords(watched: SoakRecord['watched']): string {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const parts = [count(watched.objects, 'object')];
  if (watched.workloads)
    parts.push(`${count(watched.workloads, 'workload')} (${count(watched.pods, 'pod')})`);
  if (watched.urls) parts.push(count(watched.urls, 'URL'));
  return parts.join(', ');
}

/**
 * The step's failure in one line: `1 of 3 Flux objects did not end Ready: Kustomization apps/web (failed);
 * 1 of 2 workloads did not roll out: Deployment shop/api (failed)`, and a URL or the soak when they failed.
 */
export function failureLine(run: RunResult): string {
  const named = (results: readonly ObjectResult[]) =>
    results.map((r) => `${r.kind} ${r.namespace}/${r.name} (${r.outcome})`).join(', ');
  const objects = run.results.filter((r) => r.role !== 'workload');
  const workloads = run.results.filter((r) => r.role === 'workload');
  const parts: string[] = [];
  const badObjects = objects.filter((r) => !r.ok);
  if (badObjects.length)
    parts.push(
      `${badObjects.length} of ${objects.length} Flux objects did not end ${goalWord(run.command)}: ${named(badObjects)}`,
    );
  const badWorkloads = workloads.filter((r) => !r.ok);
  if (badWorkloads.length)
    parts.push(
      `${badWorkloads.length} of ${workloads.length} workloads did not roll out: ${named(badWorkloads)}`,
    );
  for (const probe of run.probes ?? []) {
    if (!probe.ok)
      parts.push(`verify-url ${probe.url}: ${probe.why ?? probe.error ?? 'no answer as expected'}`);
  }
  if (run.soak?.broke) parts.push(`the soak broke: ${run.soak.broke.what}`);
  else if (run.soak?.cutShort) parts.push(`the soak was not held: ${run.soak.cutShort}`);
  return oneLine(parts.join('; ') || 'the run did not end as the command wanted');
}

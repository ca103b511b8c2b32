// What the Deployment and the commit status say: a state GitHub knows, and one line of plain text.
// GitHub shows these descriptions as text (never Markdown) and refuses more than 140 characters, so cluster
// text goes through the one-line sanitiser and is cut to fit, never HTML-escaped (that would show `&amp;`).

import { oneLine, shorten } from '../../base/text.js';
import { describeRef, type ObjectRef } from '../../flux/refs.js';
import { shortRevision } from '../../flux/revision.js';
import { type Command, commandSpec } from '../../inputs/commands.js';
import type { RunResult } from '../../reconcile/types.js';
import { OUTCOME_ORDER } from '../format.js';
import type { ObjectView } from '../view.js';
import { commitOfRevision } from './target.js';

export const MAX_DESCRIPTION_CHARS = 140;

/** The final state of both the deployment and the commit status: a timeout is GitHub's `error`. */
export type FinalState = 'success' | 'failure' | 'error';

export function finalState(run: RunResult): FinalState {
  if (run.ready) return 'success';
  const notOk = run.results.filter((r) => !r.ok);
  // Only the clock stopped it (cancelled objects are those the deadline or fail-fast cut short).
  const onlyTime =
    notOk.length > 0 && notOk.every((r) => r.outcome === 'timed-out' || r.outcome === 'cancelled');
  // Everything Ready, and the soak cut short by the deadline: the clock again.
  const soakCut = notOk.length === 0 && !!run.soak?.cutShort && (run.probes ?? []).every((p) => p.ok);
  return onlyTime || soakCut ? 'error' : 'failure';
}

const length = (text: string): number => Array.from(text).length;

/** One line of at most `max` characters, the ellipsis of a cut included. */
export function oneLineWithin(text: string, max = MAX_DESCRIPTION_CHARS): string {
  const line = oneLine(text);
  return length(line) <= max ? line : shorten(line, max - 1).text;
}

/** `Kustomization flux-system/apps, HelmRelease shop/web and 3 more`, as many names as fit in `max`. */
export function namesThatFit(names: readonly string[], max: number): string {
  const shown: string[] = [];
  for (const [index, name] of names.entries()) {
    const left = names.length - index - 1;
    const tail = left > 0 ? ` and ${left} more` : '';
    const candidate = [...shown, name].join(', ');
    if (length(candidate + tail) > max) break;
    shown.push(name);
  }
  if (shown.length === 0) {
    // Not even the first name fits whole: cut it, keep the count.
    const tail = names.length > 1 ? ` and ${names.length - 1} more` : '';
    return `${oneLineWithin(names[0] ?? '', max - length(tail))}${tail}`;
  }
  const more = names.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function atRevision(expected: string | undefined): string {
  if (!expected) return '';
  return ` at ${commitOfRevision(expected)?.slice(0, 8) ?? oneLine(shortRevision(expected))}`;
}

/** Problems first, in run order within each outcome (as the summary's table). */
function problemsFirst(views: readonly ObjectView[]): ObjectView[] {
  const rank = (v: ObjectView) => OUTCOME_ORDER.indexOf(v.result.outcome);
  return [...views].sort((a, b) => rank(a) - rank(b));
}

/** "12/12 Ready at 3f2c1a9e", "1 failed: Kustomization flux-system/apps BuildFailed". */
export function resultDescription(run: RunResult, views: readonly ObjectView[]): string {
  const ok = views.filter((v) => !v.needsAttention).length;
  if (run.ready) return oneLineWithin(`${ok}/${views.length} Ready${atRevision(run.expectedRevision)}`);
  const bad = problemsFirst(views.filter((v) => v.needsAttention));
  if (bad.length === 0) return oneLineWithin(checksDescription(run));
  const looks = new Set(bad.map((v) => v.look.label));
  const word = looks.size === 1 ? bad[0]!.look.label.toLowerCase() : 'not Ready';
  const head = `${bad.length} ${word}: `;
  const names = bad.map((v) => oneLine(`${v.title} ${v.reason}`));
  return `${head}${namesThatFit(names, MAX_DESCRIPTION_CHARS - length(head))}`;
}

/** Every object Ready and yet not green: what a URL answered, or how the soak ended. */
function checksDescription(run: RunResult): string {
  const probe = run.probes?.find((p) => !p.ok);
  if (probe) return `verify-url ${probe.url}: ${probe.why ?? probe.error ?? 'no answer as expected'}`;
  if (run.soak?.broke) return `Soak broke: ${run.soak.broke.what}`;
  return `Soak not held: ${run.soak?.cutShort ?? 'it ended early'}`;
}

/** The pending line while the run lasts: "Reconciling 12 objects on 10.0.0.1:6443". */
export function startDescription(command: Command, objects: readonly ObjectRef[], host: string): string {
  const what = objects.length === 1 ? describeRef(objects[0]!) : `${objects.length} objects`;
  const doing = commandSpec(command).doing(what);
  return oneLineWithin(`${doing} on ${host}`);
}

/** The deployment's own description: the cluster and the objects. */
export function deploymentDescription(command: Command, objects: readonly ObjectRef[], host: string): string {
  const head = `Flux ${command} on ${oneLine(host)}: `;
  const names = objects.map((o) => oneLine(describeRef(o)));
  return oneLineWithin(`${head}${namesThatFit(names, MAX_DESCRIPTION_CHARS - length(head))}`);
}

/** The final line when the run stopped with an error before any result. */
export function stoppedDescription(message: string): string {
  return oneLineWithin(`Stopped: ${message}`);
}

// Request: what the action writes to an object to make its controller act now.
import type { FluxKind } from '../flux/kinds.js';
import { type Command, commandSpec } from '../inputs/commands.js';

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';

/** What the run asked of an object, for the log: nothing (watch only), a reconcile, a resume, a suspend. */
export type RequestKind = 'watch' | 'reconcile' | 'resume' | 'suspend' | 'ask-again';

export interface RequestOptions {
  command: Command;
  force: boolean;
  reset: boolean;
}

let sequence = Math.floor(Math.random() * 1_000_000);

/**
 * A token in the flux CLI's format (RFC 3339 with nanoseconds), unique within this process: the controller
 * echoes it in status.lastHandledReconcileAt, which is how we know our request, not an older one, was handled.
 * The sub-millisecond digits come from a counter, so two requests in the same millisecond still differ.
 */
export function newRequestToken(now: Date = new Date()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${now.toISOString().slice(0, 23)}${String(sequence).padStart(6, '0')}Z`;
}

/** The merge patch that asks for a reconcile (and resumes, forces or resets when asked). */
export function reconcilePatch(kind: FluxKind, token: string, options: RequestOptions): object {
  const annotations: Record<string, string> = { [REQUESTED_AT]: token };
  // helm-controller honours forceAt/resetAt only when they equal requestedAt.
  if (kind.forceAndReset && options.force) annotations[FORCE_AT] = token;
  if (kind.forceAndReset && options.reset) annotations[RESET_AT] = token;
  if (commandSpec(options.command).act !== 'resume') return { metadata: { annotations } };
  // Resuming is the kind's own patch (spec.suspend, or the Flux Operator's annotation), with the request.
  const resume = kind.suspendPatch(false) as { metadata?: { annotations?: object } };
  return {
    ...resume,
    metadata: { ...resume.metadata, annotations: { ...resume.metadata?.annotations, ...annotations } },
  };
}

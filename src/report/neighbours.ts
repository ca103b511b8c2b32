// The state of an object's source and dependencies, from the run's results or from what was read after it.
import { type ObjectRef, refKey } from '../flux/refs.js';
import type { KubeEvent } from '../flux/types.js';
import type { ObjectResult, RunResult } from '../reconcile/types.js';
import type { RelatedObjects } from './collect.js';
import { outcomeLook } from './format.js';
import { type HealthState, healthState, speakingCondition } from './health.js';

export interface NeighbourState {
  ref: ObjectRef;
  /** ✅ ❌ …, then a word: `Ready`, `Failed`, `Not ready`, `unknown`. */
  emoji: string;
  label: string;
  ready: boolean;
  reason: string;
  message: string;
  revision?: string;
  /** In the run, or read after it. */
  inRun: boolean;
}

const HEALTH_LOOK: Record<HealthState, { emoji: string; label: string }> = {
  ready: { emoji: '✅', label: 'Ready' },
  failing: { emoji: '❌', label: 'Not ready' },
  suspended: { emoji: '⏸️', label: 'Suspended' },
  progressing: { emoji: '⏳', label: 'In progress' },
};

/** Looks objects up by ref in the run first, then among the related objects. */
export class Neighbourhood {
  private readonly byKey: Map<string, ObjectResult>;

  constructor(
    run: RunResult,
    private readonly related: RelatedObjects = new Map(),
  ) {
    this.byKey = new Map(run.results.map((r) => [refKey(r), r]));
  }

  result(ref: ObjectRef): ObjectResult | undefined {
    return this.byKey.get(refKey(ref));
  }

  /** The object's recent events, from the run or read after it. */
  events(ref: ObjectRef): KubeEvent[] {
    return this.result(ref)?.events ?? this.related.get(refKey(ref))?.events ?? [];
  }

  state(ref: ObjectRef): NeighbourState {
    const result = this.result(ref);
    if (result) {
      const look = outcomeLook(result.outcome);
      return {
        ref,
        emoji: look.emoji,
        label: look.label,
        ready: result.outcome === 'ready',
        reason: result.reason,
        message: result.message,
        revision: result.revisionAfter,
        inRun: true,
      };
    }
    const related = this.related.get(refKey(ref));
    const obj = related?.object;
    if (obj) {
      const state = healthState(obj);
      const condition = speakingCondition(obj);
      return {
        ref,
        ...HEALTH_LOOK[state],
        ready: state === 'ready',
        reason: condition?.reason ?? '',
        message: condition?.message ?? '',
        revision: related?.kind?.revision(obj),
        inRun: false,
      };
    }
    return {
      ref,
      emoji: '❔',
      label: 'Unknown',
      ready: false,
      reason: '',
      message: related?.error ? `could not be read: ${related.error}` : '',
      inRun: false,
    };
  }

  /** The source of a result, as the kinds table finds it. */
  sourceOf(result: ObjectResult): ObjectRef | undefined {
    return result.last ? result.fluxKind?.sourceOf?.(result.last) : undefined;
  }

  dependenciesOf(result: ObjectResult): ObjectRef[] {
    return result.last ? (result.fluxKind?.dependsOn?.(result.last) ?? []) : [];
  }
}

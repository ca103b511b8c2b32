// The pure decisions of the run loop, as tables: how each command of the run family starts an object in
// each state (startOf), what the loop does after each verdict (nextAfter), and which blocked steps may
// start (unblocked). run.test.ts proves the loop that acts on them.
import { describe, expect, it } from 'vitest';
import {
  ALERT,
  type FluxKind,
  GIT_REPOSITORY,
  HELM_REPOSITORY,
  KUSTOMIZATION,
  RESOURCE_SET,
} from '../../../src/flux/kinds.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { COMMAND_NAMES, type Command, commandSpec } from '../../../src/inputs/commands.js';
import type { Role } from '../../../src/reconcile/plan.js';
import {
  type Next,
  nextAfter,
  type Policy,
  type Start,
  type Step,
  startOf,
  unblocked,
} from '../../../src/reconcile/steps.js';
import type { Verdict, VerdictState, Waiting } from '../../../src/reconcile/types.js';

function step(kind: FluxKind, role: Role, over: Partial<FluxObject> = {}, extra: Partial<Step> = {}): Step {
  const obj: FluxObject = { metadata: { name: 'x', namespace: 'apps', ...over.metadata }, ...over };
  return {
    planned: {
      ref: { kind: kind.kind, namespace: 'apps', name: obj.metadata.name },
      key: `${kind.kind}/apps/${obj.metadata.name}`,
      kind,
      initial: obj,
      role,
      expectsRevision: true,
      after: [],
    },
    phase: 'blocked',
    latest: obj,
    ...extra,
  };
}

const suspended = { spec: { suspend: true } };
const REQUEST: Start = { do: 'request', resuming: false };
const RESUME: Start = { do: 'request', resuming: true };
const JUDGE: Start = { do: 'judge' };
const WATCH: Start = { do: 'watch' };
const SUSPEND: Start = { do: 'suspend' };

// The run family's commands, in this order in every row.
const RUN_COMMANDS = ['reconcile', 'wait', 'suspend', 'resume'] as const satisfies readonly Command[];

const START_TABLE: Array<[string, Step, [Start, Start, Start, Start]]> = [
  ['a Kustomization it was asked for', step(KUSTOMIZATION, 'requested'), [REQUEST, WATCH, SUSPEND, RESUME]],
  ['the source of one', step(GIT_REPOSITORY, 'source'), [REQUEST, WATCH, SUSPEND, REQUEST]],
  ['an object a Ready one applied', step(KUSTOMIZATION, 'child'), [REQUEST, WATCH, SUSPEND, REQUEST]],
  // Judged as it is (suspended) unless this run resumes it; only the objects asked for are resumed.
  [
    'a suspended one it was asked for',
    step(KUSTOMIZATION, 'requested', suspended),
    [JUDGE, JUDGE, SUSPEND, RESUME],
  ],
  ['a suspended source', step(GIT_REPOSITORY, 'source', suspended), [JUDGE, JUDGE, SUSPEND, JUDGE]],
  ['a suspended child', step(KUSTOMIZATION, 'child', suspended), [JUDGE, JUDGE, SUSPEND, JUDGE]],
  [
    'a ResourceSet suspended by its annotation',
    step(RESOURCE_SET, 'requested', {
      metadata: { name: 'x', annotations: { 'fluxcd.controlplane.io/reconcile': 'disabled' } },
    }),
    [JUDGE, JUDGE, SUSPEND, RESUME],
  ],
  // No controller reconciles a static object: nothing is asked of it, whatever the command.
  ['an Alert', step(ALERT, 'requested'), [JUDGE, JUDGE, JUDGE, JUDGE]],
  ['a suspended Alert', step(ALERT, 'requested', suspended), [JUDGE, JUDGE, JUDGE, JUDGE]],
  [
    'an OCI HelmRepository',
    step(HELM_REPOSITORY, 'source', { spec: { type: 'oci' } }),
    [JUDGE, JUDGE, JUDGE, JUDGE],
  ],
];

describe('startOf', () => {
  it('has a column for every command the run loop runs; the others are not its to run', () => {
    const runFamily = COMMAND_NAMES.filter((c) => commandSpec(c).family === 'run');
    expect(runFamily).toEqual([...RUN_COMMANDS]);
    expect(COMMAND_NAMES.filter((c) => !runFamily.includes(c)).map((c) => commandSpec(c).family)).toEqual([
      'diff',
    ]);
  });

  describe.each(START_TABLE)('%s', (_what, s, starts) => {
    it.each(RUN_COMMANDS.map((command, i) => [command, starts[i]!] as const))('%s: %o', (command, start) => {
      expect(startOf(s, command)).toEqual(start);
    });
  });
});

const words = { reason: 'R', message: 'M' };
const policy = (command: Command = 'reconcile', failFastGraceMs = 0): Policy => ({
  command,
  failFastGraceMs,
});
const NOW = 1_000_000;
const TOKEN = '2025-07-15T11:12:00.000000001Z';
/** A source whose request the controller has handled (it echoed the token). */
const handledSource = (extra: Partial<Step> = {}) =>
  step(GIT_REPOSITORY, 'source', { status: { lastHandledReconcileAt: TOKEN } }, { token: TOKEN, ...extra });
const waiting = (w: Waiting): Verdict => ({ state: 'waiting', waiting: w, ...words });
const finish = (outcome: string, ok: boolean): Next =>
  ({
    do: 'finish',
    ending: { outcome, ok, ...words },
  }) as Next;

const NEXT_TABLE: Array<[string, VerdictState, Step, Verdict, Policy, Next]> = [
  [
    'ready: finished, ok',
    'ready',
    step(KUSTOMIZATION, 'requested'),
    { state: 'ready', ...words },
    policy(),
    finish('ready', true),
  ],
  [
    'static: skipped, and ok',
    'static',
    step(ALERT, 'requested'),
    { state: 'static', ...words },
    policy(),
    finish('skipped', true),
  ],
  ...COMMAND_NAMES.filter((c) => commandSpec(c).family === 'run').map(
    (command) =>
      [
        `suspended, in a ${command} run: ok only when suspending is the goal`,
        'suspended',
        step(KUSTOMIZATION, 'requested', suspended),
        { state: 'suspended', ...words },
        policy(command),
        finish('suspended', command === 'suspend'),
      ] as [string, VerdictState, Step, Verdict, Policy, Next],
  ),
  [
    'failed without grace: finished, not ok',
    'failed',
    step(KUSTOMIZATION, 'requested'),
    { state: 'failed', ...words },
    policy(),
    finish('failed', false),
  ],
  [
    'failed, first seen now, with 30 s of grace: waits the whole grace',
    'failed',
    step(KUSTOMIZATION, 'requested'),
    { state: 'failed', ...words },
    policy('reconcile', 30_000),
    { do: 'wait-for-grace', graceEndsIn: 30_000 },
  ],
  [
    'failed, first seen 10 s ago: waits what is left of the grace',
    'failed',
    step(KUSTOMIZATION, 'requested', {}, { failedSince: NOW - 10_000 }),
    { state: 'failed', ...words },
    policy('reconcile', 30_000),
    { do: 'wait-for-grace', graceEndsIn: 20_000 },
  ],
  [
    'failed past its grace: finished, not ok',
    'failed',
    step(KUSTOMIZATION, 'requested', {}, { failedSince: NOW - 30_000 }),
    { state: 'failed', ...words },
    policy('reconcile', 30_000),
    finish('failed', false),
  ],
  [
    'a handled source at another revision: asked again',
    'waiting',
    handledSource(),
    waiting({ for: 'revision', revision: 'abc' }),
    policy(),
    { do: 'ask-source-again' },
  ],
  [
    'the same, already being asked again: keeps watching',
    'waiting',
    handledSource({ askingAgain: true }),
    waiting({ for: 'revision', revision: 'abc' }),
    policy(),
    { do: 'keep-watching' },
  ],
  [
    'a source whose request is not handled yet: keeps watching',
    'waiting',
    step(GIT_REPOSITORY, 'source', {}, { token: TOKEN }),
    waiting({ for: 'revision', revision: 'abc' }),
    policy(),
    { do: 'keep-watching' },
  ],
  [
    'an applier at another revision: keeps watching (its source is what is asked again)',
    'waiting',
    step(KUSTOMIZATION, 'requested', { status: { lastHandledReconcileAt: TOKEN } }, { token: TOKEN }),
    waiting({ for: 'revision', revision: 'abc' }),
    policy(),
    { do: 'keep-watching' },
  ],
  ...(['request', 'dependency', 'generation', 'progress', 'retry'] as const).map(
    (why) =>
      [
        `a handled source waiting for ${why}: keeps watching`,
        'waiting',
        handledSource(),
        waiting({ for: why } as Waiting),
        policy(),
        { do: 'keep-watching' },
      ] as [string, VerdictState, Step, Verdict, Policy, Next],
  ),
];

const VERDICT_STATES = ['ready', 'static', 'suspended', 'failed', 'waiting'] as const;
// Fails to compile when the verdict gains a state this table does not list.
const EVERY_STATE: [Exclude<VerdictState, (typeof VERDICT_STATES)[number]>] extends [never] ? true : false =
  true;

describe('nextAfter', () => {
  it('has rows for every verdict state', () => {
    expect(EVERY_STATE).toBe(true);
    expect([...new Set(NEXT_TABLE.map((row) => row[1]))].sort()).toEqual([...VERDICT_STATES].sort());
  });

  it.each(NEXT_TABLE)('%s', (_what, state, s, verdict, p, next) => {
    expect(verdict.state).toBe(state);
    expect(nextAfter(s, verdict, p, NOW)).toEqual(next);
  });
});

describe('unblocked', () => {
  const named = (name: string, phase: Step['phase'], after: string[] = [], ok?: boolean): Step => {
    const s = step(KUSTOMIZATION, 'requested', { metadata: { name, namespace: 'apps' } }, { phase });
    s.planned.after = after.map((a) => `Kustomization/apps/${a}`);
    if (ok !== undefined) s.result = { ok, outcome: ok ? 'ready' : 'failed' } as Step['result'];
    return s;
  };
  const keyed = (...steps: Step[]) => new Map(steps.map((s) => [s.planned.key, s]));
  const names = (found: ReturnType<typeof unblocked>) =>
    found.map(({ step: s, failedDependency }) => [s.planned.ref.name, failedDependency?.planned.ref.name]);

  it.each([
    ['a blocked step without dependencies starts', [named('a', 'blocked')], [['a', undefined]]],
    ['a step already started is not started again', [named('a', 'active'), named('b', 'requesting')], []],
    [
      'one whose dependency is done and ok starts',
      [named('a', 'done', [], true), named('b', 'blocked', ['a'])],
      [['b', undefined]],
    ],
    [
      'one whose dependency failed is handed back with it, to be skipped',
      [named('a', 'done', [], false), named('b', 'blocked', ['a'])],
      [['b', 'a']],
    ],
    ['one whose dependency is still running waits', [named('a', 'active'), named('b', 'blocked', ['a'])], []],
    [
      'one with two dependencies waits for both',
      [named('a', 'done', [], true), named('c', 'requesting'), named('b', 'blocked', ['a', 'c'])],
      [],
    ],
    [
      'a dependency outside the run does not hold it',
      [named('b', 'blocked', ['not-in-the-run'])],
      [['b', undefined]],
    ],
    [
      'only the next wave starts: a chain waits link by link',
      [named('a', 'done', [], true), named('b', 'blocked', ['a']), named('c', 'blocked', ['b'])],
      [['b', undefined]],
    ],
  ] as const)('%s', (_what, steps, expected) => {
    expect(names(unblocked(keyed(...steps)))).toEqual(expected);
  });
});

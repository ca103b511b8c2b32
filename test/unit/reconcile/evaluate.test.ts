// The verdict function on status payloads captured from the real controllers in the lab
// (test/fixtures/status, written by scripts/capture-fixtures). Each row: an object as a controller left it,
// what this run asked (token, expected revisions), and the verdict a person should get.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/flux/kinds.js';
import { revisionApplies } from '../../../src/flux/revision.js';
import type { FluxObject } from '../../../src/flux/types.js';
import { evaluate, readyBeforeRequest } from '../../../src/reconcile/evaluate.js';
import type { Verdict, VerdictState, Waiting } from '../../../src/reconcile/types.js';
import { describeWaiting } from '../../../src/reconcile/waiting.js';

function fixture(name: string): FluxObject {
  return JSON.parse(readFileSync(new URL(`../../fixtures/status/${name}.json`, import.meta.url), 'utf8'));
}

/** The token the object's controller handled last, as if this run had written it. */
const handledToken = (obj: FluxObject) => obj.status?.lastHandledReconcileAt;

/** The same object as if this run had just written a new request token the controller has not handled. */
function withHandled(obj: FluxObject, token = 'this-run'): FluxObject {
  return { ...obj, status: { ...obj.status, lastHandledReconcileAt: token } };
}

/** The object with its Reconciling condition moved to `seconds` after its Ready condition's transition. */
function reconcilingAfterReady(obj: FluxObject, seconds: number): FluxObject {
  const conditions = obj.status!.conditions!;
  const readyAt = Date.parse(conditions.find((c) => c.type === 'Ready')!.lastTransitionTime!);
  const moved = conditions.map((c) =>
    c.type === 'Reconciling'
      ? { ...c, lastTransitionTime: new Date(readyAt + seconds * 1000).toISOString() }
      : c,
  );
  return { ...obj, status: { ...obj.status, conditions: moved } };
}

/** What a waiting verdict waits for, as a person reads it; empty for any other verdict. */
function waitingWords(verdict: Verdict, kind = kindOf('Kustomization')): string {
  return verdict.state === 'waiting' ? describeWaiting(verdict.waiting, kind) : '';
}

/** What a waiting verdict waits for, as the run loop reads it. */
function waitingFor(verdict: Verdict): Waiting['for'] | undefined {
  return verdict.state === 'waiting' ? verdict.waiting.for : undefined;
}

// The commit the captured Kustomization applied (main@sha1:<sha>).
const KS_SHA = fixture('kustomization-reconcile-handled').status!.lastAppliedRevision!.split(':').pop()!;

interface Row {
  name: string;
  obj: FluxObject;
  token?: string;
  expected?: string[];
  failFast?: boolean;
  state: VerdictState;
  reason: string;
  message?: RegExp;
  waitingOn?: RegExp;
  waitingFor?: Waiting['for'];
}

const rows: Row[] = [
  {
    name: 'Kustomization handled our request, Ready at the pushed commit',
    obj: fixture('kustomization-reconcile-handled'),
    token: handledToken(fixture('kustomization-reconcile-handled')),
    expected: [KS_SHA.slice(0, 7), `main@sha1:${KS_SHA}`],
    state: 'ready',
    reason: 'ReconciliationSucceeded',
  },
  {
    name: 'Kustomization Ready, but our request is not handled yet',
    obj: fixture('kustomization-reconcile-handled'),
    token: 'a-newer-request',
    state: 'waiting',
    reason: 'ReconciliationSucceeded',
    waitingOn: /kustomize-controller to handle the reconcile request/,
  },
  {
    name: 'Kustomization Ready at an older commit than the one expected',
    obj: fixture('kustomization-before-request'),
    expected: [KS_SHA],
    state: 'waiting',
    reason: 'RevisionNotReached',
    waitingOn: new RegExp(`revision ${KS_SHA}`),
  },
  {
    name: 'Kustomization mid-reconcile (Ready=Unknown Progressing)',
    obj: fixture('kustomization-reconciling'),
    token: handledToken(fixture('kustomization-reconciling')),
    state: 'waiting',
    reason: 'Progressing',
    waitingFor: 'progress',
  },
  {
    name: 'Kustomization with an invalid YAML manifest: failed now, in the controller words',
    obj: withHandled(fixture('kustomization-failed-invalid-yaml')),
    token: 'this-run',
    state: 'failed',
    reason: 'BuildFailed',
    message: /failed to decode Kubernetes YAML/,
  },
  {
    name: 'Kustomization failing and retrying (ProgressingWithRetry): failed now',
    obj: withHandled(fixture('kustomization-failed-retrying')),
    token: 'this-run',
    state: 'failed',
    reason: 'BuildFailed',
  },
  {
    name: 'the same with fail-fast off: keep waiting for a retry',
    obj: withHandled(fixture('kustomization-failed-retrying')),
    token: 'this-run',
    failFast: false,
    state: 'waiting',
    reason: 'BuildFailed',
  },
  {
    name: 'Kustomization with a schema error',
    obj: withHandled(fixture('kustomization-failed-schema')),
    token: 'this-run',
    state: 'failed',
    reason: fixture('kustomization-failed-schema').status!.conditions!.find((c) => c.type === 'Ready')!
      .reason!,
  },
  {
    name: 'Kustomization waiting on a dependency: waiting, and on what',
    obj: withHandled(fixture('kustomization-dependency-not-ready')),
    token: 'this-run',
    state: 'waiting',
    reason: 'DependencyNotReady',
    waitingOn: /^dependency fixtures-\w+\/broken-yaml$/,
  },
  {
    name: 'Kustomization whose source does not exist',
    obj: withHandled(fixture('kustomization-source-not-found')),
    token: 'this-run',
    state: 'failed',
    reason: 'ArtifactFailed',
    message: /not found/,
  },
  {
    name: 'suspended Kustomization: suspended, with the fix',
    obj: fixture('kustomization-suspended'),
    state: 'suspended',
    reason: 'Suspended',
    message: /command: resume/,
  },
  {
    name: 'GitRepository handled our request and stored the commit',
    obj: fixture('gitrepository-reconcile-handled'),
    token: handledToken(fixture('gitrepository-reconcile-handled')),
    expected: [KS_SHA],
    state: 'ready',
    reason: 'Succeeded',
  },
  {
    name: 'GitRepository that cannot clone',
    obj: withHandled(fixture('gitrepository-failed-bad-url')),
    token: 'this-run',
    state: 'failed',
    reason: 'GitOperationFailed',
    message: /unable to clone/,
  },
  {
    name: 'GitRepository on a missing branch',
    obj: withHandled(fixture('gitrepository-failed-missing-branch')),
    token: 'this-run',
    state: 'failed',
    reason: 'GitOperationFailed',
  },
  {
    name: 'HelmRelease upgraded to the chart version its HelmChart built',
    obj: fixture('helmrelease-upgraded'),
    expected: [fixture('helmrelease-upgraded').status!.history![0]!.chartVersion!],
    state: 'ready',
    reason: 'UpgradeSucceeded',
  },
  {
    name: 'HelmRelease Ready: a git SHA says nothing about a chart from a Helm repository',
    obj: fixture('helmrelease-upgraded'),
    expected: [KS_SHA],
    state: 'ready',
    reason: 'UpgradeSucceeded',
  },
  {
    name: 'HelmRelease upgrade failed on a template error, Reconciling left behind: failed now',
    obj: withHandled(fixture('helmrelease-upgrade-failed')),
    token: 'this-run',
    state: 'failed',
    reason: 'UpgradeFailed',
    message: /values.missing is required/,
  },
  {
    name: 'HelmRelease install failed',
    obj: withHandled(fixture('helmrelease-install-failed')),
    token: 'this-run',
    state: 'failed',
    reason: 'InstallFailed',
  },
  {
    name: 'HelmRelease rolling back after a failed upgrade (a remediation started after the failure): wait for its end',
    obj: withHandled(reconcilingAfterReady(fixture('helmrelease-upgrade-failed-release'), 1)),
    token: 'this-run',
    state: 'waiting',
    reason: 'UpgradeFailed',
  },
  {
    name: 'HelmRelease failed in the same second its last action started: failed now',
    obj: withHandled(reconcilingAfterReady(fixture('helmrelease-upgrade-failed-release'), 0)),
    token: 'this-run',
    state: 'failed',
    reason: 'UpgradeFailed',
  },
  {
    name: 'HelmRelease out of retries (Stalled): failed, even with fail-fast off',
    obj: withHandled(fixture('helmrelease-retries-exhausted')),
    token: 'this-run',
    failFast: false,
    state: 'failed',
    reason: 'RetriesExceeded',
  },
  {
    name: 'HelmRelease waiting for its HelmChart',
    obj: withHandled(fixture('helmrelease-chart-not-ready')),
    token: 'this-run',
    state: 'waiting',
    reason: 'SourceNotReady',
  },
];

describe('evaluate (captured controller payloads)', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const kind = kindOf(row.obj.kind!);
    const verdict = evaluate({
      obj: row.obj,
      kind,
      token: row.token,
      expectedRevisions: row.expected ?? [],
      failFast: row.failFast ?? true,
    });
    expect(verdict.state).toBe(row.state);
    expect(verdict.reason).toBe(row.reason);
    if (row.message) expect(verdict.message).toMatch(row.message);
    if (row.waitingOn) expect(waitingWords(verdict, kind)).toMatch(row.waitingOn);
    if (row.waitingFor) expect(waitingFor(verdict)).toBe(row.waitingFor);
    expect(verdict.revision).toBe(kind.revision(row.obj));
  });

  it('waits, in a gate, while the last failure is of an older revision than the one expected', () => {
    const failedOld = fixture('kustomization-failed-retrying');
    const verdict = evaluate({
      obj: failedOld,
      kind: kindOf('Kustomization'),
      expectedRevisions: ['0123456789abcdef0123456789abcdef01234567'],
      failFast: true,
    });
    expect(verdict.state).toBe('waiting');
    expect(waitingFor(verdict)).toBe('attempt');
    expect(waitingWords(verdict)).toMatch(/the last attempt, .*, failed/);
  });

  it('judges a failure at the expected revision in a gate as failed', () => {
    const failed = fixture('kustomization-failed-retrying');
    const attempted = failed.status!.lastAttemptedRevision!;
    const verdict = evaluate({
      obj: failed,
      kind: kindOf('Kustomization'),
      expectedRevisions: [attempted.split(':').pop()!],
      failFast: true,
    });
    expect(verdict.state).toBe('failed');
  });

  it('waits for the controller to observe a new generation before calling Ready', () => {
    const obj = fixture('kustomization-reconcile-handled');
    const bumped = { ...obj, metadata: { ...obj.metadata, generation: (obj.metadata.generation ?? 1) + 1 } };
    const verdict = evaluate({
      obj: bumped,
      kind: kindOf('Kustomization'),
      expectedRevisions: [],
      failFast: true,
    });
    expect(verdict.state).toBe('waiting');
    expect(waitingFor(verdict)).toBe('generation');
    expect(waitingWords(verdict)).toMatch(/observe generation/);
  });
});

describe('revisionApplies', () => {
  it.each([
    [['main@sha1:abc1234def'], 'abc1234', true],
    [['6.0.3'], 'abc1234def', false],
    [['6.0.3+abc1234def12'], 'abc1234def', true],
    [['6.0.3'], '6.0.3', true],
    [['latest@sha256:0123456789abcdef'], 'sha256:0123456789abcdef', true],
  ])('%j with %s → %s', (candidates, expected, applies) => {
    expect(revisionApplies(candidates, expected)).toBe(applies);
  });
});

describe('OCI artifacts built from git', () => {
  it('match the commit they were built from, through the Kustomization origin revision', () => {
    const obj = fixture('kustomization-reconcile-handled');
    const sha = '89abcdef0123456789abcdef0123456789abcdef';
    const fromOci: FluxObject = {
      ...obj,
      status: {
        ...obj.status,
        lastAppliedRevision: `latest@sha256:${'d'.repeat(64)}`,
        lastAppliedOriginRevision: `main@sha1:${sha}`,
      },
    };
    const kind = kindOf('Kustomization');
    expect(evaluate({ obj: fromOci, kind, expectedRevisions: [sha.slice(0, 8)], failFast: true }).state).toBe(
      'ready',
    );
    expect(evaluate({ obj: fromOci, kind, expectedRevisions: ['0'.repeat(40)], failFast: true }).state).toBe(
      'waiting',
    );
  });
});

describe('an outcome at the expected revision before our request is handled', () => {
  const kind = kindOf('Kustomization');

  it('is Ready: a source change made the controller apply the commit first', () => {
    const obj = fixture('kustomization-reconcile-handled');
    const verdict = evaluate({
      obj,
      kind,
      token: 'not-handled-yet',
      expectedRevisions: [KS_SHA],
      failFast: true,
    });
    expect(verdict.state).toBe('ready');
  });

  it('is a failure when the controller already tried that revision and failed', () => {
    const obj = fixture('kustomization-failed-retrying');
    const attempted = obj.status!.lastAttemptedRevision!;
    const verdict = evaluate({
      obj,
      kind,
      token: 'not-handled-yet',
      expectedRevisions: [attempted],
      failFast: true,
    });
    expect(verdict.state).toBe('failed');
    expect(verdict.reason).toBe('BuildFailed');
  });

  it('says nothing when the state is of another revision: wait for our request', () => {
    const failed = fixture('kustomization-failed-retrying');
    const other = '0123456789abcdef0123456789abcdef01234567';
    expect(
      evaluate({ obj: failed, kind, token: 't', expectedRevisions: [other], failFast: true }).state,
    ).toBe('waiting');
    const ready = fixture('kustomization-reconcile-handled');
    const verdict = evaluate({ obj: ready, kind, token: 't', expectedRevisions: [other], failFast: true });
    expect(waitingFor(verdict)).toBe('request');
    expect(waitingWords(verdict)).toMatch(/to handle the reconcile request/);
  });

  it('says nothing without an expected revision', () => {
    const obj = fixture('kustomization-reconcile-handled');
    expect(evaluate({ obj, kind, token: 't', expectedRevisions: [], failFast: true }).state).toBe('waiting');
  });

  it('is not Ready when the spec changed since: a new generation the controller has not observed', () => {
    const obj = fixture('kustomization-reconcile-handled');
    const generation = (obj.metadata.generation ?? 1) + 1;
    const bumped = { ...obj, metadata: { ...obj.metadata, generation } };
    const verdict = evaluate({
      obj: bumped,
      kind,
      token: 'not-handled-yet',
      expectedRevisions: [KS_SHA],
      failFast: true,
    });
    expect(verdict.state).toBe('waiting');
    expect(waitingFor(verdict)).toBe('request');
  });
});

describe('the kind table decides what a verdict can be', () => {
  it('calls an object no controller reconciles static', () => {
    const obj: FluxObject = {
      kind: 'HelmRepository',
      metadata: { name: 'oci', namespace: 'ns' },
      spec: { type: 'oci' },
    };
    const verdict = evaluate({
      obj,
      kind: kindOf('HelmRepository'),
      token: 't',
      expectedRevisions: [],
      failFast: true,
    });
    expect(verdict.state).toBe('static');
  });

  it('records the revision a failed attempt was of', () => {
    const obj = withHandled(fixture('kustomization-failed-retrying'));
    const verdict = evaluate({
      obj,
      kind: kindOf('Kustomization'),
      token: 'this-run',
      expectedRevisions: [],
      failFast: true,
    });
    expect(verdict.state === 'failed' && verdict.attempted).toBe(obj.status!.lastAttemptedRevision);
  });
});

describe('readyBeforeRequest: nothing left for a request to ask', () => {
  const kind = kindOf('Kustomization');
  const ready = fixture('kustomization-ready');
  const at = (obj: FluxObject, expectedRevisions: string[]) =>
    readyBeforeRequest({ obj, kind, expectedRevisions, failFast: true });

  it('holds for a Ready object at the expected revision, with its spec observed', () => {
    expect(at(ready, [ready.status!.lastAppliedRevision!])).toBe(true);
  });

  it('does not hold without an expected revision, at another one, or behind its spec', () => {
    expect(at(ready, [])).toBe(false);
    expect(at(ready, [`main@sha1:${'e'.repeat(40)}`])).toBe(false);
    const newSpec = { ...ready, metadata: { ...ready.metadata, generation: 99 } };
    expect(at(newSpec, [ready.status!.lastAppliedRevision!])).toBe(false);
  });

  it('does not hold for a suspended object or one being deleted', () => {
    const revision = [ready.status!.lastAppliedRevision!];
    expect(at({ ...ready, spec: { ...ready.spec, suspend: true } }, revision)).toBe(false);
    const deleting = { ...ready, metadata: { ...ready.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } };
    expect(at(deleting, revision)).toBe(false);
  });
});

describe('a failure the run already holds is not waited out twice', () => {
  const kind = kindOf('Kustomization');
  // Captured: a request made while the first health check ran (Ready=Unknown Progressing), then that check
  // failing before the controller took the request (Ready=False HealthCheckFailed, lastHandledReconcileAt
  // still empty: the controller reads the request only when it starts its next attempt).
  const atRequest = fixture('kustomization-health-check-running-at-request');
  const failed = fixture('kustomization-health-check-failed-before-request');
  const token = failed.metadata.annotations!['reconcile.fluxcd.io/requestedAt'];
  const attempted = failed.status!.lastAttemptedRevision!;
  const ready = (obj: FluxObject) => obj.status!.conditions!.find((c) => c.type === 'Ready')!;
  const readyAtRequest = ready(atRequest);
  const judge = (extra: Partial<Parameters<typeof evaluate>[0]> = {}) =>
    evaluate({ obj: failed, kind, token, expectedRevisions: [], failFast: true, ...extra });

  it('with no revision, asks for the source current artifact first', () => {
    const verdict = judge({ readyAtRequest });
    expect(verdict.state).toBe('waiting');
    expect(verdict.state === 'waiting' && verdict.waiting).toEqual({
      for: 'request',
      failedAttempt: attempted,
    });
  });

  it('takes the failure when it is of the source current artifact, saying it came from the running attempt', () => {
    const verdict = judge({ readyAtRequest, sourceRevision: attempted });
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'HealthCheckFailed',
      earlierAttempt: 'running',
    });
    expect(verdict.message).toMatch(
      /^health check failed after [\d.]+s: timeout waiting for: \[Deployment\/\S+\/slow status: 'InProgress'\]$/,
    );
  });

  it('waits for the request when the source has moved on, or cannot be read', () => {
    const newer = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
    for (const sourceRevision of [newer, null]) {
      const verdict = judge({ readyAtRequest, sourceRevision });
      expect(verdict.state === 'waiting' && verdict.waiting).toEqual({ for: 'request' });
    }
  });

  it('with no revision, leaves a failure already recorded at the request to the request (it may be mended now)', () => {
    const verdict = judge({ readyAtRequest: ready(failed), sourceRevision: attempted });
    expect(verdict.state === 'waiting' && verdict.waiting).toEqual({ for: 'request' });
  });

  it('at the expected revision, takes it whether running or recorded then', () => {
    const expectedRevisions = [attempted.split(':').pop()!.slice(0, 7)];
    expect(judge({ readyAtRequest, expectedRevisions })).toMatchObject({
      state: 'failed',
      earlierAttempt: 'running',
    });
    expect(judge({ readyAtRequest: ready(failed), expectedRevisions })).toMatchObject({
      state: 'failed',
      earlierAttempt: 'recorded',
    });
  });

  it('not when the spec changed since that attempt (a new generation)', () => {
    const obj = { ...failed, metadata: { ...failed.metadata, generation: 2 } };
    const verdict = evaluate({
      obj,
      kind,
      token,
      expectedRevisions: [],
      failFast: true,
      readyAtRequest,
      sourceRevision: attempted,
    });
    expect(verdict.state === 'waiting' && verdict.waiting).toEqual({ for: 'request' });
  });

  it('while the check runs, it waits for the request', () => {
    const verdict = evaluate({
      obj: atRequest,
      kind,
      token,
      expectedRevisions: [],
      failFast: true,
      readyAtRequest,
    });
    expect(verdict.state === 'waiting' && verdict.waiting).toEqual({ for: 'request' });
  });

  it('not with fail-fast off, nor when the request itself is the point (force, reset)', () => {
    expect(judge({ readyAtRequest, sourceRevision: attempted, failFast: false }).state).toBe('waiting');
    expect(judge({ readyAtRequest, sourceRevision: attempted, mustHandleRequest: true }).state).toBe(
      'waiting',
    );
  });
});

describe('a health check canceled for a newer revision (Flux 2.7+)', () => {
  // Captured with kustomize-controller's CancelHealthCheckOnNewRevision gate on: a new commit arrived while
  // the check of the previous one ran.
  const canceled = fixture('kustomization-health-check-canceled');
  const kind = kindOf('Kustomization');

  it('is superseded, naming what canceled it, whether or not our request was handled', () => {
    for (const token of [undefined, 'not-handled', canceled.status?.lastHandledReconcileAt]) {
      const verdict = evaluate({ obj: canceled, kind, token, expectedRevisions: [], failFast: true });
      expect(verdict.state).toBe('waiting');
      expect(verdict.state === 'waiting' && verdict.waiting).toEqual({
        for: 'superseded',
        canceled: canceled.status!.lastAttemptedRevision,
        trigger: `GitRepository/${canceled.metadata.namespace}/fixtures`,
        since: canceled.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime,
      });
      expect(waitingWords(verdict)).toBe(
        `the next attempt: kustomize-controller canceled the health check of ${canceled.status!.lastAttemptedRevision} for newer input from GitRepository/${canceled.metadata.namespace}/fixtures (superseded)`,
      );
    }
  });
});

// The run loop on the states a busy kustomize-controller leaves, from payloads captured in the lab: a failure
// the run already holds is taken once (not waited out a second time), and a health check canceled for a newer
// revision is judged like a newer commit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FluxObject } from '../../../src/flux/types.js';
import type { CommitRelation } from '../../../src/git/relate.js';
import { buildPlan } from '../../../src/reconcile/plan.js';
import { type RunOptions, runPlan } from '../../../src/reconcile/run.js';
import { viewOf } from '../../../src/report/view.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

function fixture(name: string): FluxObject {
  return JSON.parse(readFileSync(new URL(`../../fixtures/status/${name}.json`, import.meta.url), 'utf8'));
}

// Captured: `wait: true` on a Deployment no node can run; a request made while its first check ran, then
// that check failed before the controller took the request. And, with the CancelHealthCheckOnNewRevision
// gate on, a check canceled for a new commit.
const RUNNING = fixture('kustomization-health-check-running-at-request');
const FAILED = fixture('kustomization-health-check-failed-before-request');
const CANCELED = fixture('kustomization-health-check-canceled');
const NS = FAILED.metadata.namespace!;
const ATTEMPTED = FAILED.status!.lastAttemptedRevision!;

const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  command: 'reconcile',
  revision: '',
  timeoutMs: 60_000,
  failFastGraceMs: 0,
  follow: false,
  force: false,
  reset: false,
  ...extra,
});

/** The Kustomization mid health check (as captured), and its GitRepository at `artifact`. */
function busyCluster(artifact: string): FakeCluster {
  const c = new FakeCluster();
  c.add('GitRepository', {
    metadata: { name: 'fixtures', namespace: NS },
    spec: { url: 'https://git.example/fleet.git' },
    status: { artifact: { revision: artifact } },
  });
  const { annotations: _request, ...metadata } = RUNNING.metadata;
  c.add('Kustomization', { ...structuredClone(RUNNING), metadata });
  return c;
}

/** The controller ends the check it was running: the captured failure, our token not handled. */
function endCheck(c: FakeCluster, status: FluxObject['status'] = FAILED.status): void {
  c.update('Kustomization', NS, FAILED.metadata.name, (o) => {
    o.status = structuredClone(status);
  });
}

async function runDeadline(c: FakeCluster, extra: Partial<RunOptions> = {}) {
  const plan = await buildPlan(c, {
    selectors: [{ kind: 'Kustomization', namespace: NS, name: FAILED.metadata.name }],
    all: false,
    namespace: NS,
    labelSelector: '',
    withSource: false,
  });
  return runPlan(c, plan, options(extra));
}

describe('a failure the run already holds', () => {
  it('is taken from the attempt running when the request was made, once the source says it is current', async () => {
    const c = busyCluster(ATTEMPTED);
    // Busy: the controller takes no request until its check ends (a second check would take its timeout again).
    c.controllers.set('Kustomization', () => setTimeout(() => endCheck(c), 20));
    const result = await runDeadline(c);
    expect(result.results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'HealthCheckFailed',
      earlierAttempt: 'running',
    });
    // One request; the failure came before the controller took it.
    expect(c.patches).toHaveLength(1);
    // The report says where the failure came from.
    expect(viewOf(result.results[0]!).message).toContain(
      'This failure came from the attempt already running when the request was made',
    );
  });

  it('is taken though the controller starts the attempt for our request before the source is read', async () => {
    const c = busyCluster(ATTEMPTED);
    // As captured: the failure, and at once the next attempt (Ready=Unknown again), in one go.
    c.controllers.set('Kustomization', () =>
      setTimeout(() => {
        endCheck(c);
        endCheck(c, RUNNING.status);
      }, 20),
    );
    const result = await runDeadline(c);
    expect(result.results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'HealthCheckFailed',
      earlierAttempt: 'running',
    });
  });

  it('is not taken when the source has a newer artifact: the request is waited for', async () => {
    const c = busyCluster(`main@sha1:${'b'.repeat(40)}`);
    c.controllers.set('Kustomization', () => setTimeout(() => endCheck(c), 20));
    const result = await runDeadline(c, { timeoutMs: 500 });
    expect(result.results[0]).toMatchObject({ outcome: 'timed-out', waitingFor: { for: 'request' } });
  });

  it('is not taken when it was already there at the request: the request may mend it', async () => {
    const c = busyCluster(ATTEMPTED);
    endCheck(c);
    const result = await runDeadline(c, { timeoutMs: 500 });
    expect(result.results[0]).toMatchObject({ outcome: 'timed-out' });
    expect(result.results[0]!.message).toContain('The request was never handled by kustomize-controller.');
  });
});

describe('a health check canceled for a newer revision (HealthCheckCanceled)', () => {
  const EXPECTED = 'a'.repeat(40);
  const NEWER = `main@sha1:${'c'.repeat(40)}`;
  // The captured cancellation, as if it had been of the expected commit.
  const canceled = (): FluxObject['status'] => ({
    ...structuredClone(CANCELED.status),
    lastAttemptedRevision: `main@sha1:${EXPECTED}`,
  });

  async function runWith(relation: CommitRelation) {
    const c = busyCluster(NEWER);
    expect(CANCELED.metadata.namespace).toBe(NS);
    const asked: string[] = [];
    const notes: string[] = [];
    c.controllers.set('Kustomization', () => setTimeout(() => endCheck(c, canceled()), 20));
    const result = await runDeadline(c, {
      revision: EXPECTED,
      timeoutMs: 2_000,
      relate: async (origin, expected) => {
        asked.push(`${origin.revision} ${expected}`);
        return relation;
      },
      hooks: { note: (text) => notes.push(text) },
    });
    return { result: result.results[0]!, asked, notes };
  }

  it('fails when what superseded it does not contain the expected commit', async () => {
    const { result, asked, notes } = await runWith({ relation: 'diverged', via: 'workspace' });
    expect(asked).toEqual([`${NEWER} ${EXPECTED}`]);
    expect(notes.join('\n')).toContain(`health check canceled, superseded by ${NEWER}`);
    expect(result).toMatchObject({ outcome: 'failed', reason: 'Superseded' });
    expect(result.message).toContain(`canceled the health check of main@sha1:${EXPECTED}`);
    expect(result.message).toContain(`superseded by ${NEWER}`);
    expect(result.message).toContain('history was rewritten');
  });

  it('carries on when it contains the expected commit', async () => {
    const { result } = await runWith({ relation: 'contains', via: 'workspace' });
    // Nothing more happens in this cluster: the run waits for the next attempt until its deadline.
    expect(result).toMatchObject({ outcome: 'timed-out', revisionNote: expect.stringContaining('contains') });
    expect(result.waitedOn).toBe(`superseded by ${NEWER}`);
  });
});

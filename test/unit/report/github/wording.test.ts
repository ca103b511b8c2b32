// What the Deployment and the commit status say: GitHub's state for each ending, and one line of text
// within GitHub's 140 characters whatever the cluster says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KUSTOMIZATION } from '../../../../src/flux/kinds.js';
import type { FluxResult, ObjectResult, RunResult } from '../../../../src/reconcile/types.js';
import {
  deploymentDescription,
  resultDescription as describeWithViews,
  finalState,
  MAX_DESCRIPTION_CHARS,
  startDescription,
  stoppedDescription,
} from '../../../../src/report/github/wording.js';
import { viewOf } from '../../../../src/report/view.js';
import { FIRST_COMMIT, PUSHED_COMMIT, short } from '../../../fixtures/report/captured.js';
import { SCENARIOS } from '../../../fixtures/report/scenarios.js';

function result(over: Partial<FluxResult>): FluxResult {
  return {
    kind: 'Kustomization',
    fluxKind: KUSTOMIZATION,
    namespace: 'flux-system',
    name: 'apps',
    outcome: 'ready',
    ok: true,
    role: 'requested',
    durationMs: 1000,
    reason: 'ReconciliationSucceeded',
    message: '',
    ...over,
  };
}

function runOf(results: ObjectResult[], expectedRevision?: string): RunResult {
  return {
    command: 'reconcile',
    ready: results.every((r) => r.ok),
    results,
    durationMs: 5000,
    expectedRevision,
  };
}

const chars = (text: string) => Array.from(text).length;
const resultDescription = (run: RunResult) => describeWithViews(run, run.results.map(viewOf));

describe('finalState', () => {
  it('is success, failure, or error when only the clock stopped the run', () => {
    expect(finalState(SCENARIOS.success!().run)).toBe('success');
    expect(finalState(SCENARIOS['kustomization-build-failed']!().run)).toBe('failure');
    expect(finalState(SCENARIOS['dependency-blocked']!().run)).toBe('failure');
    expect(finalState(SCENARIOS.timeout!().run)).toBe('error');
  });

  it('is failure when one failed and another timed out', () => {
    const run = runOf([
      result({ outcome: 'failed', ok: false }),
      result({ name: 'b', outcome: 'timed-out', ok: false }),
    ]);
    expect(finalState(run)).toBe('failure');
  });
});

describe('resultDescription', () => {
  it('counts the Ready objects and names the commit', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => result({ name: `app-${i}` }));
    expect(resultDescription(runOf(twelve, `main@sha1:${PUSHED_COMMIT}`))).toBe(
      `12/12 Ready at ${short(PUSHED_COMMIT)}`,
    );
    expect(resultDescription(runOf(twelve))).toBe('12/12 Ready');
    expect(resultDescription(runOf(twelve, 'v1.2.3'))).toBe('12/12 Ready at v1.2.3');
  });

  it('names the failed object and its reason', () => {
    const run = runOf([
      result({ name: 'infra' }),
      result({ outcome: 'failed', ok: false, reason: 'BuildFailed' }),
    ]);
    expect(resultDescription(run)).toBe('1 failed: Kustomization flux-system/apps BuildFailed');
  });

  it('says what a mix of endings is, problems first', () => {
    const run = runOf([
      result({ name: 'slow', outcome: 'timed-out', ok: false, reason: 'Progressing' }),
      result({ name: 'broken', outcome: 'failed', ok: false, reason: 'HealthCheckFailed' }),
    ]);
    expect(resultDescription(run)).toBe(
      '2 not Ready: Kustomization flux-system/broken HealthCheckFailed, Kustomization flux-system/slow Progressing',
    );
  });

  it('counts the names that do not fit', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      result({ name: `application-${i}`, outcome: 'failed', ok: false, reason: 'ReconciliationFailed' }),
    );
    const text = resultDescription(runOf(many, FIRST_COMMIT));
    expect(text).toMatch(
      /^40 failed: Kustomization flux-system\/application-0 ReconciliationFailed(, .*)? and 39 more$/,
    );
    expect(chars(text)).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
  });

  it('stays one line within 140 characters whatever the cluster says', () => {
    const text = fc.string({ unit: 'binary', maxLength: 400, size: 'max' });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 20 }), (failures) => {
        const run = runOf(
          failures.map(([name, reason], i) =>
            result({ name: `${i}${name}`, outcome: 'failed', ok: false, reason }),
          ),
        );
        const description = resultDescription(run);
        expect(chars(description)).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
        expect(description).not.toMatch(/[\n\r]/);
        expect(description).toMatch(/^\d+ failed: /);
      }),
    );
  });
});

describe('start and deployment descriptions', () => {
  const refs = [
    { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
    { kind: 'GitRepository', namespace: 'flux-system', name: 'fleet' },
  ];

  it('say what is done on which cluster', () => {
    expect(startDescription('reconcile', refs, 'api.example.com:6443')).toBe(
      'Reconciling 2 objects on api.example.com:6443',
    );
    expect(startDescription('wait', refs.slice(0, 1), 'api.example.com')).toBe(
      'Waiting for Kustomization flux-system/apps to be Ready on api.example.com',
    );
    expect(deploymentDescription('reconcile', refs, 'api.example.com')).toBe(
      'Flux reconcile on api.example.com: Kustomization flux-system/apps, GitRepository flux-system/fleet',
    );
  });

  it('keep a long list within 140 characters with a count of the rest', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      kind: 'HelmRelease',
      namespace: 'shop',
      name: `svc-${i}`,
    }));
    const text = deploymentDescription('reconcile', many, 'api.example.com');
    expect(text).toMatch(/^Flux reconcile on api\.example\.com: HelmRelease shop\/svc-0, .* and \d+ more$/);
    expect(chars(text)).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
  });

  it('cut one name too long to fit', () => {
    const long = [{ kind: 'Kustomization', namespace: 'flux-system', name: 'x'.repeat(250) }, refs[0]!];
    const text = deploymentDescription('reconcile', long, 'h');
    expect(chars(text)).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
    expect(text).toMatch(/x… and 1 more$/);
  });

  it('give a stopped run its error on one line', () => {
    expect(stoppedDescription('PlanError:\nKustomization flux-system/apps not found')).toBe(
      'Stopped: PlanError: Kustomization flux-system/apps not found',
    );
  });
});

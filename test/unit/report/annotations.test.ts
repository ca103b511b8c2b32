import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Annotation,
  annotationsFor,
  emitAnnotations,
  MAX_ANNOTATIONS_PER_LEVEL,
} from '../../../src/report/annotations.js';
import {
  conditionOf,
  FIRST_COMMIT,
  HELM_NAMESPACE as HELM,
  KS_NAMESPACE as KS,
  PUSHED_COMMIT,
  short,
} from '../../fixtures/report/captured.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';
import stalled from '../../fixtures/status/helmrelease-retries-exhausted.json' with { type: 'json' };
import brokenYaml from '../../fixtures/status/kustomization-failed-invalid-yaml.json' with { type: 'json' };

const brief = (a: Annotation[]) => a.map(({ level, title }) => `${level} ${title}`);

describe('annotationsFor', () => {
  it('says nothing when everything is Ready', () => {
    expect(annotationsFor(SCENARIOS.success!().run)).toEqual([]);
  });

  it('one error per failed object, titled Kind namespace/name, in the controller’s words', () => {
    const annotations = annotationsFor(SCENARIOS['kustomization-build-failed']!().run);
    expect(conditionOf(brokenYaml, 'Ready').message).toMatch(/^failed to decode Kubernetes YAML from /);
    expect(annotations).toEqual([
      {
        level: 'error',
        title: `Kustomization ${KS}/broken-yaml`,
        message: `BuildFailed: ${conditionOf(brokenYaml, 'Ready').message}`,
      },
    ]);
  });

  it('a failure at the expected revision is not also a revision warning', () => {
    // broken-yaml attempted the expected commit and failed there: the error is the whole story.
    const annotations = annotationsFor(SCENARIOS['kustomization-build-failed']!().run);
    expect(annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('a stalled HelmRelease shows the Helm error first, then the rollback and the stall', () => {
    const [error] = annotationsFor(SCENARIOS['helm-upgrade-failed']!().run);
    expect(error!.title).toBe(`HelmRelease ${HELM}/app`);
    expect(conditionOf(stalled, 'Ready').message).toMatch(/^Helm rollback to previous release .* succeeded$/);
    expect(error!.message.split('\n')).toEqual([
      expect.stringMatching(
        /^RetriesExceeded: UpgradeFailed: Helm upgrade failed .*ConfigMap "app_Not_A_Valid_Name" is invalid/,
      ),
      `RollbackSucceeded: ${conditionOf(stalled, 'Ready').message}`,
      'Failed to upgrade after 2 attempt(s)',
    ]);
  });

  it('a blocked child is a warning that names the parent; the parent is the error', () => {
    const annotations = annotationsFor(SCENARIOS['dependency-blocked']!().run);
    expect(brief(annotations)).toEqual([
      `error Kustomization ${KS}/broken-yaml`,
      `warning Kustomization ${KS}/dependent`,
    ]);
    expect(annotations[1]!.message).toBe(
      `Skipped: nothing was asked of it. DependencyFailed: not requested: Kustomization ${KS}/broken-yaml did not become Ready (failed)`,
    );
  });

  it('timeouts are errors; an expected revision never attempted is also a warning', () => {
    const annotations = annotationsFor(SCENARIOS.timeout!().run);
    expect(brief(annotations)).toEqual([
      `error Kustomization ${KS}/ready`,
      `error Kustomization ${KS}/broken-schema`,
      // ready is working on the pushed commit (its last attempt); broken-schema never tried it.
      `warning Kustomization ${KS}/broken-schema: revision ${short(PUSHED_COMMIT)}`,
    ]);
    expect(annotations[1]!.message).toContain(
      `Waited on: revision ${PUSHED_COMMIT} (the last attempt, main@sha1:${FIRST_COMMIT}, failed)`,
    );
    expect(annotations[2]!.message).toBe(
      `Revision ${PUSHED_COMMIT} was not reached: the object has applied no revision yet (last attempted main@sha1:${FIRST_COMMIT}). ` +
        'A newer commit may have superseded it, or its source does not point at it (check the branch, tag or ref).',
    );
  });

  it('no revision warning for a HelmRelease judged against a git SHA (it does not apply)', () => {
    const { run } = SCENARIOS['helm-upgrade-failed']!();
    for (const r of run.results) {
      r.expectedRevision = PUSHED_COMMIT;
      // The release digest (history[].digest) is the checksum of Helm's release record, not a source revision;
      // the kinds table still offers it as a revision candidate, which makes any SHA look applicable.
      for (const snapshot of r.last?.status?.history ?? []) delete snapshot.digest;
    }
    expect(annotationsFor(run).filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('suspended objects are warnings, except when suspending was the point', () => {
    const { run } = SCENARIOS.success!();
    const ready = run.results[1]!;
    Object.assign(ready, { outcome: 'suspended', ok: false, reason: 'Suspended', message: 'suspended' });
    expect(brief(annotationsFor(run))).toEqual([`warning Kustomization ${KS}/ready`]);
    run.command = 'suspend';
    for (const r of run.results) Object.assign(r, { outcome: 'suspended', ok: true });
    expect(annotationsFor(run)).toEqual([]);
  });

  it('stays within GitHub’s 10 per level, naming the rest in the last one', () => {
    const { run } = SCENARIOS['kustomization-build-failed']!();
    const template = run.results[2]!;
    run.results = Array.from({ length: 25 }, (_, i) => ({ ...template, name: `app-${i}` }));
    const errors = annotationsFor(run).filter((a) => a.level === 'error');
    expect(errors).toHaveLength(MAX_ANNOTATIONS_PER_LEVEL);
    expect(errors[9]!.title).toBe('16 more objects');
    expect(errors[9]!.message).toContain(`Kustomization ${KS}/app-9`);
    expect(errors[9]!.message).toContain(`Kustomization ${KS}/app-24`);
  });
});

describe('emitAnnotations', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints workflow commands with the title and an escaped multi-line message', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    emitAnnotations(SCENARIOS['dependency-blocked']!().run);
    const printed = lines.join('');
    expect(printed).toContain(
      `::error title=Kustomization ${KS}/broken-yaml::BuildFailed: failed to decode Kubernetes YAML`,
    );
    expect(printed).toContain(`::warning title=Kustomization ${KS}/dependent::Skipped`);
  });
});

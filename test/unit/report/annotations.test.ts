import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Annotation,
  annotationsFor,
  emitAnnotations,
  MAX_ANNOTATIONS_PER_LEVEL,
} from '../../../src/report/annotations.js';
import { NEXT_COMMIT, SCENARIOS } from '../../fixtures/report/scenarios.js';

const brief = (a: Annotation[]) => a.map(({ level, title }) => `${level} ${title}`);

describe('annotationsFor', () => {
  it('says nothing when everything is Ready', () => {
    expect(annotationsFor(SCENARIOS.success!().run)).toEqual([]);
  });

  it('one error per failed object, titled Kind namespace/name, in the controller’s words', () => {
    const annotations = annotationsFor(SCENARIOS['kustomization-build-failed']!().run);
    expect(brief(annotations)).toEqual(['error Kustomization flux-system/apps']);
    expect(annotations[0]!.message).toMatch(/^BuildFailed: kustomize build failed: accumulating resources/);
    expect(annotations[0]!.message).toContain('lstat /tmp/kustomization-2871449261/apps/podinfo.yaml');
  });

  it('a failure at the expected revision is not also a revision warning', () => {
    // apps attempted the expected commit and failed there: the error is the whole story.
    const annotations = annotationsFor(SCENARIOS['kustomization-build-failed']!().run);
    expect(annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('a Helm failure shows the Helm error, not only the stall', () => {
    const [error] = annotationsFor(SCENARIOS['helm-upgrade-failed']!().run);
    expect(error!.title).toBe('HelmRelease podinfo/podinfo');
    expect(error!.message).toMatch(/^RetriesExceeded: UpgradeFailed: Helm upgrade failed/);
    expect(error!.message).toContain('ConfigMap "podinfo-settings" is invalid');
  });

  it('a blocked child is a warning that names the parent; the parent is the error', () => {
    const annotations = annotationsFor(SCENARIOS['dependency-blocked']!().run);
    expect(brief(annotations)).toEqual([
      'error Kustomization flux-system/infra',
      'warning Kustomization flux-system/apps',
    ]);
    expect(annotations[1]!.message).toBe(
      'Skipped: nothing was asked of it. DependencyFailed: not requested: Kustomization flux-system/infra did not become Ready (failed)',
    );
  });

  it('timeouts are errors, and an expected revision never attempted is a warning', () => {
    const annotations = annotationsFor(SCENARIOS.timeout!().run);
    expect(brief(annotations)).toEqual([
      'error GitRepository flux-system/flux-system',
      'error Kustomization flux-system/apps',
      'warning GitRepository flux-system/flux-system: revision edee9402',
      'warning Kustomization flux-system/apps: revision edee9402',
    ]);
    expect(annotations[0]!.message).toContain(`Waited on: revision ${NEXT_COMMIT}`);
    expect(annotations[3]!.message).toMatch(
      new RegExp(
        `^Revision ${NEXT_COMMIT} was not reached: the object is at main@sha1:c00dbbc9\\w+ \\(last attempted main@sha1:c2a6b03f\\w+\\)`,
      ),
    );
  });

  it('no revision warning for a HelmRelease judged against a git SHA (it does not apply)', () => {
    const { run } = SCENARIOS['helm-upgrade-failed']!();
    for (const r of run.results) {
      r.expectedRevision = NEXT_COMMIT;
      // The release digest (history[].digest) is the checksum of Helm's release record, not a source revision;
      // the kinds table still offers it as a revision candidate, which makes any SHA look applicable.
      for (const snapshot of r.last?.status?.history ?? []) delete snapshot.digest;
    }
    expect(annotationsFor(run).filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('suspended objects are warnings, except when suspending was the point', () => {
    const { run } = SCENARIOS.success!();
    const apps = run.results[2]!;
    Object.assign(apps, { outcome: 'suspended', ok: false, reason: 'Suspended', message: 'suspended' });
    expect(brief(annotationsFor(run))).toEqual(['warning Kustomization flux-system/apps']);
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
    expect(errors[9]!.message).toContain('Kustomization flux-system/app-9');
    expect(errors[9]!.message).toContain('Kustomization flux-system/app-24');
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
      '::error title=Kustomization flux-system/infra::HealthCheckFailed: timeout waiting for',
    );
    expect(printed).toContain('::warning title=Kustomization flux-system/apps::Skipped');
  });
});

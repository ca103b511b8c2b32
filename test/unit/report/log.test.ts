import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/flux/kinds.js';
import { heartbeatLine, requestedLine, verdictLine } from '../../../src/report/log.js';
import { viewOf } from '../../../src/report/view.js';
import {
  HELM_NAMESPACE as HELM,
  KS_NAMESPACE as KS,
  PUSHED_COMMIT,
  short,
} from '../../fixtures/report/captured.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';

const apps = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };
const KS_KIND = kindOf('Kustomization');
const commit = 'c2a6b03f190dfb2b4aa91f8af8d477a9bc3401dc';

describe('live log lines', () => {
  it('requestedLine says what was asked of which object, with its revision before', () => {
    expect(requestedLine(apps, 'reconcile', `main@sha1:${commit}`)).toBe(
      '► Kustomization flux-system/apps: reconcile requested (now at main@sha1:c2a6b03f)',
    );
    expect(requestedLine(apps, 'watch')).toBe(
      '► Kustomization flux-system/apps: watching (nothing requested)',
    );
    expect(requestedLine(apps, 'suspend')).toBe('► Kustomization flux-system/apps: suspend requested');
    expect(requestedLine(apps, 'resume')).toBe(
      '► Kustomization flux-system/apps: resume and reconcile requested',
    );
    expect(requestedLine(apps, 'ask-again')).toBe(
      '► Kustomization flux-system/apps: reconcile requested again (revision not fetched yet)',
    );
  });

  it('verdictLine for Ready gives duration and short revision, and no repeated message', () => {
    const ready = SCENARIOS.success!().run.results[1]!;
    expect(verdictLine(viewOf(ready))).toBe(
      `✔ Kustomization ${KS}/ready: Ready after 2.9s at main@sha1:${short(PUSHED_COMMIT)}`,
    );
  });

  it('verdictLine for a failure keeps the whole controller message on one line', () => {
    const stalled = SCENARIOS['helm-upgrade-failed']!().run.results[0]!;
    const line = verdictLine(viewOf(stalled));
    const start = `✗ HelmRelease ${HELM}/app: Failed after 22s at 1.1.0 — RetriesExceeded: UpgradeFailed: Helm upgrade failed`;
    expect(line.slice(0, start.length)).toBe(start);
    expect(line).toMatch(
      /must start and end with an alphanumeric character .* RollbackSucceeded: .* Failed to upgrade after 2 attempt\(s\)$/,
    );
    expect(line).not.toContain('\n');
  });

  it('verdictLine for a skipped object says what it waited on', () => {
    const skipped = SCENARIOS['dependency-blocked']!().run.results[2]!;
    expect(verdictLine(viewOf(skipped))).toBe(
      `◎ Kustomization ${KS}/dependent: Skipped — DependencyFailed: not requested: Kustomization ${KS}/broken-yaml did not become Ready (failed) (waited on Kustomization ${KS}/broken-yaml)`,
    );
  });

  it('heartbeatLine gives elapsed time, reason, message and what it waits on, in one short line', () => {
    const line = heartbeatLine(
      apps,
      KS_KIND,
      {
        state: 'waiting',
        waiting: { for: 'dependency', dependency: 'flux-system/infra' },
        reason: 'DependencyNotReady',
        message: "dependency 'flux-system/infra' is not ready",
        revision: `main@sha1:${commit}`,
      },
      45_200,
    );
    expect(line).toBe(
      "◎ Kustomization flux-system/apps: waiting 45s at main@sha1:c2a6b03f — DependencyNotReady: dependency 'flux-system/infra' is not ready (waits on dependency flux-system/infra)",
    );
    expect(heartbeatLine(apps, KS_KIND, undefined, 3000)).toBe(
      '◎ Kustomization flux-system/apps: waiting 3s — no status seen yet',
    );
    const long = heartbeatLine(
      apps,
      KS_KIND,
      { state: 'waiting', waiting: { for: 'progress' }, reason: 'Progressing', message: 'y\n'.repeat(500) },
      1000,
    );
    expect(long.length).toBeLessThan(320);
    expect(long).not.toContain('\n');
  });

  it('never prints URL credentials a controller message may quote', () => {
    const failed = SCENARIOS['kustomization-build-failed']!().run.results[2]!;
    failed.message = 'Get "https://deploy:ghp_s3cr3tT0ken@git.example.com/fleet.git/info/refs": 401';
    expect(verdictLine(viewOf(failed))).toContain('https://***@git.example.com/fleet.git');
    expect(verdictLine(viewOf(failed))).not.toContain('ghp_s3cr3tT0ken');
  });
});

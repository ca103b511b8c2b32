import { describe, expect, it } from 'vitest';
import { heartbeatLine, requestedLine, verdictLine } from '../../../src/report/log.js';
import { OLD_COMMIT, SCENARIOS } from '../../fixtures/report/scenarios.js';

const apps = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };

describe('live log lines', () => {
  it('requestedLine says what was asked of which object, with its revision before', () => {
    expect(requestedLine(apps, 'reconcile', `main@sha1:${OLD_COMMIT}`)).toBe(
      '► Kustomization flux-system/apps: reconcile requested (now at main@sha1:c00dbbc9)',
    );
    expect(requestedLine(apps, 'wait')).toBe(
      '► Kustomization flux-system/apps: watching (nothing requested)',
    );
    expect(requestedLine(apps, 'suspend')).toBe('► Kustomization flux-system/apps: suspend requested');
    expect(requestedLine(apps, 'resume and reconcile')).toBe(
      '► Kustomization flux-system/apps: resume and reconcile requested',
    );
  });

  it('verdictLine for Ready gives duration and short revision, and no repeated message', () => {
    const infra = SCENARIOS.success!().run.results[1]!;
    expect(verdictLine(infra)).toBe(
      '✔ Kustomization flux-system/infra: Ready after 6.4s at main@sha1:c2a6b03f',
    );
  });

  it('verdictLine for a failure keeps the whole controller message on one line', () => {
    const failed = SCENARIOS['kustomization-build-failed']!().run.results[2]!;
    const line = verdictLine(failed);
    expect(line).toMatch(
      /^✗ Kustomization flux-system\/apps: Failed after 4\.1s at main@sha1:c00dbbc9 — BuildFailed: kustomize build failed/,
    );
    expect(line).toContain(
      'lstat /tmp/kustomization-2871449261/apps/podinfo.yaml: no such file or directory',
    );
    expect(line).not.toContain('\n');
  });

  it('verdictLine for a skipped object says what it waited on', () => {
    const skipped = SCENARIOS['dependency-blocked']!().run.results[2]!;
    expect(verdictLine(skipped)).toMatch(
      /^◎ Kustomization flux-system\/apps: Skipped at main@sha1:c00dbbc9 — DependencyFailed: not requested: .*\(waited on Kustomization flux-system\/infra\)$/,
    );
  });

  it('heartbeatLine gives elapsed time, reason, message and what it waits on, in one short line', () => {
    const line = heartbeatLine(
      apps,
      {
        state: 'pending',
        reason: 'DependencyNotReady',
        message: "dependency 'flux-system/infra' is not ready",
        revision: `main@sha1:${OLD_COMMIT}`,
        waitingOn: 'dependency flux-system/infra',
      },
      45_200,
    );
    expect(line).toBe(
      "◎ Kustomization flux-system/apps: waiting 45s at main@sha1:c00dbbc9 — DependencyNotReady: dependency 'flux-system/infra' is not ready (waits on dependency flux-system/infra)",
    );
    expect(heartbeatLine(apps, undefined, 3000)).toBe(
      '◎ Kustomization flux-system/apps: waiting 3.0s — no status seen yet',
    );
    const long = heartbeatLine(
      apps,
      { state: 'pending', reason: 'Progressing', message: 'y\n'.repeat(500) },
      1000,
    );
    expect(long.length).toBeLessThan(320);
    expect(long).not.toContain('\n');
  });

  it('never prints URL credentials a controller message may quote', () => {
    const failed = SCENARIOS['kustomization-build-failed']!().run.results[2]!;
    failed.message = 'Get "https://deploy:ghp_s3cr3tT0ken@git.example.com/fleet.git/info/refs": 401';
    expect(verdictLine(failed)).toContain('https://***@git.example.com/fleet.git');
    expect(verdictLine(failed)).not.toContain('ghp_s3cr3tT0ken');
  });
});

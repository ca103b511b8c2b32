import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePreviews } from '../../../scripts/preview/render.js';
import { HELM_NAMESPACE } from '../../fixtures/report/captured.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';

describe('npm run preview pages', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one full page per scenario, holding that scenario’s summary, and an index', () => {
    dir = mkdtempSync(join(tmpdir(), 'preview-'));
    const files = writePreviews(dir);
    expect(files.map((f) => basename(f))).toEqual([
      ...Object.keys(SCENARIOS).map((n) => `${n}.html`),
      'index.html',
    ]);
    const page = readFileSync(join(dir, 'helm-upgrade-failed.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<h2>❌ Flux reconcile: the object is not Ready</h2>');
    expect(page).toContain(`<b>error: HelmRelease ${HELM_NAMESPACE}/app</b>`);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { ReportContext } from '../../../src/report/context.js';
import { renderStoppedSummary, report } from '../../../src/report/report.js';
import { KS_NAMESPACE as KS } from '../../fixtures/report/captured.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';
import { restoreEnvironment } from '../../helpers/environment.js';
import { b64, kubeconfigYaml } from '../kube/helpers/kubeconfigs.js';

// core.summary remembers the summary file's path after its first write, so one directory serves the file.
let dir: string;
let outputFile: string;
let summaryFile: string;
let stdout: string[];
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-'));
  outputFile = join(dir, 'output');
  summaryFile = join(dir, 'summary');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  rmSync(summaryFile, { recursive: true, force: true });
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  process.env.GITHUB_OUTPUT = outputFile;
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  restoreEnvironment(saved);
});

describe('report', () => {
  it('writes outputs, annotations, the results log group and the summary', async () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    await report(s.ctx, s.run, s.health, { summary: true });
    expect(readFileSync(outputFile, 'utf8')).toMatch(/^ready<<.*\nfalse\n/);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toMatch(/^<h2>❌ Flux reconcile: 1 of 3 objects not Ready<\/h2>/);
    const printed = stdout.join('');
    expect(printed).toContain(
      `::error title=Kustomization ${KS}/broken-yaml::BuildFailed: failed to decode Kubernetes YAML`,
    );
    expect(printed).toContain('::group::Results: 2 of 3 ok');
    expect(printed).toContain(`✗ Kustomization ${KS}/broken-yaml: Failed after 2s`);
  });

  it('writes no summary when the summary input is false', async () => {
    const s = SCENARIOS.success!();
    await report(s.ctx, s.run, s.health, { summary: false });
    expect(readFileSync(summaryFile, 'utf8')).toBe('');
    expect(readFileSync(outputFile, 'utf8')).toMatch(/^ready<<.*\ntrue\n/);
  });

  it('keeps the outputs and only warns when the summary cannot be written', async () => {
    // A directory where the summary file should be: the write fails as a full or broken disk would.
    rmSync(summaryFile, { force: true });
    mkdirSync(summaryFile);
    const s = SCENARIOS.success!();
    await expect(report(s.ctx, s.run, s.health, { summary: true })).resolves.toHaveLength(
      s.run.results.length,
    );
    expect(readFileSync(outputFile, 'utf8')).toContain('revisions<<');
    expect(stdout.join('')).toMatch(/::warning::Could not write the job summary: EISDIR/);
  });
});

describe('report never leaks kubeconfig credentials', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.fake-service-account-token.c2lnbmF0dXJl';
  const keyData = b64(
    '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeKeyMaterialForTestsOnly\n-----END EC PRIVATE KEY-----\n',
  );
  const password = 'correct-horse-battery-staple';
  const kubeconfig = kubeconfigYaml({
    cluster: {
      name: 'prod',
      server: 'https://ci-deployer:correct-horse-battery-staple@prod.k8s.example.com:6443',
    },
    user: { token, 'client-key-data': keyData, username: 'ci-deployer', password },
    contexts: ['prod-admin'],
  });

  it('shows the server host and context name only, in summary, outputs, annotations and log', async () => {
    const doc = parse(kubeconfig);
    const ctx: ReportContext = {
      server: doc.clusters[0].cluster.server,
      contextName: doc['current-context'],
      fluxVersion: '2.9.5',
      namespace: 'flux-system',
    };
    const s = SCENARIOS['kustomization-build-failed']!();
    // A client error that quotes the URL it called, credentials included.
    const apps = s.run.results.find((r) => r.name === 'broken-yaml')!;
    apps.message = `Get "${ctx.server}/apis/kustomize.toolkit.fluxcd.io/v1": x509: certificate signed by unknown authority`;
    await report(ctx, s.run, s.health, { summary: true });

    const everything = [readFileSync(summaryFile, 'utf8'), readFileSync(outputFile, 'utf8'), stdout.join('')];
    expect(everything[0]).toContain('<code>prod.k8s.example.com:6443</code>');
    expect(everything[0]).toContain('<code>prod-admin</code>');
    for (const text of everything) {
      for (const secret of [token, keyData, password, 'ci-deployer', 'MHcCAQEEIFake']) {
        expect(text).not.toContain(secret);
      }
    }
  });
});

describe('renderStoppedSummary', () => {
  it('shows what stopped the run, escaped, with no blank line', () => {
    const html = renderStoppedSummary(
      'Kustomization a/b: not allowed to patch\n\n<script>alert(1)</script> | x',
    );
    expect(html).toContain('stopped before reconciling');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/\n\s*\n/);
  });
});

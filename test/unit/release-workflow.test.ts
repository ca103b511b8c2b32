// Releases carry provenance: the release workflow attests the files the runner executes, with the two
// permissions that takes on its one job only, and the README says how a user checks a tag.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the release workflow', () => {
  const workflow = parse(read('.github/workflows/release.yml')) as Workflow;
  const [job] = Object.values(workflow.jobs);

  it('attests the provenance of every file of dist/ the runner executes before it publishes', () => {
    const steps = job!.steps;
    const attest = steps.findIndex((s) => s.uses?.startsWith('actions/attest-build-provenance@'));
    expect(attest).toBeGreaterThan(-1);
    const subjects = steps[attest]!.with?.['subject-path']?.split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // The entry points and the chunks they load (scripts/bundle.mjs writes nothing else).
    expect(subjects).toEqual(['dist/*.js', 'dist/chunks/*.js']);
    const publish = steps.findIndex((s) => JSON.stringify(s).includes('gh release create'));
    expect(attest).toBeLessThan(publish);
  });

  it('grants id-token and attestations to that job only', () => {
    expect(job!.permissions).toEqual({ contents: 'write', 'id-token': 'write', attestations: 'write' });
    expect(workflow.permissions ?? {}).toEqual({});
  });

  it('is explained to users: how to verify a tag, pinning by full SHA, immutable releases', () => {
    const readme = read('README.md');
    const versioning = readme.slice(readme.indexOf('## Versioning'), readme.indexOf('## Development'));
    expect(versioning).toContain('gh attestation verify');
    expect(versioning).toMatch(/full commit SHA/);
    expect(versioning).toMatch(/immutable/i);
  });
});

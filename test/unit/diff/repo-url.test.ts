import { describe, expect, it } from 'vitest';
import { repoKey, sameRepository } from '../../../src/diff/repo-url.js';

describe('sameRepository', () => {
  it('matches one repository however its URL is written', () => {
    const forms = [
      'https://github.com/Org/Fleet',
      'https://github.com/org/fleet.git',
      'https://github.com/org/fleet/',
      'http://x-access-token:abc@github.com/org/fleet.git',
      'ssh://git@github.com/org/fleet.git',
      'ssh://git@github.com:22/org/fleet',
      'git@github.com:org/fleet.git',
      'github.com:Org/fleet',
    ];
    for (const a of forms) for (const b of forms) expect(sameRepository(a, b), `${a} vs ${b}`).toBe(true);
  });

  it('tells other repositories, hosts and paths apart', () => {
    expect(sameRepository('https://github.com/org/fleet', 'https://github.com/org/fleet-infra')).toBe(false);
    expect(sameRepository('https://github.com/org/fleet', 'https://gitlab.com/org/fleet')).toBe(false);
    expect(sameRepository('https://github.com/org/fleet', 'https://github.com/other/fleet')).toBe(false);
    expect(sameRepository('https://git.example.com/a/b/fleet', 'https://git.example.com/b/fleet')).toBe(
      false,
    );
  });

  it('matches nothing for text that is no remote URL', () => {
    expect(repoKey('')).toBeUndefined();
    expect(repoKey('./fleet')).toBeUndefined();
    expect(repoKey('https://')).toBeUndefined();
    expect(sameRepository('', '')).toBe(false);
  });

  it('never keeps the user part of a URL, so it can be shown', () => {
    expect(repoKey('https://user:s3cret@github.com/org/fleet.git')).toBe('github.com/org/fleet');
  });
});

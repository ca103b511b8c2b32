import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectedRevisionProblem,
  type ParsedRevision,
  parseRevision,
  revisionMatches,
  shortRevision,
} from '../../../src/flux/revision.js';

// Revision strings as the controllers write them (shapes from flux2 and the controllers' tests).
const SHA = '5394cb7f48332b2de7c17dd8b8384bbc84b7e738';
const OTHER_SHA = '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567';
const DIGEST = '3b6cdcc7adcc9a84d3214ee1c029543789d90b5ae69debe9efa3f66e982875de';
const OTHER_DIGEST = '8fb62a09c9e48ace5463bf940dc15e85f525be4f230e223bbceef6e13024110c';

describe('parseRevision', () => {
  it.each<[string, Omit<ParsedRevision, 'raw'>]>([
    [`main@sha1:${SHA}`, { form: 'ref-digest', ref: 'main', algorithm: 'sha1', hex: SHA }],
    [
      `refs/heads/main@sha1:${SHA}`,
      { form: 'ref-digest', ref: 'refs/heads/main', algorithm: 'sha1', hex: SHA },
    ],
    [`v1.0.0@sha1:${SHA}`, { form: 'ref-digest', ref: 'v1.0.0', algorithm: 'sha1', hex: SHA }],
    [`sha1:${SHA}`, { form: 'digest', algorithm: 'sha1', hex: SHA }],
    [`main/${SHA}`, { form: 'legacy', ref: 'main', hex: SHA }],
    [`feature/login/${SHA}`, { form: 'legacy', ref: 'feature/login', hex: SHA }],
    [`latest@sha256:${DIGEST}`, { form: 'ref-digest', ref: 'latest', algorithm: 'sha256', hex: DIGEST }],
    [`sha256:${DIGEST}`, { form: 'digest', algorithm: 'sha256', hex: DIGEST }],
    [`blake3:${DIGEST}`, { form: 'digest', algorithm: 'blake3', hex: DIGEST }],
    ['6.0.3', { form: 'version', version: '6.0.3' }],
    ['6.0.3+1', { form: 'version', version: '6.0.3', build: '1' }],
    ['6.0.3+5394cb7f4833', { form: 'version', version: '6.0.3', build: '5394cb7f4833', hex: '5394cb7f4833' }],
    ['2.9.0-rc.1', { form: 'version', version: '2.9.0-rc.1' }],
    ['v1.2.3', { form: 'version', version: 'v1.2.3' }],
    [SHA, { form: 'hex', hex: SHA }],
    ['main', { form: 'name', ref: 'main' }],
    ['refs/tags/stable', { form: 'name', ref: 'refs/tags/stable' }],
    [` MAIN@SHA1:${SHA.toUpperCase()} `, { form: 'ref-digest', ref: 'MAIN', algorithm: 'sha1', hex: SHA }],
  ])('%s', (text, expected) => {
    expect(parseRevision(text)).toEqual({ raw: text.trim(), ...expected });
  });
});

describe('revisionMatches', () => {
  // [what it shows, candidates (revisionCandidates of an object), expected (the `revision` input), result]
  it.each<[string, string[], string, boolean]>([
    ['git: full SHA', [`main@sha1:${SHA}`], SHA, true],
    ['git: short SHA (7)', [`main@sha1:${SHA}`], SHA.slice(0, 7), true],
    ['git: 6 characters are too few', [`main@sha1:${SHA}`], SHA.slice(0, 6), false],
    ['git: upper-case SHA', [`main@sha1:${SHA}`], SHA.toUpperCase(), true],
    ['git: another commit', [`main@sha1:${SHA}`], OTHER_SHA, false],
    ['git: another commit, short', [`main@sha1:${SHA}`], OTHER_SHA.slice(0, 7), false],
    ['git: ref name form', [`refs/heads/main@sha1:${SHA}`], SHA, true],
    ['git: commit-only form', [`sha1:${SHA}`], SHA, true],
    ['git: legacy form', [`main/${SHA}`], SHA, true],
    ['git: legacy form, other commit', [`main/${SHA}`], OTHER_SHA, false],
    ['git: whole revision', [`main@sha1:${SHA}`], `main@sha1:${SHA}`, true],
    ['git: whole revision, other commit', [`main@sha1:${SHA}`], `main@sha1:${OTHER_SHA}`, false],
    ['git: same commit, ref written differently', [`main@sha1:${SHA}`], `refs/heads/main@sha1:${SHA}`, true],
    ['git: same commit, legacy against new', [`main/${SHA}`], `main@sha1:${SHA}`, true],
    ['git: sha1: prefix', [`main@sha1:${SHA}`], `sha1:${SHA}`, true],
    ['git: short sha1: prefix', [`main@sha1:${SHA}`], `sha1:${SHA.slice(0, 7)}`, true],
    ['git: another algorithm', [`main@sha1:${SHA}`], `sha256:${SHA}`, false],
    ['git: a branch name proves nothing', [`main@sha1:${SHA}`], 'main', false],
    ['git: refs/heads proves nothing either', [`refs/heads/main@sha1:${SHA}`], 'refs/heads/main', false],
    ['tag: version tag', [`v1.0.0@sha1:${SHA}`], 'v1.0.0', true],
    ['tag: version tag without v', [`v1.0.0@sha1:${SHA}`], '1.0.0', true],
    ['tag: refs/tags form', [`refs/tags/v1.0.0@sha1:${SHA}`], 'v1.0.0', true],
    ['tag: a branch named like a version', [`refs/heads/v1.0.0@sha1:${SHA}`], 'v1.0.0', false],
    ['tag: another version', [`v1.0.0@sha1:${SHA}`], 'v1.0.1', false],
    ['tag: a shorter version is another version', [`v1.0.0@sha1:${SHA}`], 'v1.0', false],
    ['tag: and its commit', [`v1.0.0@sha1:${SHA}`], SHA.slice(0, 8), true],
    ['tag: non-version tag written refs/tags/', [`stable@sha1:${SHA}`], 'refs/tags/stable', true],
    ['tag: non-version tag, refs/tags on both', [`refs/tags/stable@sha1:${SHA}`], 'refs/tags/stable', true],
    ['tag: non-version tag, bare', [`stable@sha1:${SHA}`], 'stable', false],
    ['tag: refs/tags/ against a branch ref', [`refs/heads/stable@sha1:${SHA}`], 'refs/tags/stable', false],
    ['oci: digest', [`latest@sha256:${DIGEST}`], `sha256:${DIGEST}`, true],
    ['oci: bare digest hex', [`latest@sha256:${DIGEST}`], DIGEST, true],
    ['oci: short digest', [`latest@sha256:${DIGEST}`], `sha256:${DIGEST.slice(0, 12)}`, true],
    ['oci: another digest', [`latest@sha256:${DIGEST}`], `sha256:${OTHER_DIGEST}`, false],
    ['oci: moving tag proves nothing', [`latest@sha256:${DIGEST}`], 'latest', false],
    ['oci: version tag', [`v2.1.0@sha256:${DIGEST}`], 'v2.1.0', true],
    ['oci: whole revision', [`v2.1.0@sha256:${DIGEST}`], `v2.1.0@sha256:${DIGEST}`, true],
    ['bucket: digest', [`sha256:${DIGEST}`], `sha256:${DIGEST}`, true],
    ['bucket: short hex', [`sha256:${DIGEST}`], DIGEST.slice(0, 7), true],
    ['bucket: sha1 against sha256', [`sha256:${DIGEST}`], `sha1:${DIGEST.slice(0, 40)}`, false],
    ['chart: version', ['6.0.3'], '6.0.3', true],
    ['chart: version with v', ['6.0.3'], 'v6.0.3', true],
    ['chart: another version', ['6.0.3'], '6.0.4', false],
    ['chart: partial version', ['6.0.3'], '6.0', false],
    ['chart: a commit against a plain version', ['6.0.3'], SHA, false],
    ['chart: build metadata ignored when not asked for', ['6.0.3+1'], '6.0.3', true],
    ['chart: same build', ['6.0.3+1'], '6.0.3+1', true],
    ['chart: another build', ['6.0.3+1'], '6.0.3+2', false],
    ['chart from git: full SHA', [`6.0.3+${SHA.slice(0, 12)}`], SHA, true],
    ['chart from git: short SHA', [`6.0.3+${SHA.slice(0, 12)}`], SHA.slice(0, 7), true],
    ['chart from git: whole git revision', [`6.0.3+${SHA.slice(0, 12)}`], `main@sha1:${SHA}`, true],
    ['chart from git: another commit', [`6.0.3+${SHA.slice(0, 12)}`], OTHER_SHA, false],
    ['chart from git: its version', [`6.0.3+${SHA.slice(0, 12)}`], '6.0.3', true],
    ['chart from git: exact', [`6.0.3+${SHA.slice(0, 12)}`], `6.0.3+${SHA.slice(0, 12)}`, true],
    [
      'chart from git: same commit, other version',
      [`6.0.3+${SHA.slice(0, 12)}`],
      `7.0.0+${SHA.slice(0, 12)}`,
      false,
    ],
    [
      'helmrelease: any candidate (chart version, history digest, OCI digest)',
      ['6.0.3', `sha256:${OTHER_DIGEST}`, `sha256:${DIGEST}`],
      `sha256:${DIGEST}`,
      true,
    ],
    ['helmrelease: none of them', ['6.0.3', `sha256:${OTHER_DIGEST}`], SHA, false],
    ['image policy: tag', ['1.2.3', `sha256:${DIGEST}`], '1.2.3', true],
    ['no candidates', [], SHA, false],
    ['no expectation, no candidates', [], '', true],
    ['no expectation', [`main@sha1:${SHA}`], '  ', true],
  ])('%s', (_what, candidates, expected, result) => {
    expect(revisionMatches(candidates, expected)).toBe(result);
  });

  const hexChar = fc.constantFrom(...'0123456789abcdef');
  const sha = fc.string({ unit: hexChar, minLength: 40, maxLength: 40 });
  const ref = fc.constantFrom(
    'main',
    'refs/heads/main',
    'v1.0.0',
    'refs/tags/v1.0.0',
    'feature/x',
    'release-1.2',
  );
  const embedding = (s: string) =>
    fc.constantFrom(
      `main@sha1:${s}`,
      `sha1:${s}`,
      `main/${s}`,
      `6.0.3+${s.slice(0, 12)}`,
      s,
      `refs/heads/main@sha1:${s.toUpperCase()}`,
    );

  it('a SHA, or any prefix of it of 7 or more characters, matches every revision embedding it', () => {
    fc.assert(
      fc.property(sha, ref, fc.integer({ min: 7, max: 40 }), fc.boolean(), (s, r, length, upper) => {
        const expected = upper ? s.slice(0, length).toUpperCase() : s.slice(0, length);
        for (const candidate of [`${r}@sha1:${s}`, `sha1:${s}`, `${r}/${s}`, s]) {
          expect(revisionMatches([candidate], expected)).toBe(true);
        }
        expect(revisionMatches([`6.0.3+${s.slice(0, 12)}`], expected)).toBe(true);
      }),
    );
  });

  it('never matches a different commit', () => {
    fc.assert(
      fc.property(
        sha,
        sha,
        fc.integer({ min: 7, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        (have, want, length, form) => {
          const expected = want.slice(0, length);
          const candidates = [
            `main@sha1:${have}`,
            `sha1:${have}`,
            `main/${have}`,
            `6.0.3+${have.slice(0, 12)}`,
            have,
            `latest@sha256:${have}${have.slice(0, 24)}`,
          ];
          const candidate = candidates[form]!;
          const prefix = parseRevision(candidate).hex!;
          fc.pre(!prefix.startsWith(expected) && !expected.startsWith(prefix));
          expect(revisionMatches([candidate], expected)).toBe(false);
          expect(revisionMatches([candidate], `main@sha1:${want}`)).toBe(false);
        },
      ),
    );
  });

  it('a SHA matches whatever candidate list embeds it, wherever it sits', () => {
    fc.assert(
      fc.property(sha, sha, (s, other) => {
        fc.pre(s.slice(0, 7) !== other.slice(0, 7));
        return fc.assert(
          fc.property(
            embedding(s),
            fc.array(embedding(other), { maxLength: 3 }),
            fc.nat(3),
            (hit, rest, at) => {
              const candidates = [...rest];
              candidates.splice(Math.min(at, rest.length), 0, hit);
              expect(revisionMatches(candidates, s)).toBe(true);
              expect(revisionMatches(rest, s)).toBe(false);
            },
          ),
          { numRuns: 5 },
        );
      }),
      { numRuns: 20 },
    );
  });
});

describe('expectedRevisionProblem', () => {
  it.each<[string, RegExp | undefined]>([
    [SHA, undefined],
    [SHA.slice(0, 7), undefined],
    ['', undefined],
    ['v1.2.3', undefined],
    ['6.0.3+1', undefined],
    [`sha256:${DIGEST}`, undefined],
    [`main@sha1:${SHA}`, undefined],
    [`main/${SHA}`, undefined],
    ['refs/tags/stable', undefined],
    ['abc123', /at least 7 characters/],
    [`sha256:${DIGEST.slice(0, 6)}`, /shorter than 7 characters/],
    [`main@sha1:${SHA.slice(0, 6)}`, /shorter than 7 characters/],
    ['main', /branch name or moving tag/],
    ['latest', /branch name or moving tag/],
    ['refs/heads/main', /branch name or moving tag/],
    ['refs/tags/', /branch name or moving tag/],
    ['a b', /whitespace/],
  ])('%s', (expected, problem) => {
    const actual = expectedRevisionProblem(expected);
    if (problem === undefined) expect(actual).toBeUndefined();
    else expect(actual).toMatch(problem);
  });

  it('whatever it accepts can match something, and whatever it refuses matches nothing', () => {
    const candidates = [`main@sha1:${SHA}`, `v1.0.0@sha1:${SHA}`, `latest@sha256:${DIGEST}`, '6.0.3'];
    for (const refused of ['main', 'latest', 'refs/heads/main', 'abc123']) {
      expect(expectedRevisionProblem(refused)).toBeDefined();
      expect(revisionMatches(candidates, refused)).toBe(false);
    }
  });
});

describe('shortRevision', () => {
  it.each([
    [`main@sha1:${SHA}`, 'main@sha1:5394cb7f'],
    [`refs/heads/main@sha1:${SHA}`, 'refs/heads/main@sha1:5394cb7f'],
    [`sha1:${SHA}`, 'sha1:5394cb7f'],
    [`main/${SHA}`, 'main/5394cb7f'],
    [`latest@sha256:${DIGEST}`, 'latest@sha256:3b6cdcc7adcc'],
    [`sha256:${DIGEST}`, 'sha256:3b6cdcc7adcc'],
    [`sha256:${DIGEST.toUpperCase()}`, 'sha256:3B6CDCC7ADCC'],
    [SHA, '5394cb7f'],
    [DIGEST, '3b6cdcc7adcc'],
    ['6.0.3', '6.0.3'],
    ['6.0.3+1', '6.0.3+1'],
    ['6.0.3+5394cb7f4833', '6.0.3+5394cb7f4833'],
    ['main', 'main'],
    ['', ''],
  ])('%s → %s', (revision, short) => {
    expect(shortRevision(revision)).toBe(short);
  });
});

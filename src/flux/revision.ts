// Flux revisions: reading them, showing them short, and deciding whether an object reached the revision
// a person asked for in the `revision` input.
//
// Forms Flux writes in status (artifact.revision, lastAppliedRevision, history[].chartVersion):
//   main@sha1:<40 hex>, refs/heads/main@sha1:<hex>, v1.0.0@sha1:<hex>   git, ref and commit
//   sha1:<hex>                                                         git, commit only
//   main/<40 hex>                                                      git before Flux 0.40
//   latest@sha256:<64 hex>                                             OCI, tag and digest
//   sha256:<hex>                                                       Bucket, HelmRepository, OCI digest only
//   6.0.3, 6.0.3+1, 6.0.3+<12 hex>                                     HelmChart (the hex is a commit prefix)
//
// Matching rules (documented in the README):
// - hex (commits, digests) compares case-insensitively by prefix in either direction, the shorter side at
//   least 7 characters; when both sides name the algorithm (sha1, sha256) it must agree;
// - a version or version tag (`6.0.3`, `v1.0.0`) matches a chart version (build metadata aside) or a
//   revision whose ref is that tag (`v1.0.0@sha1:...`, `refs/tags/v1.0.0@sha1:...`), with or without `v`;
// - any other name is treated as a tag only when written `refs/tags/<name>`. A plain name such as `main`
//   or `latest` matches nothing: a branch or moving tag is satisfied by every commit it ever points at, so
//   as a gate it would prove nothing. The `revision` input refuses it up front (see expectedRevisionProblem).

export type RevisionForm =
  | 'ref-digest' // main@sha1:<hex>, latest@sha256:<hex>
  | 'digest' // sha1:<hex>, sha256:<hex>
  | 'legacy' // main/<hex>
  | 'hex' // a bare commit SHA or digest
  | 'version' // 6.0.3, v1.0.0, 6.0.3+abcdef123456
  | 'name'; // anything else: main, latest, refs/tags/x

export interface ParsedRevision {
  raw: string;
  form: RevisionForm;
  /** Branch, tag or other ref: `main`, `refs/heads/main`, `v1.0.0`, `latest`. */
  ref?: string;
  /** Digest algorithm when written: `sha1`, `sha256`... */
  algorithm?: string;
  /** Lower-case hex of the commit or digest; for a chart version, its build metadata when that is hex. */
  hex?: string;
  /** A version without build metadata: `6.0.3`, `v1.0.0`, `2.9.0-rc.1`. */
  version?: string;
  /** A version's build metadata: `1`, `abcdef123456`. */
  build?: string;
}

/** The shortest hex a person may give: what `git log --oneline` shows. */
export const MIN_HEX = 7;

const ALGORITHM = '(sha1|sha256|sha384|sha512|blake3)';
const REF_DIGEST = new RegExp(`^(.*)@${ALGORITHM}:([0-9a-f]+)$`, 'i');
const DIGEST = new RegExp(`^${ALGORITHM}:([0-9a-f]+)$`, 'i');
const LEGACY = /^(.+)\/([0-9a-f]{40}|[0-9a-f]{64})$/i;
const HEX = /^[0-9a-f]+$/i;
const VERSION = /^(v?\d+(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?)(?:\+([0-9A-Za-z.-]+))?$/;

const isHex = (value: string, min = MIN_HEX): boolean => value.length >= min && HEX.test(value);

export function parseRevision(text: string): ParsedRevision {
  const raw = text.trim();
  let m = REF_DIGEST.exec(raw);
  if (m) {
    const ref = m[1] === '' ? undefined : m[1];
    return { raw, form: 'ref-digest', ref, algorithm: m[2]!.toLowerCase(), hex: m[3]!.toLowerCase() };
  }
  m = DIGEST.exec(raw);
  if (m) return { raw, form: 'digest', algorithm: m[1]!.toLowerCase(), hex: m[2]!.toLowerCase() };
  m = LEGACY.exec(raw);
  if (m) return { raw, form: 'legacy', ref: m[1], hex: m[2]!.toLowerCase() };
  if (isHex(raw)) return { raw, form: 'hex', hex: raw.toLowerCase() };
  m = VERSION.exec(raw);
  if (m) {
    const build = m[2];
    const hex = build !== undefined && isHex(build) ? build.toLowerCase() : undefined;
    return { raw, form: 'version', version: m[1], build, hex };
  }
  return { raw, form: 'name', ref: raw };
}

const withoutV = (version: string): string => (version.startsWith('v') ? version.slice(1) : version);

function hexMatches(a: string, b: string): boolean {
  if (Math.min(a.length, b.length) < MIN_HEX) return false;
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** The tag a ref names, or undefined for a branch (`refs/heads/...`) or another kind of ref. */
function tagOf(ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.startsWith('refs/tags/')) return ref.slice('refs/tags/'.length);
  if (ref.startsWith('refs/')) return undefined;
  return ref;
}

function matchesOne(have: ParsedRevision, want: ParsedRevision): boolean {
  if (want.hex !== undefined) {
    if (have.hex === undefined) return false;
    if (want.algorithm && have.algorithm && want.algorithm !== have.algorithm) return false;
    if (
      want.version !== undefined &&
      have.version !== undefined &&
      withoutV(want.version) !== withoutV(have.version)
    ) {
      return false;
    }
    return hexMatches(want.hex, have.hex);
  }
  if (want.version !== undefined) {
    const version = withoutV(want.version);
    if (have.version !== undefined) {
      return withoutV(have.version) === version && (want.build === undefined || want.build === have.build);
    }
    const tag = tagOf(have.ref);
    return want.build === undefined && tag !== undefined && withoutV(tag) === version;
  }
  if (want.form === 'name' && want.ref?.startsWith('refs/tags/')) {
    const tag = tagOf(have.ref);
    return tag !== undefined && tag === tagOf(want.ref);
  }
  return false;
}

/**
 * Whether any of an object's revisions (FluxKind.revisionCandidates) is the one a person expects.
 * An empty expectation is met by anything: no revision was asked for.
 */
export function revisionMatches(candidates: readonly string[], expected: string): boolean {
  const want = parseRevision(expected);
  if (want.raw === '') return true;
  return candidates.some((candidate) => matchesOne(parseRevision(candidate), want));
}

/**
 * Why a value cannot serve as the expected revision, or undefined when it can. The `revision` input
 * refuses what this rejects, so that a gate never waits for something that proves nothing.
 */
export function expectedRevisionProblem(expected: string): string | undefined {
  const want = parseRevision(expected);
  if (want.raw === '') return undefined;
  if (/\s/.test(want.raw)) return 'it contains whitespace';
  if (want.hex !== undefined && want.form !== 'version' && want.hex.length < MIN_HEX) {
    return `its commit or digest is shorter than ${MIN_HEX} characters`;
  }
  if (want.form !== 'name') return undefined;
  if (HEX.test(want.raw)) return `a commit SHA needs at least ${MIN_HEX} characters`;
  if (want.ref?.startsWith('refs/tags/') && want.ref.length > 'refs/tags/'.length) return undefined;
  return 'a branch name or moving tag (such as main or latest) matches every commit it ever points at, so it would not prove anything';
}

function shortHex(hex: string, algorithm?: string): string {
  const keep = algorithm === 'sha1' || (algorithm === undefined && hex.length <= 40) ? 8 : 12;
  return hex.slice(0, keep);
}

/** A revision short enough for a table cell: `main@sha1:0123abcd`, `sha256:0123456789ab`; versions unchanged. */
export function shortRevision(text: string): string {
  const r = parseRevision(text);
  const hexAsWritten = (): string => r.raw.slice(r.raw.length - (r.hex?.length ?? 0));
  switch (r.form) {
    case 'ref-digest':
      return `${r.ref ?? ''}@${r.algorithm}:${shortHex(hexAsWritten(), r.algorithm)}`;
    case 'digest':
      return `${r.algorithm}:${shortHex(hexAsWritten(), r.algorithm)}`;
    case 'legacy':
      return `${r.ref}/${shortHex(hexAsWritten())}`;
    case 'hex':
      return shortHex(r.raw);
    default:
      return r.raw;
  }
}

/** A hash inside a revision: after `@sha1:`, `sha256:`, a chart version's `+`, or a legacy `branch/`. */
const HASH_IN_REVISION = /(?:[:+/])[0-9a-f]{7,}\b/i;
const LOOKS_LIKE_HASH = /^(?:sha(?:1|256):)?[0-9a-f]{7,}$/i;

/**
 * Whether an expected revision can be judged against an object's revisions at all: a git SHA says nothing
 * about a HelmRelease whose chart comes from a Helm repository (`6.0.3`), so it is not applied there.
 */
export function revisionApplies(candidates: readonly string[], expected: string): boolean {
  if (!LOOKS_LIKE_HASH.test(expected)) return true;
  return candidates.some((c) => HASH_IN_REVISION.test(c) || LOOKS_LIKE_HASH.test(c));
}

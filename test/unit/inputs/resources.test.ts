import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FLUX_KINDS } from '../../../src/flux/kinds.js';
import {
  formatResources,
  isDnsLabel,
  isDnsSubdomain,
  type ParsedResources,
  parseResources,
} from '../../../src/inputs/resources.js';
import { ConfigError, type ResourceSelector } from '../../../src/inputs/types.js';

const NS = 'flux-system';
const sel = (kind: string, name: string, namespace = NS): ResourceSelector => ({ kind, namespace, name });
const parse = (text: string): ParsedResources => parseResources(text, NS);

/** The error parseResources throws for a text, checked for what every such error must say. */
function errorOf(text: string): ConfigError {
  let caught: unknown;
  try {
    parse(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.inputs).toEqual(['resources']);
  expect(error.message).toMatch(/^Input 'resources' has (a problem|\d+ problems):\n/);
  expect(error.message).toContain('e.g. kustomization/apps');
  return error;
}

describe('parseResources: every syntax', () => {
  it.each<[string, string, ResourceSelector[], boolean?]>([
    ['kind/name', 'ks/apps', [sel('Kustomization', 'apps')]],
    ['kind/namespace/name', 'hr/podinfo/podinfo', [sel('HelmRelease', 'podinfo', 'podinfo')]],
    ['canonical kind, any case', 'Kustomization/apps', [sel('Kustomization', 'apps')]],
    ['alias in upper case', 'KS/apps', [sel('Kustomization', 'apps')]],
    ['wildcard', 'ks/*', [sel('Kustomization', '*')]],
    ['wildcard in a namespace', 'hr/apps/*', [sel('HelmRelease', '*', 'apps')]],
    ['all', 'all', [], true],
    ['ALL', 'ALL', [], true],
    ['all mixed with names', 'all, git/flux-system', [sel('GitRepository', 'flux-system')], true],
    [
      'lines, commas, comments and blank lines mixed',
      '\n# the apps\nks/a, ks/b\n\n   hr/c   # trailing comment\n,,\n',
      [sel('Kustomization', 'a'), sel('Kustomization', 'b'), sel('HelmRelease', 'c')],
    ],
    ['CRLF line ends', 'ks/a\r\nks/b\r\n', [sel('Kustomization', 'a'), sel('Kustomization', 'b')]],
    ['spaces around the parts', ' ks / apps / web ', [sel('Kustomization', 'web', 'apps')]],
    ['a name with dots', 'ks/apps.v2', [sel('Kustomization', 'apps.v2')]],
    ['empty', '', []],
    ['only blanks and comments', '  \n # nothing yet\n\t\n', []],
    [
      'YAML list of mappings',
      '- kind: ks\n  name: apps\n- kind: HelmRelease\n  name: podinfo\n  namespace: podinfo\n',
      [sel('Kustomization', 'apps'), sel('HelmRelease', 'podinfo', 'podinfo')],
    ],
    [
      'YAML flow list mixing a mapping and a string',
      '[{kind: ks, name: apps}, hr/podinfo/podinfo]',
      [sel('Kustomization', 'apps'), sel('HelmRelease', 'podinfo', 'podinfo')],
    ],
    ['YAML list of strings', '- ks/apps\n- all\n', [sel('Kustomization', 'apps')], true],
    ['YAML after a comment', '# deploy these\n- ks/apps\n', [sel('Kustomization', 'apps')]],
    ['YAML keeps names that look like numbers', '- kind: ks\n  name: 0123\n', [sel('Kustomization', '0123')]],
    ['YAML quoted wildcard', "- {kind: ks, name: '*'}", [sel('Kustomization', '*')]],
    [
      'YAML keeps the order of mappings and strings',
      '- ks/a\n- {kind: ks, name: b}\n- ks/c\n',
      [sel('Kustomization', 'a'), sel('Kustomization', 'b'), sel('Kustomization', 'c')],
    ],
  ])('%s', (_what, text, selectors, all = false) => {
    expect(parse(text)).toEqual({ selectors, all });
  });

  it.each([
    ['kustomization', 'Kustomization'],
    ['kustomizations', 'Kustomization'],
    ['ks', 'Kustomization'],
    ['helmrelease', 'HelmRelease'],
    ['hr', 'HelmRelease'],
    ['gitrepository', 'GitRepository'],
    ['git', 'GitRepository'],
    ['ocirepository', 'OCIRepository'],
    ['oci', 'OCIRepository'],
    ['helmrepository', 'HelmRepository'],
    ['helmchart', 'HelmChart'],
    ['chart', 'HelmChart'],
    ['bucket', 'Bucket'],
    ['imagerepository', 'ImageRepository'],
    ['imagepolicy', 'ImagePolicy'],
    ['imageupdateautomation', 'ImageUpdateAutomation'],
    ['receiver', 'Receiver'],
    ['alert', 'Alert'],
    ['provider', 'Provider'],
    ['externalartifact', 'ExternalArtifact'],
  ])('kind %s is %s, in any case', (alias, kind) => {
    const mixed = [...alias].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
    expect(parse(`${alias}/x\n${mixed}/other/x`).selectors).toEqual([
      sel(kind, 'x'),
      sel(kind, 'x', 'other'),
    ]);
  });

  it('uses the namespace it is given for kind/name', () => {
    expect(parseResources('ks/apps', 'team-a').selectors).toEqual([sel('Kustomization', 'apps', 'team-a')]);
  });
});

describe('parseResources: bad input names the entry, its line and the fix', () => {
  it.each<[string, string, RegExp[]]>([
    [
      'unknown kind',
      'ks/a\nkustomizaton/apps',
      [
        /line 2: 'kustomizaton\/apps': unknown kind 'kustomizaton' \(did you mean 'kustomization'\?\)/,
        /Known kinds: kustomization\|ks, helmrelease\|hr, gitrepository\|git, ocirepository\|oci/,
      ],
    ],
    ['unknown kind, nothing close', 'deployment/web', [/unknown kind 'deployment'\n/, /Known kinds: /]],
    [
      'empty name',
      'ks/',
      [/line 1: 'ks\/': empty name; write ks\/<name>, or ks\/\* for every Kustomization/],
    ],
    ['empty namespace', 'ks//apps', [/'ks\/\/apps': empty namespace; write kind\/namespace\/name/]],
    ['empty kind', '/apps', [/'\/apps': empty kind; write kind\/name/]],
    [
      'too many slashes',
      'ks/a/b/c',
      [/'ks\/a\/b\/c': too many '\/'; write kind\/name or kind\/namespace\/name/],
    ],
    [
      'upper-case name',
      'ks/Apps',
      [/name 'Apps' is not a valid Kubernetes name \(lowercase.*\); did you mean 'apps'\?/],
    ],
    ['underscore in a name', 'ks/my_app', [/name 'my_app' is not a valid Kubernetes name/]],
    ['name ending with a dash', 'ks/app-', [/name 'app-' is not a valid/]],
    [
      'upper-case namespace',
      'ks/Flux-System/apps',
      [/namespace 'Flux-System' is not a valid .*did you mean 'flux-system'\?/],
    ],
    [
      'dot in a namespace',
      'ks/a.b/apps',
      [/namespace 'a\.b' is not a valid Kubernetes namespace \(.*at most 63/],
    ],
    [
      'name of 254 characters',
      `ks/${'a'.repeat(254)}`,
      [/is not a valid Kubernetes name \(.*at most 253 characters\)/],
    ],
    ['namespace of 64 characters', `ks/${'a'.repeat(64)}/x`, [/namespace 'a+…?' is not a valid/]],
    ['partial wildcard', 'ks/app*', [/name 'app\*' is not a valid .*; only a lone '\*' means every object/]],
    [
      'wildcard namespace',
      'ks/*/apps',
      [/'\*' as namespace is not supported; name the namespace, e\.g\. ks\/flux-system\/\*/],
    ],
    [
      'a name without kind',
      'apps',
      [/'apps': missing the kind; write <kind>\/apps, e\.g\. kustomization\/apps/],
    ],
    [
      'a kind without name',
      'hr',
      [/'hr': missing the name; write hr\/<name>, or hr\/\* for every HelmRelease/],
    ],
    [
      'all with a namespace',
      'all/podinfo',
      [/'all' takes no namespace or name; for another namespace write kustomization\/<namespace>\/\*/],
    ],
    ['all twice', 'all\nks/a\nALL', [/line 3: 'all' is given twice \(first on line 1\); remove one/]],
    [
      'duplicate, written differently',
      'ks/apps\nhr/apps\n\nkustomization/flux-system/apps',
      [
        /line 4: 'kustomization\/flux-system\/apps' names Kustomization flux-system\/apps again \(first on line 1\); remove one/,
      ],
    ],
    [
      'duplicate on one line',
      'ks/a, ks/a',
      [/line 1: 'ks\/a' names Kustomization flux-system\/a again \(first on line 1\)/],
    ],
    [
      'YAML: unquoted wildcard',
      '- kind: ks\n  name: *\n',
      [/line \d: not valid YAML: .*\(in YAML a '\*' must be quoted: name: '\*'\)/],
    ],
    ['YAML: unterminated flow list', '[ks/apps', [/line 1: not valid YAML: /]],
    [
      'YAML: misspelt key',
      '- kind: ks\n  name: a\n- kind: ks\n  nmae: b\n',
      [/line 3: unknown key 'nmae'; the keys are kind, name and namespace/],
    ],
    [
      'YAML: missing name',
      '- kind: ks\n',
      [/line 1: '\{kind: ks, name: \}': missing 'name', e\.g\. \{kind: kustomization, name: apps\}/],
    ],
    ['YAML: missing kind', '- name: apps\n', [/missing 'kind'/]],
    ['YAML: a list as kind', '- kind: [a]\n  name: x\n', [/'kind' must be a string/]],
    [
      'YAML: a nested list',
      '- [ks/a]\n',
      [/each list item must be a mapping \{kind, name, namespace\} or a string/],
    ],
    ['YAML: not a list', '[a]: b\n', [/a YAML list of \{kind, name, namespace\} mappings was expected/]],
    [
      'YAML: bad name in a mapping',
      '- {kind: ks, name: Apps}',
      [/'\{kind: ks, name: Apps\}': name 'Apps' is not a valid/],
    ],
    [
      'YAML: duplicate mappings',
      '- {kind: ks, name: a}\n- {kind: Kustomization, name: a, namespace: flux-system}',
      [/line 2: .* names Kustomization flux-system\/a again \(first on line 1\)/],
    ],
  ])('%s', (_what, text, expected) => {
    const { message } = errorOf(text);
    for (const pattern of expected) expect(message).toMatch(pattern);
  });

  it('collects every problem and reports them together', () => {
    const { message } = errorOf('ks/ok\nfoo/a\nks/Bad\nks/ok\n');
    expect(message).toMatch(/^Input 'resources' has 3 problems:/);
    expect(message).toMatch(/line 2: 'foo\/a': unknown kind/);
    expect(message).toMatch(/line 3: 'ks\/Bad': name 'Bad'/);
    expect(message).toMatch(/line 4: 'ks\/ok' names Kustomization flux-system\/ok again \(first on line 1\)/);
  });

  it('shows the first ten problems and counts the rest', () => {
    const text = Array.from({ length: 25 }, (_, i) => `nope/x${i}`).join('\n');
    const { message } = errorOf(text);
    expect(message).toMatch(/^Input 'resources' has 25 problems:/);
    expect(message).toContain("line 10: 'nope/x9'");
    expect(message).not.toContain("'nope/x10'");
    expect(message).toContain('… and 15 more');
  });

  it('keeps a long entry short in the message', () => {
    const { message } = errorOf(`nope/${'a'.repeat(5000)}`);
    expect(message.length).toBeLessThan(1000);
  });
});

describe('parseResources: large inputs', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `ks/app-${i}`);

  it('reads 10,000 lines', () => {
    const { selectors } = parse(lines(10_000).join('\n'));
    expect(selectors).toHaveLength(10_000);
    expect(selectors[9_999]).toEqual(sel('Kustomization', 'app-9999'));
  });

  it('finds the one bad entry on line 10,000', () => {
    const text = [...lines(9_999), 'ks/App-X'].join('\n');
    const { message } = errorOf(text);
    expect(message).toMatch(/^Input 'resources' has a problem:\n {2}line 10000: 'ks\/App-X': name 'App-X'/);
  });

  it('finds a duplicate of line 1 on line 10,000', () => {
    const { message } = errorOf([...lines(9_999), 'kustomization/app-0'].join('\n'));
    expect(message).toMatch(/line 10000: .* again \(first on line 1\)/);
  });

  it('reads a YAML list of 10,000 mappings', () => {
    const text = lines(10_000)
      .map((_, i) => `- kind: hr\n  name: app-${i}\n  namespace: team-${i % 7}`)
      .join('\n');
    const { selectors } = parse(text);
    expect(selectors).toHaveLength(10_000);
    expect(selectors[9_999]).toEqual(sel('HelmRelease', 'app-9999', 'team-3'));
  });

  it('reports 10,000 bad lines as ten and a count', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `bad/App${i}`).join('\n');
    const { message } = errorOf(text);
    expect(message).toMatch(/^Input 'resources' has 10000 problems:/);
    expect(message).toContain('… and 9990 more');
  });
});

describe('RFC 1123 names', () => {
  it.each([
    ['a', true, true],
    ['apps', true, true],
    ['0123', true, true],
    ['my-app', true, true],
    ['apps.v2', false, true],
    ['-apps', false, false],
    ['apps-', false, false],
    ['Apps', false, false],
    ['my_app', false, false],
    ['a..b', false, false],
    ['', false, false],
    ['a'.repeat(63), true, true],
    ['a'.repeat(64), false, true],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, false, true],
    ['a'.repeat(254), false, false],
  ])('%s: label %s, subdomain %s', (name, label, subdomain) => {
    expect(isDnsLabel(name)).toBe(label);
    expect(isDnsSubdomain(name)).toBe(subdomain);
  });
});

describe('parseResources: properties', () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?$/);
  const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
  const kind = fc.constantFrom(...FLUX_KINDS);
  const selector = fc.record({
    kind,
    namespace: fc.oneof(fc.constant(NS), label),
    name: fc.oneof(subdomain, fc.constant('*')),
  });
  const selection = fc.record({
    all: fc.boolean(),
    selectors: fc.uniqueArray(selector, {
      maxLength: 30,
      selector: (s) => `${s.kind.kind}/${s.namespace}/${s.name}`,
    }),
  });
  const expectedOf = (s: {
    all: boolean;
    selectors: { kind: { kind: string }; namespace: string; name: string }[];
  }) => ({
    all: s.all,
    selectors: s.selectors.map((x) => sel(x.kind.kind, x.name, x.namespace)),
  });

  /** Writes a selection the way people do: any alias in any case, commas or lines, comments, spacing. */
  const written = selection.chain((s) =>
    fc
      .tuple(
        ...s.selectors.map((x) =>
          fc.record({
            alias: fc.constantFrom(x.kind.kind, ...x.kind.aliases),
            upper: fc.boolean(),
            omitNamespace: fc.boolean(),
            separator: fc.constantFrom('\n', ', ', ',', '\n\n', ' # note\n', '\r\n'),
            pad: fc.constantFrom('', ' ', '\t', '  '),
          }),
        ),
      )
      .map((styles) => {
        const entries = s.selectors.map((x, i) => {
          const style = styles[i]!;
          const word = style.upper ? style.alias.toUpperCase() : style.alias;
          const where = style.omitNamespace && x.namespace === NS ? '' : `${x.namespace}/`;
          return `${style.pad}${word}/${where}${x.name}${style.pad}${style.separator}`;
        });
        return { text: `# resources\n${s.all ? 'all,' : ''}${entries.join('')}`, expected: expectedOf(s) };
      }),
  );

  it('reads back any valid selection however it is written', () => {
    fc.assert(
      fc.property(written, ({ text, expected }) => {
        expect(parse(text)).toEqual(expected);
      }),
    );
  });

  it('formatResources then parseResources gives the same selection', () => {
    fc.assert(
      fc.property(selection, (s) => {
        const parsed = expectedOf(s);
        expect(parse(formatResources(parsed))).toEqual(parsed);
      }),
    );
  });

  it('reads back any valid selection written as a YAML list', () => {
    fc.assert(
      fc.property(selection, fc.boolean(), (s, flow) => {
        fc.pre(s.selectors.length > 0 || s.all);
        const items: unknown[] = s.selectors.map((x) => ({
          kind: x.kind.aliases[0],
          name: x.name,
          namespace: x.namespace,
        }));
        if (s.all) items.push('all');
        const text = stringify(items, flow ? { collectionStyle: 'flow' } : {});
        expect(parse(text)).toEqual(expectedOf(s));
      }),
    );
  });

  const tokens = fc.constantFrom(
    'ks',
    'hr',
    'all',
    'Kustomization',
    'apps',
    'A',
    '*',
    '/',
    '//',
    ',',
    '\n',
    '\r',
    '#',
    '- ',
    '-',
    '[',
    ']',
    '{',
    '}',
    ':',
    "'",
    '"',
    ' ',
    '&a',
    '*a',
    '!!str',
    '---',
    'name',
    'kind',
    'namespace',
    'é',
    '\u0000',
  );
  const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(tokens, { maxLength: 40 }).map((t) => t.join('')),
  );

  it('no input ever throws anything but a ConfigError naming the resources input', () => {
    fc.assert(
      fc.property(junk, (text) => {
        try {
          const result = parse(text);
          expect(Array.isArray(result.selectors)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).message).toMatch(/^Input 'resources' has /);
          expect((error as ConfigError).inputs).toEqual(['resources']);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

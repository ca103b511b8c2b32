import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, INPUT_DEFAULTS, type InputName, readConfig } from '../../../src/inputs/read.js';
import type { Config } from '../../../src/inputs/types.js';
import { restoreEnvironment } from '../../helpers/environment.js';

const SHA = '5394cb7f48332b2de7c17dd8b8384bbc84b7e738';

interface Read {
  config: Config;
  warnings: string[];
  asked: string[];
}

/** readConfig with these inputs set (as the runner passes them: strings, '' when not given). */
function read(values: Partial<Record<InputName, string>> = {}): Read {
  const warnings: string[] = [];
  const asked: string[] = [];
  const config = readConfig(
    (name) => {
      asked.push(name);
      return values[name as InputName] ?? '';
    },
    (message) => warnings.push(message),
  );
  return { config, warnings, asked };
}

function errorOf(values: Partial<Record<InputName, string>>): ConfigError {
  let caught: unknown;
  try {
    read(values);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

const DEFAULT_CONFIG: Config = {
  install: {
    install: true,
    version: 'latest',
    downloadUrl: 'https://github.com/fluxcd/flux2/releases/download',
    allowInsecureDownload: false,
    token: '',
  },
  cluster: { kubeconfig: '', context: '', exportKubeconfig: true },
  reconcile: {
    command: 'reconcile',
    resources: [],
    all: false,
    namespace: 'flux-system',
    selector: '',
    withSource: false,
    follow: true,
    maxObjects: 2000,
    timeoutMs: 300_000,
    revision: '',
    force: false,
    reset: false,
    failFastGraceMs: 0,
    workloads: 'auto',
    stableForMs: 0,
    verifyUrls: [],
  },
  diff: { pathRoot: '', failOnChange: false },
  trigger: { kind: 'patch' },
  summary: true,
  github: {
    deployment: '',
    environmentUrl: '',
    commitStatus: false,
    statusContext: '',
    prComment: false,
    prNumber: undefined,
    token: '',
  },
};

describe('readConfig: defaults', () => {
  it('gives the defaults of action.yml when no input is set, without a warning', () => {
    const { config, warnings } = read();
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(warnings).toEqual([]);
  });

  it('reads every input of action.yml, and its defaults are those of action.yml', () => {
    const action = parse(readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const names = Object.keys(action.inputs);
    expect(Object.keys(INPUT_DEFAULTS)).toEqual(names);
    const { asked } = read();
    expect([...new Set(asked)].sort()).toEqual([...names].sort());
    for (const name of names) {
      const yamlDefault = String(action.inputs[name]?.default ?? '');
      // The token's default is a workflow expression the runner fills in.
      const expected = yamlDefault.startsWith('${{') ? '' : yamlDefault;
      expect(INPUT_DEFAULTS[name as InputName], name).toBe(expected);
    }
    // The runner passes action.yml's defaults: the result is the same config.
    const passed = Object.fromEntries(names.map((n) => [n, INPUT_DEFAULTS[n as InputName]]));
    expect(read(passed).config).toEqual(DEFAULT_CONFIG);
  });

  it('reads the runner environment by default, keeping the lines of resources as written', () => {
    const saved = { ...process.env };
    try {
      process.env.INPUT_RESOURCES = '\n\nks/apps\nhr/podinfo';
      process.env['INPUT_WITH-SOURCE'] = 'true';
      process.env.INPUT_TIMEOUT = ' 90s ';
      const config = readConfig(undefined, () => {});
      expect(config.reconcile.resources.map((r) => r.name)).toEqual(['apps', 'podinfo']);
      expect(config.reconcile.withSource).toBe(true);
      expect(config.reconcile.timeoutMs).toBe(90_000);
      process.env.INPUT_RESOURCES = '\n\nnope/apps';
      expect(() => readConfig(undefined, () => {})).toThrow(/line 3: 'nope\/apps': unknown kind/);
    } finally {
      restoreEnvironment(saved);
    }
  });
});

describe('readConfig: fail-fast grace', () => {
  it.each([
    ['true', 0],
    ['True', 0],
    [' TRUE ', 0],
    ['false', Number.POSITIVE_INFINITY],
    ['FALSE', Number.POSITIVE_INFINITY],
    ['45s', 45_000],
    ['1m30s', 90_000],
    ['0s', 0],
  ])('%j is %s ms of grace', (value, ms) => {
    expect(read({ 'fail-fast': value, resources: 'ks/x' }).config.reconcile.failFastGraceMs).toBe(ms);
  });

  it.each(['yes', 'on', '-5s', '45', 'soon'])(
    'refuses %j, naming the input and the forms it takes',
    (value) => {
      expect(() => read({ 'fail-fast': value, resources: 'ks/x' })).toThrow(
        /Input 'fail-fast' must be true, false or a grace period such as 45s/,
      );
    },
  );
});

const BOOLEAN_INPUTS = [
  ['with-source', (c: Config) => c.reconcile.withSource],
  ['follow', (c: Config) => c.reconcile.follow],
  ['force', (c: Config) => c.reconcile.force],
  ['reset', (c: Config) => c.reconcile.reset],
  ['fail-on-change', (c: Config) => c.diff.failOnChange],
  ['export-kubeconfig', (c: Config) => c.cluster.exportKubeconfig],
  ['install', (c: Config) => c.install.install],
  ['summary', (c: Config) => c.summary],
] as const;

describe('readConfig: booleans', () => {
  for (const [input, get] of BOOLEAN_INPUTS) {
    it.each([
      ['true', true],
      ['True', true],
      ['TRUE', true],
      [' true ', true],
      ['false', false],
      ['False', false],
      ['FALSE', false],
    ])(`${input}: %j is %s`, (value, expected) => {
      expect(get(read({ [input]: value, resources: 'hr/x' }).config)).toBe(expected);
    });

    it.each(['yes', 'no', '1', '0', 'on', 'tRUE', 'enabled'])(`${input}: refuses %j`, (value) => {
      const error = errorOf({ [input]: value });
      expect(error.inputs).toEqual([input]);
      expect(error.message).toBe(`Input '${input}' must be true or false; got '${value}'.`);
    });
  }
});

describe('readConfig: command', () => {
  it.each(['reconcile', 'wait', 'suspend', 'resume', 'diff', 'Wait', ' RESUME ', 'Diff'])('%j', (value) => {
    expect(read({ command: value, resources: 'ks/a' }).config.reconcile.command).toBe(
      value.trim().toLowerCase(),
    );
  });

  it('refuses another word', () => {
    expect(errorOf({ command: 'deploy' }).message).toBe(
      "Input 'command' must be one of reconcile, wait, suspend, resume, diff, e.g. reconcile; got 'deploy'.",
    );
  });
});

describe('readConfig: command diff', () => {
  it('reads path-root as written and fail-on-change', () => {
    const { config } = read({
      command: 'diff',
      resources: 'ks/*',
      'path-root': ' ./clusters/prod ',
      'fail-on-change': 'true',
    });
    expect(config.diff).toEqual({ pathRoot: './clusters/prod', failOnChange: true });
  });

  it.each(['ks/apps', 'hr/podinfo', 'all', 'kustomization/*\nhelmrelease/apps/web'])(
    'takes %j',
    (resources) => {
      expect(read({ command: 'diff', resources }).config.reconcile.command).toBe('diff');
    },
  );

  it('refuses a source, naming the input and what to name instead', () => {
    const error = errorOf({ command: 'diff', resources: 'ks/apps, git/flux-system' });
    expect(error.inputs).toEqual(['resources']);
    expect(error.message).toBe(
      "Input 'resources' with command 'diff' takes Kustomizations and HelmReleases only, such as kustomization/apps or all; got GitRepository flux-system/flux-system. A source has nothing to diff: name the Kustomizations that apply it.",
    );
  });
});

describe('readConfig: timeout', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['300ms', 300],
    ['500us', 1],
    ['596h', 596 * 3_600_000],
  ])('%s is %d ms', (value, ms) => {
    expect(read({ timeout: value }).config.reconcile.timeoutMs).toBe(ms);
  });

  it.each([
    ['5 minutes', "Input 'timeout' must be a Go duration such as 90s, 5m or 1h30m; got '5 minutes'."],
    [
      '300',
      "Input 'timeout' must be a Go duration such as 90s, 5m or 1h30m; got '300' (add a unit: 300s or 300m).",
    ],
    ['1d', "Input 'timeout' must be a Go duration such as 90s, 5m or 1h30m; got '1d'."],
    ['0s', "Input 'timeout' must be longer than zero, such as 90s, 5m or 1h30m; got '0s'."],
    ['0', "Input 'timeout' must be longer than zero, such as 90s, 5m or 1h30m; got '0'."],
    ['-5m', "Input 'timeout' must be longer than zero, such as 90s, 5m or 1h30m; got '-5m'."],
    [
      '1000h',
      "Input 'timeout' must be at most 596h (the longest a Node.js timer waits), such as 1h30m; got '1000h'.",
    ],
  ])('refuses %j', (value, message) => {
    const error = errorOf({ timeout: value });
    expect(error.inputs).toEqual(['timeout']);
    expect(error.message).toBe(message);
  });
});

describe('readConfig: max-objects', () => {
  it('reads a whole number of objects', () => {
    expect(read({ 'max-objects': '150' }).config.reconcile.maxObjects).toBe(150);
  });

  it.each(['0', '-1', '2.5', 'many', '1e3', '99999999999'])('refuses %j, naming the input', (value) => {
    const error = errorOf({ 'max-objects': value });
    expect(error.inputs).toEqual(['max-objects']);
    expect(error.message).toMatch(/^Input 'max-objects' must be a whole number of Flux objects, at least 1/);
  });
});

describe('readConfig: namespace', () => {
  it.each(['flux-system', 'team-a', 'a', '0', 'a'.repeat(63)])('%s', (value) => {
    expect(read({ namespace: value }).config.reconcile.namespace).toBe(value);
  });

  it.each(['Flux-System', 'flux_system', 'flux.system', '-team', 'team-', 'a'.repeat(64)])(
    'refuses %s',
    (value) => {
      const { message, inputs } = errorOf({ namespace: value });
      expect(inputs).toEqual(['namespace']);
      expect(message).toMatch(
        /^Input 'namespace' must be a Kubernetes namespace name \(lowercase letters, digits and '-', .*at most 63 characters\), such as flux-system; got '.+'\.$/,
      );
    },
  );

  it('is the namespace of kind/name entries', () => {
    expect(read({ namespace: 'apps', resources: 'ks/web' }).config.reconcile.resources).toEqual([
      { kind: 'Kustomization', namespace: 'apps', name: 'web' },
    ]);
  });
});

describe('readConfig: version', () => {
  it.each([
    ['latest', 'latest'],
    ['Latest', 'latest'],
    ['2.9.6', '2.9.6'],
    ['v2.9.6', '2.9.6'],
    ['2.9.0-rc.1', '2.9.0-rc.1'],
    ['v2.9.0-rc.1', '2.9.0-rc.1'],
    ['10.0.0', '10.0.0'],
  ])('%s is stored as %s', (value, stored) => {
    expect(read({ version: value }).config.install.version).toBe(stored);
  });

  it.each(['2.9', 'v2', '2.9.6.1', '02.9.6', 'version 2.9.6', 'vv2.9.6', 'stable'])('refuses %j', (value) => {
    const { message, inputs } = errorOf({ version: value });
    expect(inputs).toEqual(['version']);
    expect(message).toBe(
      `Input 'version' must be latest or a flux version such as 2.9.6 or v2.9.6; got '${value}'.`,
    );
  });
});

describe('readConfig: download-url', () => {
  it.each([
    ['https://mirror.example.com/flux/', 'https://mirror.example.com/flux'],
    ['http://127.0.0.1:8080/releases/download///', 'http://127.0.0.1:8080/releases/download'],
    ['http://localhost:3000/flux', 'http://localhost:3000/flux'],
    ['http://[::1]:3000/flux', 'http://[::1]:3000/flux'],
    [
      'https://ghe.example.com/fluxcd/flux2/releases/download',
      'https://ghe.example.com/fluxcd/flux2/releases/download',
    ],
  ])('%s', (value, stored) => {
    expect(read({ 'download-url': value }).config.install.downloadUrl).toBe(stored);
  });

  it.each([
    [
      'mirror.example.com/flux',
      /must be an http\(s\) URL, a base URL laid out like https:\/\/github\.com\/fluxcd\/flux2\/releases\/download; got 'mirror\.example\.com\/flux'\.$/,
    ],
    [
      'ftp://mirror.example.com/flux',
      /must be an http\(s\) URL, .*; got 'ftp:\/\/mirror\.example\.com\/flux'\.$/,
    ],
    ['file:///srv/flux', /must be an http\(s\) URL/],
    [
      'https://mirror.example.com/flux?token=x',
      /must have no query or fragment \(file names are appended to it\), a base URL laid out like/,
    ],
    ['https://mirror.example.com/flux#x', /must have no query or fragment/],
  ])('refuses %s', (value, pattern) => {
    const { message, inputs } = errorOf({ 'download-url': value });
    expect(inputs).toEqual(['download-url']);
    expect(message).toMatch(/^Input 'download-url' /);
    expect(message).toMatch(pattern);
  });

  it.each([
    'http://10.0.0.1:8080/releases/download',
    'http://mirror.example.com/flux',
    'http://127.0.0.1.nip.io/flux',
  ])('refuses plain http to %s: anyone on the way could swap the archive and its checksums', (value) => {
    const { message, inputs } = errorOf({ 'download-url': value });
    expect(inputs).toEqual(['download-url']);
    expect(message).toBe(
      `Input 'download-url' is plain http (${quoteForTest(value)}): anyone on the network path could replace the ` +
        'archive and its checksums file together. Use https, or set allow-insecure-download: true for a ' +
        'mirror that only speaks http.',
    );
  });

  it('takes plain http with allow-insecure-download: true, and warns', () => {
    const { config, warnings } = read({
      'download-url': 'http://mirror.internal:8080/flux',
      'allow-insecure-download': 'true',
    });
    expect(config.install).toMatchObject({
      downloadUrl: 'http://mirror.internal:8080/flux',
      allowInsecureDownload: true,
    });
    expect(warnings).toEqual([
      "Input 'download-url' is plain http and allow-insecure-download is true: the flux archive and its checksums come unprotected from mirror.internal:8080.",
    ]);
  });

  it('says nothing about allow-insecure-download with https', () => {
    const { warnings } = read({ 'allow-insecure-download': 'true' });
    expect(warnings).toEqual([]);
  });

  it.each([
    'https://user:s3cret-pass@mirror.example.com/x?y',
    'user:s3cret-pass@mirror',
    'ftp://user:s3cret-pass@host/',
  ])('hides credentials in %s', (value) => {
    const { message } = errorOf({ 'download-url': value });
    expect(message).not.toContain('s3cret-pass');
    expect(message).toContain('***@');
  });
});

const quoteForTest = (value: string) => `'${value}'`;

describe('readConfig: revision', () => {
  it.each([
    [SHA, SHA],
    [`  ${SHA}\n`, SHA],
    [SHA.slice(0, 7), SHA.slice(0, 7)],
    ['v1.2.3', 'v1.2.3'],
    [
      'sha256:3b6cdcc7adcc9a84d3214ee1c029543789d90b5ae69debe9efa3f66e982875de',
      'sha256:3b6cdcc7adcc9a84d3214ee1c029543789d90b5ae69debe9efa3f66e982875de',
    ],
    [`main@sha1:${SHA}`, `main@sha1:${SHA}`],
    ['refs/tags/stable', 'refs/tags/stable'],
  ])('%j', (value, stored) => {
    expect(read({ revision: value, resources: 'ks/a' }).config.reconcile.revision).toBe(stored);
  });

  const EXAMPLE =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the message shows
    'must be a commit SHA (full, or at least 7 characters; usually ${{ github.sha }}), a version tag such as v1.2.3, an OCI digest such as sha256:<hex>, or a whole Flux revision such as main@sha1:<sha>';
  it.each([
    [
      'main',
      `Input 'revision' ${EXAMPLE}; got 'main': a branch name or moving tag (such as main or latest) matches every commit it ever points at, so it would not prove anything. For a tag that is not a version, write refs/tags/<tag>.`,
    ],
    ['abc123', `Input 'revision' ${EXAMPLE}; got 'abc123': a commit SHA needs at least 7 characters.`],
    ['abc 1234567', `Input 'revision' ${EXAMPLE}; got 'abc 1234567': it contains whitespace.`],
    [
      'a'.repeat(256),
      `Input 'revision' ${EXAMPLE}; got '${'a'.repeat(80)}…': it is longer than 255 characters.`,
    ],
  ])('refuses %j', (value, message) => {
    const error = errorOf({ revision: value });
    expect(error.inputs).toEqual(['revision']);
    expect(error.message).toBe(message);
  });
});

describe('readConfig: selector', () => {
  it.each([
    'app=web',
    'app==web',
    'app!=web',
    'app',
    '!app',
    'env=',
    'app.kubernetes.io/part-of=shop',
    'tier in (web,api)',
    'tier notin (web, api)',
    'app=web, tier in (a,b), !legacy',
    'count>3',
    'Team_A=Blue.1',
  ])('%j', (value) => {
    expect(read({ selector: value, resources: 'ks/*' }).config.reconcile.selector).toBe(value);
  });

  it.each([
    ['app=web=x', /'app=web=x' is not a requirement/],
    ['tier in ()', /'tier in \(\)' has an empty set of values/],
    ['app=we b', /'app=we b' is not a requirement/],
    ['a,,b', /an empty requirement \(two commas in a row\?\)/],
    ['-app=x', /key '-app' is not a valid label key/],
    ['example.com/=x', /key 'example\.com\/' is not a valid label key/],
    ['Example.com/app=x', /key prefix 'Example\.com' is not a DNS subdomain/],
    ['app in web', /'app in web' is not a requirement/],
    [`app=${'v'.repeat(64)}`, /value 'v+…' is not a valid label value/],
  ])('refuses %j', (value, detail) => {
    const { message, inputs } = errorOf({ selector: value, resources: 'ks/*' });
    expect(inputs).toEqual(['selector']);
    expect(message).toMatch(
      /^Input 'selector' must be a Kubernetes label selector such as app\.kubernetes\.io\/part-of=shop or tier in \(web,api\); got '.*': /,
    );
    expect(message).toMatch(detail);
  });
});

describe('readConfig: resources and passed-through inputs', () => {
  it('parses resources', () => {
    const { config } = read({ resources: 'all\nhr/podinfo/podinfo' });
    expect(config.reconcile.all).toBe(true);
    expect(config.reconcile.resources).toEqual([
      { kind: 'HelmRelease', namespace: 'podinfo', name: 'podinfo' },
    ]);
  });

  it('reports bad resources as the resources input', () => {
    const error = errorOf({ resources: 'ks/a\nks/a' });
    expect(error.inputs).toEqual(['resources']);
    expect(error.message).toMatch(/^Input 'resources' has a problem:\n {2}line 2: 'ks\/a' names .* again/);
  });

  it('passes kubeconfig, context and token through', () => {
    const { config } = read({
      kubeconfig: 'apiVersion: v1\nkind: Config\n',
      context: 'kind-lab',
      token: 'ghs_x',
    });
    expect(config.cluster.kubeconfig).toBe('apiVersion: v1\nkind: Config');
    expect(config.cluster.context).toBe('kind-lab');
    expect(config.install.token).toBe('ghs_x');
  });
});

describe('readConfig: many bad inputs at once', () => {
  it('reports every bad input in one error', () => {
    const error = errorOf({ namespace: 'Bad_NS', timeout: 'soon', 'fail-fast': 'yes', resources: 'nope/x' });
    expect(error.inputs).toEqual(['resources', 'namespace', 'timeout', 'fail-fast']);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('4 inputs are not valid:');
    expect(error.message).toContain("\n- Input 'namespace' must be a Kubernetes namespace name");
    expect(error.message).toContain(
      "\n- Input 'resources' has a problem:\n    line 1: 'nope/x': unknown kind 'nope'\n  Known kinds: ",
    );
    expect(error.message).toContain(
      "\n- Input 'fail-fast' must be true, false or a grace period such as 45s",
    );
    expect(error.message).toContain(
      "\n- Input 'timeout' must be a Go duration such as 90s, 5m or 1h30m; got 'soon'.",
    );
  });

  it('never shows a secret input, whatever else is wrong', () => {
    const kubeconfig = 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: kube-s3cret-token\n';
    const token = 'ghs_S3cretGitHubToken';
    const bad: Partial<Record<InputName, string>> = {
      command: 'go',
      resources: 'ks/Bad\nnope/x\nks/',
      namespace: 'NS',
      selector: 'a b',
      'with-source': 'maybe',
      revision: 'main',
      timeout: 'x',
      'fail-fast': 'x',
      force: 'x',
      reset: 'x',
      'export-kubeconfig': 'x',
      version: 'x',
      install: 'x',
      'download-url': 'x',
      summary: 'x',
    };
    const error = errorOf({ ...bad, kubeconfig, token, context: 'ctx' });
    expect(error.inputs).toHaveLength(Object.keys(bad).length);
    for (const secret of ['kube-s3cret-token', 'S3cretGitHub', 'apiVersion']) {
      expect(error.message).not.toContain(secret);
    }
  });
});

describe('readConfig: warnings for inputs that cannot act', () => {
  it.each<[string, Partial<Record<InputName, string>>, string[]]>([
    [
      'force without a HelmRelease',
      { resources: 'ks/apps', force: 'true' },
      ["Input 'force' applies to HelmReleases only, and 'resources' names none; it has no effect."],
    ],
    [
      'reset without a HelmRelease',
      { resources: 'git/flux-system, ks/*', reset: 'true' },
      ["Input 'reset' applies to HelmReleases only, and 'resources' names none; it has no effect."],
    ],
    ['force with a HelmRelease', { resources: 'ks/apps\nhr/podinfo', force: 'true', reset: 'true' }, []],
    ['force with all', { resources: 'all', force: 'true' }, []],
    [
      'force with wait',
      { resources: 'hr/podinfo', force: 'true', command: 'wait' },
      [
        "Input 'force' has no effect with command 'wait', which requests no reconcile; remove it or use command: reconcile.",
      ],
    ],
    [
      'reset with suspend',
      { resources: 'hr/podinfo', reset: 'true', command: 'suspend' },
      [
        "Input 'reset' has no effect with command 'suspend', which requests no reconcile; remove it or use command: reconcile.",
      ],
    ],
    ['force with resume', { resources: 'hr/podinfo', force: 'true', command: 'resume' }, []],
    [
      'selector without a wildcard',
      { resources: 'ks/apps', selector: 'app=web' },
      ["Input 'selector' narrows only kind/* and all entries, and 'resources' has none; it has no effect."],
    ],
    ['selector with a wildcard', { resources: 'ks/*', selector: 'app=web' }, []],
    ['selector with all', { resources: 'all', selector: 'app=web' }, []],
    [
      'nothing to wait for',
      { command: 'wait' },
      [
        "Input 'resources' is empty, so the action only installs the flux CLI; 'command' and 'revision' have no effect. Name objects such as kustomization/apps to wait them.",
      ],
    ],
    [
      'a revision with nothing to check',
      { revision: SHA },
      [
        "Input 'resources' is empty, so the action only installs the flux CLI; 'command' and 'revision' have no effect. Name objects such as kustomization/apps to reconcile them.",
      ],
    ],
    [
      'revision with suspend',
      { resources: 'ks/apps', command: 'suspend', revision: SHA },
      ["Input 'revision' has no effect with command 'suspend', which waits for no revision; remove it."],
    ],
    ['revision with wait', { resources: 'ks/apps', command: 'wait', revision: SHA }, []],
    [
      'revision and with-source with diff',
      { resources: 'ks/apps', command: 'diff', revision: SHA, 'with-source': 'true' },
      [
        "Input 'revision' has no effect with command 'diff', which requests and waits for nothing; remove it.",
        "Input 'with-source' has no effect with command 'diff', which requests and waits for nothing; remove it.",
      ],
    ],
    [
      'force with diff',
      { resources: 'hr/podinfo', command: 'diff', force: 'true' },
      [
        "Input 'force' has no effect with command 'diff', which requests no reconcile; remove it or use command: reconcile.",
      ],
    ],
    [
      'diff inputs with another command',
      { resources: 'ks/apps', 'path-root': './fleet', 'fail-on-change': 'true' },
      [
        "Input 'path-root' applies to command 'diff' only; it has no effect with 'reconcile'.",
        "Input 'fail-on-change' applies to command 'diff' only; it has no effect with 'reconcile'.",
      ],
    ],
    [
      'diff inputs with diff',
      { resources: 'all', command: 'diff', 'path-root': '.', 'fail-on-change': 'true' },
      [],
    ],
    ['install only', { version: '2.9.6' }, []],
  ])('%s', (_what, values, expected) => {
    expect(read(values).warnings).toEqual(expected);
  });
});

describe('readConfig: any input at all', () => {
  const names = Object.keys(INPUT_DEFAULTS) as InputName[];
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom(
      '',
      'true',
      'false',
      'ks/apps',
      'all',
      '5m',
      SHA,
      'main',
      'latest',
      'https://x',
      'a=b',
      '- kind: ks',
    ),
  );
  const inputs = fc.record(
    Object.fromEntries(names.map((n) => [n, value])) as Record<InputName, typeof value>,
    {
      requiredKeys: [],
    },
  );

  it('gives a config or a ConfigError naming inputs, and never shows the secret inputs', () => {
    const kubeconfig = 'apiVersion: v1\nusers:\n- user: {token: kube-s3cret-token}\n';
    const token = 'ghs_S3cretGitHubToken';
    fc.assert(
      fc.property(inputs, (values) => {
        const warnings: string[] = [];
        const all = { ...values, kubeconfig, token };
        try {
          const config = readConfig(
            (name) => all[name as InputName] ?? '',
            (m) => warnings.push(m),
          );
          expect(config.install.token).toBe(token);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const { message, inputs: named } = error as ConfigError;
          expect(named.length).toBeGreaterThan(0);
          for (const input of named) expect(message).toContain(`Input '${input}'`);
          expect(message).not.toContain('s3cret');
          expect(message).not.toContain('S3cret');
        }
        for (const warning of warnings) expect(warning).not.toMatch(/s3cret/i);
      }),
      { numRuns: 500 },
    );
  });
});

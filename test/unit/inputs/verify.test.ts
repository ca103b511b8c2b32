// The inputs of the checks after Ready: `workloads`, `stable-for` (against `timeout`) and `verify-url`, as a
// person writes them; each bad value is refused with the input's name and a value that works.
import { describe, expect, it } from 'vitest';
import { ConfigError, type InputName, readConfig } from '../../../src/inputs/read.js';

function read(values: Partial<Record<InputName, string>>) {
  const warnings: string[] = [];
  const config = readConfig(
    (name) => values[name as InputName] ?? '',
    (m) => warnings.push(m),
  );
  return { config: config.reconcile, warnings };
}

function refusal(values: Partial<Record<InputName, string>>): string {
  try {
    read(values);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('not refused');
}

describe('workloads', () => {
  it.each([
    ['', 'auto'],
    ['auto', 'auto'],
    ['true', 'always'],
    ['TRUE', 'always'],
    ['false', 'never'],
    ['False', 'never'],
  ])('%j is %s', (value, mode) => {
    expect(read({ resources: 'ks/apps', workloads: value }).config.workloads).toBe(mode);
  });

  it('refuses anything else, naming the three values', () => {
    expect(refusal({ workloads: 'yes' })).toBe(
      "Input 'workloads' must be auto (judge the workloads no controller health-checked), true (all) or false (none); got 'yes'.",
    );
    // Not a key of some object: a name every object has is refused like any other word.
    expect(refusal({ workloads: 'toString' })).toMatch(/^Input 'workloads' must be auto/);
  });
});

describe('stable-for', () => {
  it('is off by default, and a duration inside timeout', () => {
    expect(read({ resources: 'ks/apps' }).config.stableForMs).toBe(0);
    expect(read({ resources: 'ks/apps', 'stable-for': '2m', timeout: '10m' }).config.stableForMs).toBe(
      120_000,
    );
  });

  it('that leaves no time to reconcile first is refused, with the arithmetic', () => {
    expect(refusal({ 'stable-for': '5m', timeout: '5m' })).toBe(
      "Input 'stable-for' (5m00s) leaves no time within 'timeout' (5m00s): the soak counts inside the timeout, and 5m00s − 5m00s = 0ms is less than the 30s left at least to reconcile and roll out first. Raise 'timeout' to 5m30s or more, or shorten 'stable-for'.",
    );
    expect(refusal({ 'stable-for': '1m', timeout: '45s' })).toContain('45s − 1m00s = -15s');
  });

  it('refuses what is not a duration', () => {
    expect(refusal({ 'stable-for': '30' })).toContain(
      "Input 'stable-for' must be a Go duration such as 30s or 2m",
    );
  });
});

describe('verify-url', () => {
  it('one URL per line, then the status and the text the answer must have', () => {
    const urls = read({
      resources: 'ks/apps',
      'verify-url':
        '# the app\nhttps://shop.example.com/healthz\nhttps://shop.example.com/version 200 v1.2.3 (abc)\n',
    }).config.verifyUrls;
    expect(urls).toEqual([
      { url: 'https://shop.example.com/healthz', allowInsecure: false },
      { url: 'https://shop.example.com/version', status: 200, body: 'v1.2.3 (abc)', allowInsecure: false },
    ]);
  });

  it('`environment` stands for environment-url', () => {
    const urls = read({
      resources: 'ks/apps',
      'environment-url': 'https://preview-12.example.com',
      'verify-url': 'environment 204',
    }).config.verifyUrls;
    expect(urls).toEqual([{ url: 'https://preview-12.example.com/', status: 204, allowInsecure: false }]);
    expect(refusal({ 'verify-url': 'environment' })).toContain(
      "'environment' stands for the 'environment-url' input, which is empty",
    );
  });

  it('refuses a user name or password, and never shows it', () => {
    const message = refusal({ 'verify-url': 'https://ci:s3cret@shop.example.com/healthz' });
    expect(message).toContain("Input 'verify-url' line 1:");
    expect(message).toContain('holds a user name or password');
    expect(message).not.toContain('s3cret');
  });

  it('plain http only to the runner itself, or with allow-insecure-verify-url', () => {
    expect(refusal({ 'verify-url': 'http://shop.example.com/' })).toContain(
      'is plain http: anyone on the network path could answer for the app. Use https, or set allow-insecure-verify-url: true.',
    );
    expect(
      read({ resources: 'ks/apps', 'verify-url': 'http://127.0.0.1:8080/healthz' }).config.verifyUrls,
    ).toHaveLength(1);
    const allowed = read({
      resources: 'ks/apps',
      'verify-url': 'http://shop.internal/healthz',
      'allow-insecure-verify-url': 'true',
    }).config.verifyUrls;
    expect(allowed).toEqual([{ url: 'http://shop.internal/healthz', allowInsecure: true }]);
  });

  it('refuses what is not an http(s) URL, with the line', () => {
    expect(refusal({ 'verify-url': 'https://a.example.com\nftp://files.example.com' })).toContain(
      "Input 'verify-url' line 2: 'ftp://files.example.com' is not an http(s) URL",
    );
  });
});

describe('the checks after Ready with a command that rolls nothing out', () => {
  it('warns that they have no effect', () => {
    const { warnings } = read({
      command: 'suspend',
      resources: 'ks/apps',
      'stable-for': '1m',
      'verify-url': 'https://shop.example.com',
    });
    expect(warnings).toEqual([
      "Input 'stable-for' acts once objects are Ready, and command 'suspend' rolls nothing out; it has no effect.",
      "Input 'verify-url' acts once objects are Ready, and command 'suspend' rolls nothing out; it has no effect.",
    ]);
  });
});

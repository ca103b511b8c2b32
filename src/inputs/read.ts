// Every input of action.yml is read and checked here, and nowhere else. A bad value becomes a ConfigError
// whose message names the input, says what is wrong and shows a right value; all bad inputs are reported
// together. Secret inputs (kubeconfig, token) are passed through untouched and never appear in a message.
//
// Decisions (documented in the README):
// - An empty input takes the default of action.yml, so running outside a workflow behaves the same.
// - `force`/`reset` where they cannot act (no kind that takes them named, or a command that requests nothing) and a
//   `selector` with nothing to narrow are warnings, not errors: the run still does what was asked.
// - `revision` refuses a branch name or moving tag (`main`, `latest`): such a gate would prove nothing.
import * as core from '@actions/core';
import { MAX_TIMER_MS } from '../base/deadline.js';
import { parseGoDuration } from '../base/duration.js';
import { hideUserInfo, isLoopbackUrl } from '../base/url-credentials.js';
import { DIFFABLE_KINDS, FORCEABLE_KINDS, findKind, KINDS_IN_ALL } from '../flux/kinds.js';
import { expectedRevisionProblem } from '../flux/revision.js';
import { COMMAND_NAMES, type Command, commandSpec, findCommand } from './commands.js';
import { FALSE_WORDS, isInsecureHttp, parseBoolean as parseFlag, TRUE_WORDS } from './flags.js';
import {
  GITHUB_INPUT_DEFAULTS,
  parseEnvironmentName,
  parseEnvironmentUrl,
  parsePrNumber,
  parseStatusContext,
  warnAboutUselessGitHubInputs,
} from './github.js';
import { isDnsLabel, isDnsSubdomain, LABEL_RULE, parseResources, quoteInput } from './resources.js';
import { checkTriggerFits, parseTrigger } from './trigger.js';
import { type Config, ConfigError, type ResourceSelector } from './types.js';
import { parseStableFor, parseVerifyUrls, parseWorkloadsMode } from './verify.js';

export type { Config };
export { ConfigError };

export type GetInput = (name: string) => string;
export type Warn = (message: string) => void;

/** The defaults of action.yml, in its order (a test keeps the two in step). */
export const INPUT_DEFAULTS = {
  command: 'reconcile',
  resources: '',
  namespace: 'flux-system',
  selector: '',
  'with-source': 'false',
  follow: 'true',
  'max-objects': '2000',
  revision: '',
  timeout: '5m',
  'fail-fast': 'true',
  workloads: 'auto',
  'stable-for': '',
  'verify-url': '',
  'allow-insecure-verify-url': 'false',
  force: 'false',
  reset: 'false',
  'path-root': '',
  'fail-on-change': 'false',
  trigger: 'patch',
  'receiver-url': '',
  'receiver-secret': '',
  'receiver-type': 'generic',
  'allow-insecure-receiver': 'false',
  'oidc-audience': 'notification-controller',
  kubeconfig: '',
  context: '',
  'export-kubeconfig': 'true',
  version: 'latest',
  install: 'true',
  'download-url': 'https://github.com/fluxcd/flux2/releases/download',
  'allow-insecure-download': 'false',
  token: '',
  summary: 'true',
  ...GITHUB_INPUT_DEFAULTS,
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

/** The longest timeout: the longest delay Node.js timers accept (about 24.8 days). */
export const MAX_TIMEOUT_MS = MAX_TIMER_MS;
const MAX_REVISION_LENGTH = 255;

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function fail(input: InputName, message: string): never {
  throw new ConfigError(input, message);
}

export function parseBoolean(input: InputName, value: string): boolean {
  return parseFlag(input, value);
}

function parseCommand(value: string): Command {
  const command = findCommand(value);
  if (command) return command;
  fail(
    'command',
    `Input 'command' must be one of ${COMMAND_NAMES.join(', ')}, e.g. reconcile; got ${quoteInput(value)}.`,
  );
}

export function parseTimeout(value: string): number {
  const example = 'such as 90s, 5m or 1h30m';
  let ms: number;
  try {
    ms = parseGoDuration(value);
  } catch {
    const hint = /^\d+(\.\d+)?$/.test(value) ? ` (add a unit: ${value}s or ${value}m)` : '';
    fail('timeout', `Input 'timeout' must be a Go duration ${example}; got ${quoteInput(value)}${hint}.`);
  }
  if (ms <= 0)
    fail('timeout', `Input 'timeout' must be longer than zero, ${example}; got ${quoteInput(value)}.`);
  if (ms > MAX_TIMEOUT_MS) {
    fail(
      'timeout',
      `Input 'timeout' must be at most 596h (the longest a Node.js timer waits), such as 1h30m; got ${quoteInput(value)}.`,
    );
  }
  return Math.ceil(ms);
}

/**
 * `fail-fast`: true fails on the first failure (0 ms of grace), false never fails on a failure the
 * controller will retry (it waits for the timeout), and a duration grants the controller's retries that long.
 */
export function parseFailFast(value: string): number {
  if (TRUE_WORDS.includes(value)) return 0;
  if (FALSE_WORDS.includes(value)) return Number.POSITIVE_INFINITY;
  let ms: number | undefined;
  try {
    ms = parseGoDuration(value);
  } catch {
    ms = undefined;
  }
  if (ms === undefined || ms < 0 || ms > MAX_TIMEOUT_MS) {
    fail(
      'fail-fast',
      `Input 'fail-fast' must be true, false or a grace period such as 45s (a failure then counts only if no retry succeeds within it); got ${quoteInput(value)}.`,
    );
  }
  return Math.ceil(ms);
}

export function parseMaxObjects(value: string): number {
  const count = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (count >= 1) return count;
  fail(
    'max-objects',
    `Input 'max-objects' must be a whole number of Flux objects, at least 1, such as 2000; got ${quoteInput(value)}.`,
  );
}

export function parseNamespace(value: string): string {
  if (isDnsLabel(value)) return value;
  fail(
    'namespace',
    `Input 'namespace' must be a Kubernetes namespace name (${LABEL_RULE}), such as flux-system; got ${quoteInput(value)}.`,
  );
}

export function parseVersion(value: string): string {
  if (value.toLowerCase() === 'latest') return 'latest';
  if (SEMVER.test(value)) return value.replace(/^v/, '');
  fail(
    'version',
    `Input 'version' must be latest or a flux version such as 2.9.6 or v2.9.6; got ${quoteInput(value)}.`,
  );
}

export function parseDownloadUrl(value: string, allowInsecure = false): string {
  const example = 'a base URL laid out like https://github.com/fluxcd/flux2/releases/download';
  const shown = quoteInput(hideUserInfo(value));
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('download-url', `Input 'download-url' must be an http(s) URL, ${example}; got ${shown}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail('download-url', `Input 'download-url' must be an http(s) URL, ${example}; got ${shown}.`);
  }
  if (url.search !== '' || url.hash !== '') {
    fail(
      'download-url',
      `Input 'download-url' must have no query or fragment (file names are appended to it), ${example}; got ${shown}.`,
    );
  }
  // The checksums file comes from the same place as the archive: over plain http it protects nothing.
  if (isInsecureHttp(url, allowInsecure)) {
    fail(
      'download-url',
      `Input 'download-url' is plain http (${shown}): anyone on the network path could replace the archive ` +
        'and its checksums file together. Use https, or set allow-insecure-download: true for a mirror that only speaks http.',
    );
  }
  return value.replace(/\/+$/, '');
}

export function parseRevisionInput(value: string): string {
  const example =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression the person can paste
    'a commit SHA (full, or at least 7 characters; usually ${{ github.sha }}), a version tag such as v1.2.3, ' +
    'an OCI digest such as sha256:<hex>, or a whole Flux revision such as main@sha1:<sha>';
  const problem =
    value.length > MAX_REVISION_LENGTH
      ? `it is longer than ${MAX_REVISION_LENGTH} characters`
      : expectedRevisionProblem(value);
  if (problem === undefined) return value;
  const tagHint = problem.startsWith('a branch')
    ? ' For a tag that is not a version, write refs/tags/<tag>.'
    : '';
  fail('revision', `Input 'revision' must be ${example}; got ${quoteInput(value)}: ${problem}.${tagHint}`);
}

// Kubernetes label selectors (k8s.io/apimachinery labels.Parse): `key`, `!key`, `key=v`, `key==v`,
// `key!=v`, `key in (a,b)`, `key notin (a,b)`, `key>1`, `key<1`, joined by commas.
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const KEY_CHARS = '[^\\s!=,()<>]+';
const EXISTS = new RegExp(`^(!)?\\s*(${KEY_CHARS})$`);
const EQUALITY = new RegExp(`^(${KEY_CHARS})\\s*(==|=|!=)\\s*([^\\s!=,()<>]*)$`);
const SET = new RegExp(`^(${KEY_CHARS})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const NUMERIC = new RegExp(`^(${KEY_CHARS})\\s*(<|>)\\s*(-?\\d+)$`);

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (!isDnsSubdomain(prefix)) return `key prefix ${quoteInput(prefix, 40)} is not a DNS subdomain`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name))
    return `key ${quoteInput(key, 60)} is not a valid label key`;
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && LABEL_NAME.test(value))) return undefined;
  return `value ${quoteInput(value, 60)} is not a valid label value`;
}

/** Splits at commas outside parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim());
}

function requirementProblem(requirement: string): string | undefined {
  if (requirement === '') return 'an empty requirement (two commas in a row?)';
  let m = SET.exec(requirement);
  if (m) {
    const values = m[3]!.split(',').map((v) => v.trim());
    if (values.every((v) => v === '')) return `${quoteInput(requirement, 60)} has an empty set of values`;
    return labelKeyProblem(m[1]!) ?? values.map(labelValueProblem).find((p) => p !== undefined);
  }
  m = EQUALITY.exec(requirement) ?? NUMERIC.exec(requirement);
  if (m) return labelKeyProblem(m[1]!) ?? labelValueProblem(m[3]!);
  m = EXISTS.exec(requirement);
  if (m) return labelKeyProblem(m[2]!);
  return `${quoteInput(requirement, 60)} is not a requirement`;
}

export function parseSelector(value: string): string {
  if (value === '') return value;
  const problem = requirements(value)
    .map(requirementProblem)
    .find((p) => p !== undefined);
  if (problem === undefined) return value;
  fail(
    'selector',
    `Input 'selector' must be a Kubernetes label selector such as app.kubernetes.io/part-of=shop or tier in (web,api); got ${quoteInput(value)}: ${problem}.`,
  );
}

/** Runs one input's parser; a ConfigError is collected so that every bad input is reported at once. */
class Collector {
  readonly errors: ConfigError[] = [];

  take<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.errors.push(error);
      return fallback;
    }
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0];
    // In the order of action.yml, which is the order a person reads their workflow step in.
    const order = Object.keys(INPUT_DEFAULTS);
    const rank = (e: ConfigError): number => order.indexOf(e.inputs[0] ?? '');
    const errors = [...this.errors].sort((a, b) => rank(a) - rank(b));
    throw new ConfigError(
      errors.flatMap((e) => e.inputs),
      `${errors.length} inputs are not valid:\n${errors.map((e) => `- ${e.message.replaceAll('\n', '\n  ')}`).join('\n')}`,
    );
  }
}

/** `command: diff` takes the kinds that have something to diff (Kustomizations, HelmReleases). */
function checkDiffResources(selectors: readonly ResourceSelector[]): void {
  const other = selectors.find((s) => findKind(s.kind)?.diff === undefined);
  if (!other) return;
  const kinds = DIFFABLE_KINDS.map((k) => `${k.kind}s`).join(' and ');
  fail(
    'resources',
    `Input 'resources' with command 'diff' takes ${kinds} only, such as kustomization/apps or all; got ${other.kind} ${other.namespace}/${other.name}. A source has nothing to diff: name the Kustomizations that apply it.`,
  );
}

function warnAboutDiffInputs(config: Config, warn: Warn): void {
  const r = config.reconcile;
  if (commandSpec(r.command).family !== 'diff') {
    for (const [input, on] of [
      ['path-root', config.diff.pathRoot !== ''],
      ['fail-on-change', config.diff.failOnChange],
    ] as const) {
      if (on) warn(`Input '${input}' applies to command 'diff' only; it has no effect with '${r.command}'.`);
    }
    return;
  }
  for (const [input, on] of [
    ['revision', r.revision !== ''],
    ['with-source', r.withSource],
  ] as const) {
    if (on)
      warn(
        `Input '${input}' has no effect with command 'diff', which requests and waits for nothing; remove it.`,
      );
  }
}

function warnAboutUselessInputs(config: Config, warn: Warn): void {
  const r = config.reconcile;
  const nothingSelected = r.resources.length === 0 && !r.all;
  if (nothingSelected) {
    if (r.command !== INPUT_DEFAULTS.command || r.revision !== '') {
      warn(
        `Input 'resources' is empty, so the action only installs the flux CLI; 'command' and 'revision' have no effect. Name objects such as kustomization/apps to ${r.command} them.`,
      );
    }
    return;
  }
  const forceableNamed =
    (r.all && KINDS_IN_ALL.some((k) => k.forceAndReset)) ||
    r.resources.some((s) => findKind(s.kind)?.forceAndReset);
  const forceable = FORCEABLE_KINDS.map((k) => `${k.kind}s`).join(' and ');
  for (const [input, on] of [
    ['force', r.force],
    ['reset', r.reset],
  ] as const) {
    if (!on) continue;
    if (!commandSpec(r.command).requestsReconcile) {
      warn(
        `Input '${input}' has no effect with command '${r.command}', which requests no reconcile; remove it or use command: reconcile.`,
      );
    } else if (!forceableNamed) {
      warn(`Input '${input}' applies to ${forceable} only, and 'resources' names none; it has no effect.`);
    }
  }
  if (r.revision !== '' && !commandSpec(r.command).takesRevision && commandSpec(r.command).family === 'run') {
    warn(`Input 'revision' has no effect with command 'suspend', which waits for no revision; remove it.`);
  }
  warnAboutChecksAfterReady(r, warn);
  if (r.selector !== '' && !r.all && !r.resources.some((s) => s.name === '*')) {
    warn(`Input 'selector' narrows only kind/* and all entries, and 'resources' has none; it has no effect.`);
  }
}

/** `workloads`, `stable-for` and `verify-url` act after Ready: a command that ends elsewhere ignores them. */
function warnAboutChecksAfterReady(r: Config['reconcile'], warn: Warn): void {
  if (commandSpec(r.command).judgesWorkloads) return;
  for (const [input, on] of [
    ['workloads', r.workloads !== INPUT_DEFAULTS.workloads],
    ['stable-for', r.stableForMs > 0],
    ['verify-url', r.verifyUrls.length > 0],
  ] as const) {
    if (on)
      warn(
        `Input '${input}' acts once objects are Ready, and command '${r.command}' rolls nothing out; it has no effect.`,
      );
  }
}

function warnAboutInsecureDownload({ install }: Config, warn: Warn): void {
  if (!install.install || !install.allowInsecureDownload || !install.downloadUrl.startsWith('http:')) return;
  const url = new URL(install.downloadUrl);
  if (isLoopbackUrl(url)) return;
  warn(
    `Input 'download-url' is plain http and allow-insecure-download is true: the flux archive and its checksums come unprotected from ${url.host}.`,
  );
}

// Untrimmed, so that line numbers in `resources` messages count from the first line the person wrote.
const defaultGetInput: GetInput = (name) => core.getInput(name, { trimWhitespace: false });

/** Reads and checks every input. Throws a ConfigError listing every bad input. */
export function readConfig(getInput: GetInput = defaultGetInput, warn: Warn = core.warning): Config {
  const read = (name: InputName): string => getInput(name).trim() || INPUT_DEFAULTS[name];
  const resourcesText = getInput('resources');
  const inputs = new Collector();
  const flag = (name: InputName): boolean =>
    inputs.take(() => parseBoolean(name, read(name)), INPUT_DEFAULTS[name] === 'true');

  const namespace = inputs.take(() => parseNamespace(read('namespace')), INPUT_DEFAULTS.namespace);
  const resources = inputs.take(() => parseResources(resourcesText, namespace), {
    selectors: [],
    all: false,
  });
  const allowInsecureDownload = flag('allow-insecure-download');
  const timeoutMs = inputs.take(() => parseTimeout(read('timeout')), 0);
  const environmentUrl = inputs.take(() => parseEnvironmentUrl(read('environment-url')), '');
  const config: Config = {
    install: {
      install: flag('install'),
      version: inputs.take(() => parseVersion(read('version')), 'latest'),
      downloadUrl: inputs.take(() => parseDownloadUrl(read('download-url'), allowInsecureDownload), ''),
      allowInsecureDownload,
      token: read('token'),
    },
    cluster: {
      kubeconfig: read('kubeconfig'),
      context: read('context'),
      exportKubeconfig: flag('export-kubeconfig'),
    },
    reconcile: {
      command: inputs.take(() => parseCommand(read('command')), 'reconcile'),
      resources: resources.selectors,
      all: resources.all,
      namespace,
      selector: inputs.take(() => parseSelector(read('selector')), ''),
      withSource: flag('with-source'),
      follow: flag('follow'),
      maxObjects: inputs.take(
        () => parseMaxObjects(read('max-objects')),
        Number(INPUT_DEFAULTS['max-objects']),
      ),
      timeoutMs,
      revision: inputs.take(() => parseRevisionInput(read('revision')), ''),
      force: flag('force'),
      reset: flag('reset'),
      failFastGraceMs: inputs.take(() => parseFailFast(read('fail-fast')), 0),
      workloads: inputs.take(() => parseWorkloadsMode(read('workloads')), 'auto'),
      stableForMs: inputs.take(() => parseStableFor(read('stable-for'), timeoutMs), 0),
      verifyUrls: inputs.take(
        () => parseVerifyUrls(getInput('verify-url'), environmentUrl, flag('allow-insecure-verify-url')),
        [],
      ),
    },
    diff: { pathRoot: read('path-root'), failOnChange: flag('fail-on-change') },
    trigger: inputs.take(() => parseTrigger(read), { kind: 'patch' }),
    summary: flag('summary'),
    github: {
      deployment: inputs.take(() => parseEnvironmentName(read('github-deployment')), ''),
      environmentUrl,
      commitStatus: flag('commit-status'),
      statusContext: inputs.take(() => parseStatusContext(read('status-context')), ''),
      prComment: flag('pr-comment'),
      prNumber: inputs.take(() => parsePrNumber(read('pr-number')), undefined),
      token: read('token'),
    },
  };
  if (commandSpec(config.reconcile.command).family === 'diff')
    inputs.take(() => checkDiffResources(resources.selectors), undefined);
  inputs.take(() => checkTriggerFits(config), undefined);
  inputs.throwIfAny();
  warnAboutUselessInputs(config, warn);
  warnAboutDiffInputs(config, warn);
  const nothingSelected = config.reconcile.resources.length === 0 && !config.reconcile.all;
  warnAboutUselessGitHubInputs(config.github, config.reconcile.command, nothingSelected, warn);
  warnAboutInsecureDownload(config, warn);
  return config;
}

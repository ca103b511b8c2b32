// The inputs of the checks after Ready: `workloads`, `stable-for` and `verify-url`. Each value is checked
// here with a message naming the input; `stable-for` is checked against `timeout`, which must leave time to
// reconcile and roll out before the soak.
import { formatDuration, parseGoDuration } from '../base/duration.js';
import { hideUserInfo } from '../base/url-credentials.js';
import { FALSE_WORDS, isInsecureHttp, TRUE_WORDS } from './flags.js';
import { quoteInput } from './resources.js';
import { ConfigError, type VerifyUrl, type WorkloadsMode } from './types.js';

/** What the run needs at least before a soak: the request, the controller's work and a rollout. */
export const MIN_TIME_BEFORE_SOAK_MS = 30_000;
const MAX_VERIFY_URLS = 10;
const MAX_BODY_TEXT_CHARS = 200;

export function parseWorkloadsMode(value: string): WorkloadsMode {
  if (value === 'auto') return 'auto';
  if (TRUE_WORDS.includes(value)) return 'always';
  if (FALSE_WORDS.includes(value)) return 'never';
  throw new ConfigError(
    'workloads',
    `Input 'workloads' must be auto (judge the workloads no controller health-checked), true (all) or false (none); got ${quoteInput(value)}.`,
  );
}

/** `stable-for`: empty or 0 is no soak; a duration must leave MIN_TIME_BEFORE_SOAK_MS of `timeout` before it. */
export function parseStableFor(value: string, timeoutMs: number): number {
  if (value === '' || value === '0') return 0;
  let ms: number | undefined;
  try {
    ms = parseGoDuration(value);
  } catch {
    ms = undefined;
  }
  if (ms === undefined || ms < 0) {
    throw new ConfigError(
      'stable-for',
      `Input 'stable-for' must be a Go duration such as 30s or 2m (how long everything must stay Ready once rolled out); got ${quoteInput(value)}.`,
    );
  }
  const left = timeoutMs - ms;
  if (timeoutMs > 0 && left < MIN_TIME_BEFORE_SOAK_MS) {
    const needed = formatDuration(Math.ceil(ms) + MIN_TIME_BEFORE_SOAK_MS);
    throw new ConfigError(
      'stable-for',
      `Input 'stable-for' (${formatDuration(ms)}) leaves no time within 'timeout' (${formatDuration(timeoutMs)}): the soak counts inside the timeout, ` +
        `and ${formatDuration(timeoutMs)} − ${formatDuration(ms)} = ${formatDuration(left)} is less than the ${formatDuration(MIN_TIME_BEFORE_SOAK_MS)} ` +
        `left at least to reconcile and roll out first. Raise 'timeout' to ${needed} or more, or shorten 'stable-for'.`,
    );
  }
  return Math.ceil(ms);
}

function lineProblem(line: number, message: string): ConfigError {
  return new ConfigError('verify-url', `Input 'verify-url' line ${line}: ${message}`);
}

const EXAMPLE =
  'write a URL, then optionally the status and text the answer must have: https://app.example.com/version 200 v1.2.3';

/** The URL of one line, checked: http(s), no user info, plain http only to the runner or when allowed. */
function checkedUrl(text: string, line: number, allowInsecure: boolean): URL {
  const shown = quoteInput(hideUserInfo(text));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw lineProblem(line, `${shown} is not a URL; ${EXAMPLE}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw lineProblem(line, `${shown} is not an http(s) URL; ${EXAMPLE}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw lineProblem(
      line,
      `${shown} holds a user name or password, which would show in the log and the summary; verify an address that needs no credentials (a health endpoint).`,
    );
  }
  if (isInsecureHttp(url, allowInsecure)) {
    throw lineProblem(
      line,
      `${shown} is plain http: anyone on the network path could answer for the app. Use https, or set allow-insecure-verify-url: true.`,
    );
  }
  return url;
}

/** One line: `URL [status] [body text]`, or `environment [status] [body text]` for `environment-url`. */
function parseLine(text: string, line: number, environmentUrl: string, allowInsecure: boolean): VerifyUrl {
  const [first = '', ...rest] = text.split(/\s+/);
  let address = first;
  if (first === 'environment') {
    if (!environmentUrl) {
      throw lineProblem(
        line,
        "'environment' stands for the 'environment-url' input, which is empty; set it or write the URL.",
      );
    }
    address = environmentUrl;
  }
  const url = checkedUrl(address, line, allowInsecure);
  const status = rest[0] && /^[1-5]\d\d$/.test(rest[0]) ? Number(rest.shift()) : undefined;
  const body = rest.join(' ');
  if (body.length > MAX_BODY_TEXT_CHARS) {
    throw lineProblem(
      line,
      `the expected text is longer than ${MAX_BODY_TEXT_CHARS} characters; give a short part of the answer, such as a version.`,
    );
  }
  return {
    url: url.toString(),
    ...(status !== undefined ? { status } : {}),
    ...(body ? { body } : {}),
    allowInsecure,
  };
}

/** `verify-url`: one URL per line, `#` starts a comment line. */
export function parseVerifyUrls(text: string, environmentUrl: string, allowInsecure: boolean): VerifyUrl[] {
  const urls: VerifyUrl[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    urls.push(parseLine(line, index + 1, environmentUrl, allowInsecure));
  }
  if (urls.length > MAX_VERIFY_URLS) {
    throw new ConfigError(
      'verify-url',
      `Input 'verify-url' names ${urls.length} URLs; at most ${MAX_VERIFY_URLS} are asked. Verify one health endpoint per app.`,
    );
  }
  return urls;
}

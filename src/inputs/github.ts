// The inputs that report back to GitHub: a Deployment, a commit status, a pull request comment.
// Each value is checked here with a message naming the input; inputs that cannot act are warnings.
import { type Command, commandSpec } from './commands.js';
import { quoteInput } from './resources.js';
import { ConfigError, type GitHubReportConfig } from './types.js';

export const GITHUB_INPUT_DEFAULTS = {
  'github-deployment': '',
  'environment-url': '',
  'commit-status': 'false',
  'status-context': '',
  'pr-comment': 'false',
  'pr-number': '',
} as const;

type GitHubInputName = keyof typeof GITHUB_INPUT_DEFAULTS;

// GitHub refuses environment names over 255 characters; a status context is kept to the same size.
const MAX_NAME_CHARS = 255;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001F\u007F]/;

function fail(input: GitHubInputName, message: string): never {
  throw new ConfigError(input, message);
}

function parseName(input: GitHubInputName, value: string, example: string): string {
  if (value === '') return value;
  if (value.length > MAX_NAME_CHARS || CONTROL_CHARS.test(value)) {
    fail(
      input,
      `Input '${input}' must be one line of at most ${MAX_NAME_CHARS} characters, such as ${example}; got ${quoteInput(value)}.`,
    );
  }
  return value;
}

/** An environment name as GitHub shows it under Environments, e.g. `production`. */
export function parseEnvironmentName(value: string): string {
  return parseName('github-deployment', value, 'production or preview-pr-12');
}

/** The name after `flux/` in the commit status context, e.g. `production`. */
export function parseStatusContext(value: string): string {
  return parseName('status-context', value, 'production');
}

/** The environment's address, shown as the deployment's link: public, so never with user:password. */
export function parseEnvironmentUrl(value: string): string {
  if (value === '') return value;
  const example = 'an http(s) URL such as https://shop.example.com';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    fail('environment-url', `Input 'environment-url' must be ${example}; got ${quoteInput(value)}.`);
  }
  if (url.username !== '' || url.password !== '') {
    fail(
      'environment-url',
      `Input 'environment-url' must not hold a user name or password: GitHub shows it to everyone who can read the repository. Use ${example}.`,
    );
  }
  return value;
}

export function parsePrNumber(value: string): number | undefined {
  if (value === '') return undefined;
  const n = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1) {
    fail(
      'pr-number',
      `Input 'pr-number' must be a pull request number such as 42 (e.g. \${{ github.event.number }}); got ${quoteInput(value)}.`,
    );
  }
  return n;
}

/** Whether any of the three reports is asked for. */
export function reportsToGitHub(config: GitHubReportConfig): boolean {
  return config.deployment !== '' || config.commitStatus || config.prComment;
}

/** Inputs that were given but cannot act: said once, the run goes on. */
export function warnAboutUselessGitHubInputs(
  config: GitHubReportConfig,
  command: Command,
  nothingSelected: boolean,
  warn: (message: string) => void,
): void {
  if (reportsToGitHub(config) && (!commandSpec(command).reportsToGitHub || nothingSelected)) {
    const why = nothingSelected ? "'resources' is empty" : `'command' is ${command}, which deploys nothing`;
    warn(
      `Inputs 'github-deployment', 'commit-status' and 'pr-comment' report a reconcile or a wait; ${why}, so nothing is posted to GitHub.`,
    );
    return;
  }
  if (config.environmentUrl !== '' && config.deployment === '') {
    warn(
      `Input 'environment-url' is the link of the GitHub Deployment, and 'github-deployment' is empty; set it to an environment name such as production.`,
    );
  }
  if (config.statusContext !== '' && !config.commitStatus && !config.prComment) {
    warn(
      `Input 'status-context' names the commit status and the pull request comment, and neither 'commit-status' nor 'pr-comment' is true; it has no effect.`,
    );
  }
  if (config.prNumber !== undefined && !config.prComment) {
    warn(`Input 'pr-number' has no effect without 'pr-comment: true'.`);
  }
}

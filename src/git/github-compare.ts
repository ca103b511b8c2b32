// How two commits relate, answered by GitHub's compare endpoint
// (GET /repos/{owner}/{repo}/compare/{base}...{head}), when the source's URL is a repository on the
// GitHub server the workflow runs on: github.com, GHE.com or GitHub Enterprise Server.
import { errorMessage } from '../base/error-message.js';
import { retry } from '../base/retry.js';
import { oneLine } from '../base/text.js';
import { type GitHubGet, GitHubRequestAborted, type GitHubResponse, githubGet } from '../github/get.js';
import {
  defaultApiUrl,
  displayRepository,
  type GitHubRepository,
  githubRepositoryOf,
} from './repository-url.js';
import { type CommitQuestion, type CommitRelation, unknownRelation } from './types.js';

export interface GitHubQuestion extends CommitQuestion {
  apiUrl?: string;
  serverUrl?: string;
  token?: string;
  /** The workflow's repository (`owner/repo`): its GITHUB_TOKEN reads that one only. */
  repository?: string;
  /** The transport; the default is the action's GitHub client (github/get.ts). */
  get?: GitHubGet;
  /** The first wait before asking again (it doubles); the default suits GitHub, tests shorten it. */
  retryDelayMs?: number;
}

const TOKEN_FIX = 'pass `token` with `contents: read` on the repository';
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1000;
// A rate limit that lifts within this long is waited out; a longer one is the caller's to retry later.
const MAX_RATE_LIMIT_WAIT_MS = 5000;

type Answer = CommitRelation | { retryInMs: number; why: string; fix?: string };

interface Asked {
  question: GitHubQuestion;
  repo: GitHubRepository;
  apiUrl: string;
}

const STATUS_RELATIONS: Record<string, CommitRelation> = {
  ahead: { relation: 'contains', via: 'github' },
  behind: { relation: 'behind', via: 'github' },
  diverged: { relation: 'diverged', via: 'github' },
  identical: { relation: 'same' },
};

function header(response: GitHubResponse, name: string): string | undefined {
  const value = response.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

/** GitHub's `message`, on one line and short: it is shown to people. */
function messageOf(response: GitHubResponse): string {
  try {
    const message = (JSON.parse(response.body) as { message?: unknown }).message;
    if (typeof message === 'string') return oneLine(message).slice(0, 200);
  } catch {
    // Not JSON: say only the status.
  }
  return '';
}

function fullName(repo: GitHubRepository): string {
  return `${repo.owner}/${repo.repo}`;
}

/** When a rate limit answer lifts, in ms from now; undefined when the answer is no rate limit. */
function rateLimitWait(response: GitHubResponse, now = Date.now()): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = Number(header(response, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  if (header(response, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(response, 'x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : 60_000;
  }
  return /rate limit/i.test(messageOf(response)) ? 60_000 : undefined;
}

const retryDelayOf = (asked: Asked): number => asked.question.retryDelayMs ?? RETRY_DELAY_MS;

function who(asked: Asked): string {
  return asked.question.token ? 'the token' : 'a request without a token';
}

function github(asked: Asked): string {
  return `GitHub (${asked.apiUrl})`;
}

function otherRepositoryFix(asked: Asked): string {
  const own = asked.question.repository?.toLowerCase();
  const target = fullName(asked.repo);
  return own && own !== target.toLowerCase()
    ? `set \`token\` to a token that can read ${target} (the workflow's GITHUB_TOKEN reads ${asked.question.repository} only)`
    : TOKEN_FIX;
}

function refused(response: GitHubResponse, asked: Asked): CommitRelation {
  const said = messageOf(response);
  const status = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  const target = fullName(asked.repo);
  if (response.status === 404) {
    if (/no common ancestor/i.test(said)) return { relation: 'diverged', via: 'github' };
    return unknownRelation(
      `${github(asked)} knows no repository ${target} with both commits, or ${who(asked)} cannot see it (${status})`,
      `check that \`revision\` is a commit pushed to ${target}; for a private repository, ${otherRepositoryFix(asked)}`,
    );
  }
  if (response.status === 401) {
    return unknownRelation(`${github(asked)} refused the token (${status})`, 'pass a valid `token`');
  }
  if (response.status === 403) {
    return unknownRelation(
      `${github(asked)} does not let ${who(asked)} read ${target} (${status})`,
      `${otherRepositoryFix(asked)}; for the workflow's GITHUB_TOKEN, grant \`permissions: contents: read\` to the job`,
    );
  }
  return unknownRelation(`${github(asked)} could not compare the commits (${status})`, '');
}

function interpret(response: GitHubResponse, asked: Asked): Answer {
  if (response.status === 200) {
    let status: unknown;
    try {
      status = (JSON.parse(response.body) as { status?: unknown }).status;
    } catch {
      // Reported below.
    }
    const relation = typeof status === 'string' ? STATUS_RELATIONS[status] : undefined;
    if (relation) return relation;
    return unknownRelation(`${github(asked)} answered the comparison without a known status`, '');
  }
  const wait = rateLimitWait(response);
  if (wait !== undefined) {
    const until = new Date(Date.now() + wait).toISOString().slice(11, 19);
    const token = Boolean(asked.question.token);
    return {
      retryInMs: wait,
      why: `the rate limit of ${github(asked)} for ${token ? 'the token' : 'requests without a token'} is used up until ${until} UTC`,
      // Requests with a token have a far higher limit than those without.
      fix: token ? '' : TOKEN_FIX,
    };
  }
  if (response.status >= 500)
    return { retryInMs: retryDelayOf(asked), why: `${github(asked)} answered HTTP ${response.status}` };
  return refused(response, asked);
}

/** An answer worth asking again for (a rate limit that lifts soon, a server error, no connection). */
class AskAgain extends Error {
  constructor(readonly answer: { retryInMs: number; why: string; fix?: string }) {
    super(answer.why);
  }
}

async function ask(asked: Asked): Promise<CommitRelation> {
  const { question, repo, apiUrl } = asked;
  const url = `${apiUrl}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/compare/${question.expected}...${question.fetched}?per_page=1`;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  if (question.token) headers.authorization = `Bearer ${question.token}`;
  const get = question.get ?? githubGet;
  const once = async (): Promise<CommitRelation> => {
    let answer: Answer;
    try {
      answer = interpret(await get(url, headers, question.signal), asked);
    } catch (error) {
      if (error instanceof GitHubRequestAborted || question.signal?.aborted) throw error;
      answer = {
        retryInMs: 0,
        why: `${github(asked)} could not be reached: ${oneLine(errorMessage(error))}`,
      };
    }
    if ('retryInMs' in answer) throw new AskAgain(answer);
    return answer;
  };
  try {
    // The action's one retry loop: a rate limit's reset is a floor for the wait, and one that lifts only
    // later than MAX_RATE_LIMIT_WAIT_MS is the caller's to retry another time.
    return await retry(once, {
      attempts: ATTEMPTS,
      backoff: { initialMs: retryDelayOf(asked), maxMs: MAX_RATE_LIMIT_WAIT_MS },
      maxWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      signal: question.signal,
      advise: (error) =>
        error instanceof AskAgain
          ? { retriable: true, retryAfterMs: error.answer.retryInMs }
          : { retriable: false },
    });
  } catch (error) {
    if (question.signal?.aborted || !(error instanceof AskAgain)) {
      return unknownRelation('the run stopped before GitHub answered', '');
    }
    return unknownRelation(error.answer.why, error.answer.fix ?? '');
  }
}

/** How the commits relate according to GitHub, for a source on the workflow's GitHub server. */
export function relateOnGitHub(question: GitHubQuestion): Promise<CommitRelation> {
  const serverUrl = (question.serverUrl || 'https://github.com').replace(/\/+$/, '');
  const repo = githubRepositoryOf(question.sourceUrl, serverUrl);
  if (!repo) {
    return Promise.resolve(
      unknownRelation(`${displayRepository(question.sourceUrl)} is not a repository on ${serverUrl}`, ''),
    );
  }
  const apiUrl = (question.apiUrl || defaultApiUrl(serverUrl)).replace(/\/+$/, '');
  return ask({ question, repo, apiUrl });
}

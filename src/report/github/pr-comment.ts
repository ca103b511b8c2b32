// One comment per cluster on the pull request, found again by a hidden marker and edited in place, so
// that every push updates the same comment instead of adding one. The marker is no secret (anyone can
// read it and post a comment that starts with it), so a comment is adopted only when the token's own
// account wrote it; any other comment with the marker is left alone.
import { errorMessage } from '../../base/error-message.js';
import { oneLine } from '../../base/text.js';
import type { GitHubClient } from '../../github/client.js';
import type { ReportTarget } from './target.js';

/** The comment's first line. The key is URI-encoded so that no text can end the HTML comment early. */
export function commentMarker(key: string): string {
  return `<!-- flux-reconcile ${encodeURIComponent(key)} -->`;
}

export interface Upserted {
  id: number;
  created: boolean;
  /** Why an earlier comment with the marker was not edited, for the debug log. */
  note?: string;
}

/** The logins a comment written with the token shows as its author, or why GitHub did not say. */
export type TokenAccount = { logins: string[] } | { unknown: string };

const statusOf = (error: unknown): number | undefined => (error as { status?: number })?.status;

/**
 * Who the token writes as. A person's token (or a machine user's) is named by GET /user; an app's
 * installation token, the job's github.token among them, is refused there (403) and named by GraphQL's
 * viewer: `<app>[bot]`, `github-actions[bot]` for the job's token. (GET /app would need the app's JWT,
 * which no token that can comment is.)
 */
export async function tokenAccount(client: GitHubClient): Promise<TokenAccount> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return { logins: [data.login] };
  } catch (error) {
    const status = statusOf(error);
    if (status !== 401 && status !== 403) return { unknown: `GET /user: ${oneLine(errorMessage(error))}` };
  }
  try {
    const answer = await client.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }');
    const login = answer.viewer?.login;
    if (typeof login !== 'string' || login === '') return { unknown: 'GraphQL named no viewer' };
    // A bot's login carries `[bot]` in REST answers; accept the bare app name too, should GraphQL drop it.
    return { logins: login.endsWith('[bot]') ? [login] : [login, `${login}[bot]`] };
  } catch (error) {
    return { unknown: `GraphQL viewer: ${oneLine(errorMessage(error))}` };
  }
}

/** Updates the comment that starts with the marker of `key` and that the token wrote, or creates one. */
export async function upsertComment(
  client: GitHubClient,
  target: ReportTarget & { prNumber: number },
  key: string,
  body: string,
): Promise<Upserted> {
  const marker = commentMarker(key);
  const full = `${marker}\n${body}`;
  const where = { owner: target.owner, repo: target.repo };
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    ...where,
    issue_number: target.prNumber,
    per_page: 100,
  });
  // Asked only once a comment with the marker turns up: a first run needs no answer.
  let account: TokenAccount | undefined;
  let note: string | undefined;
  for await (const page of pages) {
    const marked = page.data.filter((comment) => comment.body?.startsWith(marker));
    if (marked.length === 0) continue;
    account ??= await tokenAccount(client);
    if ('unknown' in account) {
      note = `could not tell which GitHub account the token is (${account.unknown}): a new comment is written instead of editing one that starts with the marker`;
      break;
    }
    const logins = account.logins;
    const mine = marked.find((comment) => comment.user && logins.includes(comment.user.login));
    if (mine) {
      await client.rest.issues.updateComment({ ...where, comment_id: mine.id, body: full });
      return { id: mine.id, created: false };
    }
    note = `left alone ${marked.length === 1 ? 'a comment' : `${marked.length} comments`} with the marker written by ${[...new Set(marked.map((c) => c.user?.login ?? 'nobody'))].join(', ')}, not by ${logins[0]}`;
  }
  const { data } = await client.rest.issues.createComment({
    ...where,
    issue_number: target.prNumber,
    body: full,
  });
  return note ? { id: data.id, created: true, note } : { id: data.id, created: true };
}

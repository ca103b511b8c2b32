// One comment per cluster on the pull request, found again by a hidden marker and edited in place, so
// that every push updates the same comment instead of adding one.
import type { GitHubClient } from '../../github/client.js';
import type { ReportTarget } from './target.js';

/** The comment's first line. The key is URI-encoded so that no text can end the HTML comment early. */
export function commentMarker(key: string): string {
  return `<!-- flux-reconcile ${encodeURIComponent(key)} -->`;
}

export interface Upserted {
  id: number;
  created: boolean;
}

/** Updates the comment that starts with the marker of `key`, or creates it. */
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
  for await (const page of pages) {
    const mine = page.data.find((comment) => comment.body?.startsWith(marker));
    if (mine) {
      await client.rest.issues.updateComment({ ...where, comment_id: mine.id, body: full });
      return { id: mine.id, created: false };
    }
  }
  const { data } = await client.rest.issues.createComment({
    ...where,
    issue_number: target.prNumber,
    body: full,
  });
  return { id: data.id, created: true };
}

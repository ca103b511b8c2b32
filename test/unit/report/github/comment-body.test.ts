// The pull request comment's body: the summary's compact part, no mentions, within GitHub's size.
import { describe, expect, it } from 'vitest';
import {
  commentBody,
  MAX_COMMENT_CHARS,
  stoppedCommentBody,
  withoutIssueReferences,
  withoutMentions,
} from '../../../../src/report/github/comment-body.js';
import { viewOf } from '../../../../src/report/view.js';
import { SCENARIOS } from '../../../fixtures/report/scenarios.js';

const footer = { context: 'flux/production', runUrl: 'https://github.com/acme/fleet/actions/runs/1' };

describe('withoutMentions', () => {
  it('stops @name and @org/team, and leaves revisions and e-mail addresses alone', () => {
    expect(withoutMentions('<td>@octocat: ping @acme/sre')).toBe(
      '<td>@&#8203;octocat: ping @&#8203;acme/sre',
    );
    expect(withoutMentions('main@sha1:0123abcd ops@example.com')).toBe('main@sha1:0123abcd ops@example.com');
  });
});

describe('withoutIssueReferences', () => {
  it('stops #1, owner/repo#2 and GH-3 from linking (and notifying) those issues, and leaves entities alone', () => {
    expect(withoutIssueReferences('see #12, acme/fleet#3 and GH-4 or gh-5; &#39;&#124;&#10; stay')).toBe(
      'see #&#8203;12, acme/fleet#&#8203;3 and GH-&#8203;4 or gh-&#8203;5; &#39;&#124;&#10; stay',
    );
    expect(withoutIssueReferences('#hashtag, C#, sha256:#')).toBe('#hashtag, C#, sha256:#');
  });

  it('applies to cluster text in the comment: no live reference is left', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const failed = s.run.results.find((r) => !r.ok)!;
    failed.message = 'broken since #41 (see acme/fleet#42, GH-43)';
    const body = commentBody(s.ctx, s.run, s.run.results.map(viewOf), footer);
    expect(body).toContain('#&#8203;41');
    // A `#` right before a digit is left only in HTML's own character references (`&#39;`).
    expect(body).not.toMatch(/(?<!&)#\d|GH-\d/i);
  });
});

describe('commentBody', () => {
  it('holds the verdict, the table and the failures, without the namespace health footer', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const body = commentBody(s.ctx, s.run, s.run.results.map(viewOf), footer);
    expect(body).toMatch(/^<h2>❌ Flux reconcile/);
    expect(body).toContain('<table>');
    expect(body).toContain('<h3>Details</h3>');
    expect(body).toContain('<code>flux/production</code>');
    expect(body).toContain('<a href="https://github.com/acme/fleet/actions/runs/1">the run</a>');
    // One HTML block: a blank line would let Markdown read the cluster's text.
    expect(body).not.toMatch(/\n\s*\n/);
  });

  it('lists the failures that fit and counts the rest when hundreds of objects would not fit', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const failed = s.run.results.find((r) => !r.ok)!;
    const many = Array.from({ length: 600 }, (_, i) => ({ ...failed, name: `app-${i}-${'x'.repeat(60)}` }));
    const run = { ...s.run, results: many };
    const body = commentBody(s.ctx, run, run.results.map(viewOf), footer);
    expect(Array.from(body).length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(body).toMatch(/^<h2>❌ Flux reconcile: 600 of 600 objects not Ready/);
    expect(body).toContain('<table>');
    expect(body).toMatch(/\d+ more objects not listed here: \d+ failed/);
  });

  it('stays under the limit when one row alone would not fit: the row is counted instead', () => {
    const s = SCENARIOS['kustomization-build-failed']!();
    const failed = s.run.results.find((r) => !r.ok)!;
    const run = { ...s.run, results: [{ ...failed, name: 'x'.repeat(70_000) }] };
    const body = commentBody(s.ctx, run, run.results.map(viewOf), footer);
    expect(Array.from(body).length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(body).toContain('1 more object not listed here: 1 failed');
  });
});

describe('stoppedCommentBody', () => {
  it('caps a huge error as the result comment is capped: GitHub refuses a comment over 65,536 characters', () => {
    // Escaping makes each of these characters six: 80,000 of them were 240,000 in the body.
    const message = `Plan failed: ${'|'.repeat(80_000)} THE-END`;
    const body = stoppedCommentBody(message, footer);
    expect(Array.from(body).length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(body).toMatch(/^<h2>❌ Flux reconcile: stopped before reconciling<\/h2>\n<pre>Plan failed: /);
    expect(body).not.toContain('THE-END');
    expect(body).toContain('<code>flux/production</code>');
  });
});

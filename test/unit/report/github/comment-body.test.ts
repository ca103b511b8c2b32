// The pull request comment's body: the summary's compact part, no mentions, within GitHub's size.
import { describe, expect, it } from 'vitest';
import {
  commentBody,
  MAX_COMMENT_CHARS,
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

// Text from the cluster (revisions, reasons, messages, event texts, names a controller or anyone who can
// write a status or an Event chooses) never becomes a runner command in the log, never carries a line
// break or a terminal escape into a log line or an annotation title, and never ends the summary's HTML
// block (a blank line) so that Markdown or HTML of its own would render.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, escapeHtml, oneLine } from '../../../src/base/text.js';
import { KUSTOMIZATION } from '../../../src/flux/kinds.js';
import type { ObjectResult, RunResult } from '../../../src/reconcile/types.js';
import { annotationsFor } from '../../../src/report/annotations.js';
import { heartbeatLine, noteLine, requestedLine, verdictLine } from '../../../src/report/log.js';
import { buildOutputs } from '../../../src/report/outputs.js';
import { renderSummary } from '../../../src/report/summary.js';
import { viewOf } from '../../../src/report/view.js';
import { SCENARIOS } from '../../fixtures/report/scenarios.js';
import { htmlProblems } from './html-check.js';

// What a hostile status, event or revision may hold.
const HOSTILE = [
  '\n::error title=Pwned::the step failed',
  '\r\n::add-mask::Ready',
  '\r::stop-commands::tok',
  '%0A::warning::x',
  '%0D%0A::set-output name=ready::true',
  '\n\n# Heading\n\n![pixel](https://tracker.example/p.png) [click](https://evil.example)',
  '<img src=x onerror=alert(1)><script>alert(1)</script>',
  '</code></b></td></tr></table><h1>big</h1>',
  '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  '\u009b31mC1\u2028line\u2029para\u202eevil\u2066',
  '**bold** _it_ `code` | table | <!-- comment -->',
];
const hostile = HOSTILE.join(' ');

function hostileResult(text: string): ObjectResult {
  const base = SCENARIOS['kustomization-build-failed']!().run.results[2]!;
  return {
    ...base,
    outcome: 'failed',
    ok: false,
    reason: `BuildFailed${text}`,
    message: `kustomize build failed${text}`,
    revisionBefore: `main@sha1:${'a'.repeat(40)}${text}`,
    revisionAfter: `main@sha1:${'b'.repeat(40)}${text}`,
    revisionAttempted: `main@sha1:${'c'.repeat(40)}${text}`,
    revisionNote: `at ${text}`,
    expectedRevision: `${'d'.repeat(40)}`,
    waitedOn: `Kustomization x/y${text}`,
    events: [
      {
        type: 'Warning',
        reason: `Failed${text}`,
        message: `event${text}`,
        involvedObject: { kind: 'Kustomization', name: base.name },
      },
    ],
  };
}

function runOf(results: ObjectResult[]): RunResult {
  return { command: 'reconcile', ready: false, results, durationMs: 1234, expectedRevision: 'd'.repeat(40) };
}

/** What the runner would take as a command: a line that starts with `::`. */
const commandLines = (text: string) =>
  text.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::'));

function logLines(result: ObjectResult): string[] {
  const view = viewOf(result);
  return [
    verdictLine(view),
    noteLine(`${view.title}: at ${result.revisionAfter}, which contains ${result.revisionNote}`),
    requestedLine(result, 'reconcile', result.revisionBefore),
    heartbeatLine(
      result,
      KUSTOMIZATION,
      {
        state: 'failed',
        reason: result.reason,
        message: result.message,
        revision: result.revisionAfter,
      } as never,
      5000,
    ),
  ];
}

function expectSafeLogLine(line: string): void {
  expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: no terminal escape may reach the log.
  expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  expect(commandLines(line)).toEqual([]);
}

function expectSafeSummary(html: string): void {
  expect(htmlProblems(html)).toEqual([]);
  expect(html).not.toMatch(/<(img|script|h1|a)\b/i);
  expect(html).not.toMatch(/^\s*#/m);
  expect(html).not.toContain('<!--');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: no terminal escape may reach the summary.
  expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe('hostile text from the cluster', () => {
  it('makes no runner command, line break or escape in a log line', () => {
    for (const line of logLines(hostileResult(hostile))) expectSafeLogLine(line);
  });

  it('makes no blank line, element or Markdown in the summary', () => {
    const { ctx, health } = SCENARIOS['kustomization-build-failed']!();
    expectSafeSummary(renderSummary(ctx, runOf([hostileResult(hostile)]), health));
  });

  it('gives annotations one-line titles and messages without escapes', () => {
    for (const annotation of annotationsFor(runOf([hostileResult(hostile)]))) {
      expectSafeLogLine(annotation.title);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the annotation's text is shown as is.
      expect(annotation.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
  });

  it('keeps the outputs valid JSON without escapes', () => {
    const out = buildOutputs(runOf([hostileResult(hostile)]));
    const [record] = JSON.parse(out.results);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: later steps print what they read.
    expect(record.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('holds for any text built from hostile pieces', () => {
    const pieces = fc.array(
      fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 8 })),
      {
        maxLength: 6,
      },
    );
    const { ctx, health } = SCENARIOS['kustomization-build-failed']!();
    fc.assert(
      fc.property(pieces, (parts) => {
        const result = hostileResult(parts.join(''));
        for (const line of logLines(result)) expectSafeLogLine(line);
        expectSafeSummary(renderSummary(ctx, runOf([result]), health));
      }),
      { numRuns: 150 },
    );
  });
});

describe('the sanitiser', () => {
  it('removes terminal escapes, C1 controls and direction overrides, and makes every line break a newline', () => {
    expect(cleanText('a\u001b[31mb\u009bc\u202ed\u2028e\r\nf\rg')).toBe('abcd\ne\nf\ng');
  });

  it('escapes newlines in HTML, so that no text can make a blank line', () => {
    expect(escapeHtml('a\n\nb')).toBe('a&#10;&#10;b');
    expect(oneLine('a\n\n::error::b')).toBe('a ::error::b');
  });
});

// Hiding credentials in URLs is linear in the text (an Event's message has no size limit, and a quadratic
// pattern took 40 s on 256 KiB), proven by counting the characters the scan looks at, never by a clock;
// and shorten() cuts before it cleans, so a huge message costs what its shown part costs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, shorten } from '../../../src/base/text.js';
import { hideUrlCredentials, type StepCounter } from '../../../src/base/url-credentials.js';

// Text made of the pieces that make a credential pattern work hard: scheme letters, `://`, `@`, separators.
const PIECES = [
  'a',
  'h',
  'ttp',
  's',
  '+',
  '.',
  '-',
  ':',
  '/',
  '//',
  '://',
  '@',
  ' ',
  '\n',
  'x:y',
  '?',
  '#',
  '1',
];
const hostile = (maxPieces: number) =>
  fc.array(fc.constantFrom(...PIECES), { maxLength: maxPieces }).map((parts) => parts.join(''));

// A credential left in place: a scheme, `://`, user info other than the mask, then `@`.
const LEFT_CREDENTIAL = /[a-z][a-z0-9+.-]*:\/\/(?!\*\*\*@)[^\s/?#@]+@/i;

describe('hideUrlCredentials', () => {
  it('hides the user info of a URL and leaves other text alone', () => {
    expect(hideUrlCredentials('clone https://x-access-token:ghs_abc@github.com/o/r.git failed')).toBe(
      'clone https://***@github.com/o/r.git failed',
    );
    expect(hideUrlCredentials('a://u@h b://v@i')).toBe('a://***@h b://***@i');
    expect(hideUrlCredentials('git@github.com:o/r and https://github.com/o/r')).toBe(
      'git@github.com:o/r and https://github.com/o/r',
    );
    expect(hideUrlCredentials('oci://u:p@r/x://w:z@h')).toBe('oci://***@r/x://***@h');
  });

  it('leaves no credential behind, whatever the text', () => {
    fc.assert(
      fc.property(hostile(60), (text) => {
        expect(hideUrlCredentials(text)).not.toMatch(LEFT_CREDENTIAL);
      }),
      { numRuns: 2000 },
    );
  });

  it('looks at each character a bounded number of times, however long and hostile the text', () => {
    fc.assert(
      fc.property(hostile(20_000), fc.integer({ min: 1, max: 8 }), (unit, repeat) => {
        const text = unit.repeat(repeat);
        const steps: StepCounter = { count: 0 };
        hideUrlCredentials(text, steps);
        expect(steps.count).toBeLessThanOrEqual(40 * text.length + 1);
      }),
      { numRuns: 60 },
    );
  });

  it('stays linear on the inputs that made the old pattern quadratic', () => {
    // `a-a-a-…` made the old pattern try every word boundary and scan to the end from each (64 KiB: 1.6 s).
    for (const text of [
      'a-'.repeat(128 * 1024),
      'a.'.repeat(128 * 1024),
      'a'.repeat(256 * 1024),
      `https://${'u'.repeat(256 * 1024)}`,
      'a://'.repeat(64 * 1024),
    ]) {
      const steps: StepCounter = { count: 0 };
      hideUrlCredentials(text, steps);
      // Every character is looked at (the search for `://` too), and none more than a few times.
      expect(steps.count).toBeGreaterThanOrEqual(text.length);
      expect(steps.count).toBeLessThanOrEqual(40 * text.length);
    }
  });
});

describe('shorten cuts first, then cleans', () => {
  it('cleans only a bounded prefix of a huge message', () => {
    // 4 MiB of what the old pattern was quadratic on: cleaning all of it would never end.
    const huge = `https://user:secret-77@example.com/ ${'a-'.repeat(2 * 1024 * 1024)}`;
    const out = shorten(huge, 200);
    expect(out.truncated).toBe(true);
    expect(out.text).toMatch(/^https:\/\/\*\*\*@example\.com\/ (a-)+a?…$/);
    expect(Array.from(out.text).length).toBeLessThanOrEqual(201);
  });

  it('still hides user info that straddles the cut', () => {
    const text = `${'x'.repeat(195)} https://user:secret-88@example.com/path`;
    expect(shorten(text, 200).text).not.toContain('secret-88');
    expect(cleanText(text)).not.toContain('secret-88');
  });

  it('says it cut a message whose shown part is all colour codes', () => {
    const text = '\u001b[31m'.repeat(10_000);
    expect(shorten(text, 100)).toEqual({ text: '…', truncated: true });
  });
});

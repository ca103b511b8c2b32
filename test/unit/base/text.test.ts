import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, escapeCell, escapeHtml, escapePre, oneLine, shorten } from '../../../src/base/text.js';
import { formatDuration, serverHost, shortRevisionsIn } from '../../../src/report/format.js';

describe('escaping', () => {
  it('escapes the characters that could open a tag, end an attribute or split a Markdown table', () => {
    expect(escapeHtml(`<a href="x" title='y'>|&`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&#124;&amp;',
    );
  });

  it('never lets any text produce markup, a raw newline in a cell, or a blank line in a pre', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        // A cell's only markup is the <br> that stands for a newline.
        for (const out of [escapeHtml(text), escapeCell(text).replaceAll('<br>', ''), escapePre(text)]) {
          expect(out).not.toMatch(/[<>"'|]/);
          expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|#39|#124|#10);)/);
        }
        expect(escapeCell(text)).not.toContain('\n');
        expect(escapePre(text)).not.toContain('\n');
      }),
    );
  });

  it('removes colour codes and control characters, keeps tabs and newlines', () => {
    expect(cleanText('\u001b[1;31mError\u001b[0m:\tbad\r\nnext\u0000')).toBe('Error:\tbad\nnext');
  });

  it('hides the user info of any URL in a message', () => {
    expect(cleanText('clone https://x-access-token:ghs_abc@github.com/o/r.git failed')).toBe(
      'clone https://***@github.com/o/r.git failed',
    );
    expect(cleanText('see https://github.com/o/r and git@github.com:o/r')).toBe(
      'see https://github.com/o/r and git@github.com:o/r',
    );
  });
});

describe('a Receiver’s webhook path', () => {
  it('is hidden in cluster text: its digest is as good as the token', () => {
    const digest = 'ab43c6d0b908b2f55a668bf7ef598d4478853745f92415ad19a500ecf41a357c';
    expect(cleanText(`Receiver initialized for path: /hook/${digest}`)).toBe(
      'Receiver initialized for path: /hook/***',
    );
    expect(oneLine(`POST https://hooks.example.com/hook/${digest.toUpperCase()}?x=1 failed`)).toBe(
      'POST https://hooks.example.com/hook/***?x=1 failed',
    );
    // A word that only looks like one stays.
    expect(cleanText('see /hook/readme and /hooks/abc')).toBe('see /hook/readme and /hooks/abc');
  });
});

describe('shorten', () => {
  it('cuts at a character count or a line count and says it did', () => {
    expect(shorten('abcdef', 3)).toEqual({ text: 'abc…', truncated: true });
    expect(shorten('a\nb\nc\nd', 100, 2)).toEqual({ text: 'a\nb…', truncated: true });
    expect(shorten('  short  ', 100)).toEqual({ text: 'short', truncated: false });
  });

  it('never splits a character made of two UTF-16 units', () => {
    const { text } = shorten('😀😀😀', 2);
    expect(text).toBe('😀😀…');
  });

  it('oneLine folds all whitespace', () => {
    expect(oneLine(' a\n\n b\t c ')).toBe('a b c');
  });
});

describe('format', () => {
  it('formats durations a person reads at a glance', () => {
    expect([850, 4_240, 15_093, 65_000, 127_311, 3_725_000].map(formatDuration)).toEqual([
      '850ms',
      '4.2s',
      '15s',
      '1m05s',
      '2m07s',
      '1h02m05s',
    ]);
  });

  it('keeps only host and port of a server URL', () => {
    expect(serverHost('https://user:pw@api.example.com:6443/base?x=1')).toBe('api.example.com:6443');
    expect(serverHost('https://[::1]:6443')).toBe('[::1]:6443');
    expect(serverHost('10.0.0.1:6443')).toBe('10.0.0.1:6443');
    expect(serverHost('')).toBeUndefined();
    expect(serverHost('https://')).toBeUndefined();
  });

  it('shortens revisions inside a message for a table cell', () => {
    expect(
      shortRevisionsIn(
        "stored artifact for revision 'main@sha1:c2a6b03f190dfb2b4aa91f8af8d477a9bc3401dc', digest sha256:557ae2017297d4d9ef0270931c61ff658c418365aa8ef844b7d07ad3dcc93ac9, commit edee9402d198b04ac77dcf5dc9cc3dac44573782",
      ),
    ).toBe("stored artifact for revision 'main@sha1:c2a6b03f', digest sha256:557ae2017297, commit edee9402");
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationError, formatDuration, parseGoDuration } from '../../../src/base/duration.js';

const NS = 1n;
const US = 1_000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;
const MAX = 2n ** 63n - 1n;

// Go's own table (src/time/time_test.go, parseDurationTests), in nanoseconds.
const VALID: [string, bigint][] = [
  ['0', 0n],
  ['5s', 5n * S],
  ['30s', 30n * S],
  ['1478s', 1478n * S],
  ['-5s', -5n * S],
  ['+5s', 5n * S],
  ['-0', 0n],
  ['+0', 0n],
  ['5.0s', 5n * S],
  ['5.6s', 5n * S + 600n * MS],
  ['5.s', 5n * S],
  ['.5s', 500n * MS],
  ['1.0s', S],
  ['1.00s', S],
  ['1.004s', S + 4n * MS],
  ['1.0040s', S + 4n * MS],
  ['100.00100s', 100n * S + MS],
  ['10ns', 10n * NS],
  ['11us', 11n * US],
  ['12µs', 12n * US],
  ['12μs', 12n * US],
  ['13ms', 13n * MS],
  ['14s', 14n * S],
  ['15m', 15n * M],
  ['16h', 16n * H],
  ['3h30m', 3n * H + 30n * M],
  ['10.5s4m', 4n * M + 10n * S + 500n * MS],
  ['-2m3.4s', -(2n * M + 3n * S + 400n * MS)],
  ['1h2m3s4ms5us6ns', H + 2n * M + 3n * S + 4n * MS + 5n * US + 6n],
  ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425n * MS],
  ['52763797000ns', 52763797000n],
  ['9007199254740993ns', 2n ** 53n + 1n],
  ['9223372036854775807ns', MAX],
  ['9223372036854775.807us', MAX],
  ['9223372036s854ms775us807ns', MAX],
  ['-9223372036854775808ns', -(MAX + 1n)],
  ['-9223372036854775.808us', -(MAX + 1n)],
  ['-9223372036s854ms775us808ns', -(MAX + 1n)],
  ['-2562047h47m16.854775808s', -(MAX + 1n)],
  ['0.100000000000000000000h', 6n * M],
  ['0.830103483285477580700h', 49n * M + 48n * S + 372539827n],
  // What people write in workflows and Flux manifests.
  ['90s', 90n * S],
  ['5m', 5n * M],
  ['1h30m', 90n * M],
  ['1.5h', 90n * M],
  ['2h45m', 165n * M],
  ['300ms', 300n * MS],
];

const INVALID: [string, RegExp][] = [
  ['', /invalid duration ""/],
  ['3', /missing unit in duration "3"/],
  ['300', /missing unit/],
  ['-', /invalid duration/],
  ['s', /invalid duration/],
  ['.', /invalid duration/],
  ['-.', /invalid duration/],
  ['.s', /invalid duration/],
  ['+.s', /invalid duration/],
  ['1d', /unknown unit "d" in duration "1d"/],
  ['\x85\x85', /invalid duration/],
  ['hello \xffff world', /invalid duration/],
  ['9223372036854775808ns', /invalid duration/],
  ['9223372036854775.808us', /invalid duration/],
  ['9223372036854ms775us808ns', /invalid duration/],
  ['-9223372036854775809ns', /invalid duration/],
  ['5 minutes', /unknown unit " minutes"/],
  [' 5m', /invalid duration/],
  ['5m ', /unknown unit "m "/],
  ['5M', /unknown unit "M"/],
  ['1h-30m', /unknown unit "h-"/],
];

const msOf = (nanos: bigint): number => Number(nanos) / 1e6;

describe('parseGoDuration', () => {
  it.each(VALID)('%s', (text, nanos) => {
    const actual = parseGoDuration(text);
    const expected = msOf(nanos);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12 + 1e-9);
  });

  it.each(INVALID)('refuses %j as Go does', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(DurationError);
    expect(() => parseGoDuration(text)).toThrow(message);
  });

  it('reads any h/m/s/ms composition to its total', () => {
    const part = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(part, part, part, part, fc.boolean(), (h, m, s, ms, negative) => {
        const text = `${negative ? '-' : ''}${h}h${m}m${s}s${ms}ms`;
        const total = ((h * 60 + m) * 60 + s) * 1000 + ms;
        expect(parseGoDuration(text)).toBe(negative && total !== 0 ? -total : total);
      }),
    );
  });

  it('never throws anything but a DurationError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789.+-nsuµμmh d\u0000é') })),
        (text) => {
          let result: unknown;
          try {
            result = parseGoDuration(text);
          } catch (error) {
            result = error;
          }
          return typeof result === 'number' || result instanceof DurationError;
        },
      ),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [0.4, '0ms'],
    [1, '1ms'],
    [850, '850ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1000, '1s'],
    [1049, '1s'],
    [1050, '1.1s'],
    [2300, '2.3s'],
    [9949, '9.9s'],
    [9960, '10s'],
    [42_000, '42s'],
    [59_400, '59s'],
    [59_600, '1m00s'],
    [65_000, '1m05s'],
    [600_000, '10m00s'],
    [3_599_600, '1h00m00s'],
    [3_725_000, '1h02m05s'],
    [27 * 3_600_000, '27h00m00s'],
    [-1500, '-1.5s'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('is short (at most 9 characters for anything under 100 hours) and reads back as a Go duration', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 359_999_499, noNaN: true }), (ms) => {
        const text = formatDuration(ms);
        expect(text.length).toBeLessThanOrEqual(9);
        const back = parseGoDuration(text);
        // Precision shrinks as values grow: within half the last shown unit.
        const unit = ms < 999.5 ? 1 : ms < 9950 ? 100 : 1000;
        expect(Math.abs(back - ms)).toBeLessThanOrEqual(unit / 2 + 1e-6);
      }),
    );
  });
});

// Go durations, as Flux and the flux CLI write them (`90s`, `5m`, `1h30m`, `1.5h`, `300ms`).
// parseGoDuration follows Go's time.ParseDuration exactly, so a value that works in a Flux manifest
// or on the flux command line works here, and one that Go refuses is refused here too.

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** Go's time.Duration is an int64 of nanoseconds. */
const MAX_NANOS = 2n ** 63n - 1n;

export class DurationError extends Error {
  override name = 'DurationError';
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Parses a Go duration (`[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0` alone) into milliseconds.
 * Throws a DurationError with Go's wording for anything Go's time.ParseDuration refuses.
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new DurationError(`invalid duration ${quoted}`);

  let total = 0n;
  let i = 0;
  while (i < rest.length) {
    const intStart = i;
    while (isDigit(rest[i])) i++;
    const intDigits = rest.slice(intStart, i);
    let fracDigits = '';
    if (rest[i] === '.') {
      i++;
      const fracStart = i;
      while (isDigit(rest[i])) i++;
      fracDigits = rest.slice(fracStart, i);
    }
    if (intDigits === '' && fracDigits === '') throw new DurationError(`invalid duration ${quoted}`);

    // Go takes every following character that is neither a digit nor a dot as the unit.
    const unitStart = i;
    while (i < rest.length && rest[i] !== '.' && !isDigit(rest[i])) i++;
    const unitText = rest.slice(unitStart, i);
    if (unitText === '') throw new DurationError(`missing unit in duration ${quoted}`);
    const unit = NANOS_PER_UNIT.get(unitText);
    if (unit === undefined) {
      throw new DurationError(`unknown unit ${JSON.stringify(unitText)} in duration ${quoted}`);
    }

    let nanos = BigInt(intDigits || '0') * unit;
    if (fracDigits !== '') {
      // Like Go, the fraction is truncated to whole nanoseconds.
      nanos += (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length);
    }
    total += nanos;
    if (total > MAX_NANOS + (negative ? 1n : 0n)) throw new DurationError(`invalid duration ${quoted}`);
  }
  const ms = Number(total) / 1e6;
  return negative ? -ms : ms;
}

function withoutTrailingZero(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A short human duration for logs: `850ms`, `2.3s`, `42s`, `1m05s`, `1h02m05s`.
 * Precision shrinks as the value grows: nobody needs milliseconds of a ten-minute wait.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${withoutTrailingZero((tenths / 10).toFixed(1))}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad2(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m${pad2(seconds % 60)}s`;
}

/** An RFC 3339 time as `2025-01-31 14:02:07 UTC`; anything unparseable is shown as given. */
export function formatTime(time: string | undefined): string {
  if (!time) return '';
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return time;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

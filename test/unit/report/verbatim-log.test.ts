import { describe, expect, it } from 'vitest';
import { logVerbatim } from '../../../src/report/verbatim-log.js';

describe('logVerbatim', () => {
  it('wraps untrusted lines in stop-commands, so ::add-mask:: and ::error:: inside are shown, not obeyed', () => {
    const lines: string[] = [];
    logVerbatim('data.x\n::add-mask::value\n::error::fake\n\u001b[31mred\u001b[0m', (l) => lines.push(l));
    const token = /^::stop-commands::(.+)$/.exec(lines[0]!)?.[1];
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[1]).toBe('data.x\n::add-mask::value\n::error::fake\nred');
    expect(lines[2]).toBe(`::${token}::`);
  });
});

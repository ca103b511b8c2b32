// The one place secrets are registered: with the runner's mask (for the log) and with `redact` (for text
// that leaves the log: summary, outputs, GitHub bodies). The runner masks per line, so a multi-line value
// (a PEM key) is registered line by line as well as whole.
import * as core from '@actions/core';

const registered = new Set<string>();

// Lines that are the same in every PEM file: masking them would only blank out harmless text.
const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/**
 * Registers a secret with the runner (and with `redact`): the whole value and each of its lines. A number
 * is a secret as the text it reads as (`password: 0123456789` in YAML is the number 123456789).
 */
export function maskSecret(value: unknown): void {
  if (typeof value === 'number' || typeof value === 'bigint') {
    maskSecret(String(value));
    return;
  }
  if (typeof value !== 'string') return;
  const candidates = [value, value.trim(), ...value.split(/\r?\n/).map((line) => line.trim())];
  for (const candidate of candidates) {
    if (candidate.length === 0 || PEM_ARMOR.test(candidate) || registered.has(candidate)) continue;
    registered.add(candidate);
    core.setSecret(candidate);
  }
}

/** Replaces every registered secret in text by `***`, for text that leaves the log (summary, outputs). */
export function redact(text: string): string {
  let out = text;
  // Longest first, so that a secret containing another is replaced whole.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return out;
}

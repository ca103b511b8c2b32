// Whether a `verify-url` answered as expected: a pure function of the answer. The body excerpt a person sees
// is cut and sanitised here, once, where the answer is read: the app's text is as untrusted as the cluster's.
import { shorten } from '../base/text.js';
import type { VerifyUrl } from '../inputs/types.js';
import type { ProbeAnswer } from './types.js';

export const EXCERPT_CHARS = 200;
const EXCERPT_LINES = 3;

/** `any 2xx`, `200`, `any 2xx with "v1.2.3"`. */
export function expectedWords(target: VerifyUrl): string {
  const status = target.status === undefined ? 'any 2xx' : String(target.status);
  return target.body ? `${status} with "${target.body}"` : status;
}

/** Undefined when the answer is as expected; otherwise what is wrong with it, in a few words. */
export function answerProblem(target: VerifyUrl, answer: ProbeAnswer, body: string): string | undefined {
  const statusOk =
    target.status === undefined
      ? answer.status >= 200 && answer.status < 300
      : answer.status === target.status;
  if (!statusOk) {
    const redirect = answer.redirect ? ` (a redirect to another host, ${answer.redirect}, not followed)` : '';
    return `answered ${answer.status}${redirect}, expected ${expectedWords(target)}`;
  }
  if (target.body && !body.includes(target.body)) {
    return `answered ${answer.status} without "${target.body}" in its body`;
  }
  return undefined;
}

/** The start of a body as a person may read it: one short, sanitised block. */
export function bodyExcerpt(body: string): string {
  return shorten(body, EXCERPT_CHARS, EXCERPT_LINES).text;
}

// Two rules more than one input follows: a true/false input, and a plain-http URL (allowed on the runner
// itself, elsewhere only with an explicit opt-in). Here so that read.ts and trigger.ts share them.
import { isLoopbackUrl } from '../base/url-credentials.js';
import { quoteInput } from './resources.js';
import { ConfigError } from './types.js';

// As @actions/core's getBooleanInput: the YAML 1.2 core schema's booleans.
export const TRUE_WORDS = ['true', 'True', 'TRUE'];
export const FALSE_WORDS = ['false', 'False', 'FALSE'];

export function parseBoolean(input: string, value: string): boolean {
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new ConfigError(input, `Input '${input}' must be true or false; got ${quoteInput(value)}.`);
}

/** Plain http to another machine, which the input's opt-in has not allowed. */
export function isInsecureHttp(url: URL, allowInsecure: boolean): boolean {
  return url.protocol === 'http:' && !isLoopbackUrl(url) && !allowInsecure;
}

// Many lines of untrusted text (a diff, a build error) into the log as they are: between `stop-commands`
// markers, so that a line such as `::error::` or `::add-mask::` inside them is shown, never obeyed.
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { cleanText } from '../base/text.js';

export function logVerbatim(text: string, info: (line: string) => void = core.info): void {
  const token = randomUUID();
  info(`::stop-commands::${token}`);
  info(cleanText(text));
  info(`::${token}::`);
}

// The diff's live log: one line per object as it ends, then its objects and their diffs. Pure formatters,
// except logDiffResult, which prints; the diff text goes out verbatim, never as runner commands.
import * as core from '@actions/core';
import { formatDuration } from '../../base/duration.js';
import { oneLine, shorten } from '../../base/text.js';
import type { DiffResult } from '../../diff/types.js';
import { describeRef } from '../../flux/refs.js';
import { logVerbatim } from '../verbatim-log.js';
import { changeCounts, changeLook, describeObject, resultLook } from './look.js';

const LINE_MESSAGE_CHARS = 400;

/** `± Kustomization flux-system/apps (./apps): 1 created, 1 configured in 2.1s` */
export function diffLine(result: DiffResult): string {
  const look = resultLook(result);
  // spec.path comes from the cluster: one line, as every line of the log.
  const where = 'path' in result && result.path ? ` (${oneLine(result.path)})` : '';
  const took = result.durationMs > 0 ? ` in ${formatDuration(result.durationMs)}` : '';
  let said: string;
  switch (result.state) {
    case 'changed':
    case 'unchanged':
      said = changeCounts(result.changes) || look.label.toLowerCase();
      break;
    case 'failed':
    case 'not-in-checkout':
    case 'skipped':
      said = `${look.label.toLowerCase()}: ${shorten(oneLine(result.message), LINE_MESSAGE_CHARS).text}`;
      break;
    case 'helm-drift': {
      const message = result.drift.message
        ? `: ${shorten(oneLine(result.drift.message), LINE_MESSAGE_CHARS).text}`
        : '';
      said = `${look.label.toLowerCase()} (drift detection ${result.drift.mode}; no CLI diff for HelmReleases)${message}`;
      break;
    }
  }
  return `${look.mark} ${describeRef(result)}${where}: ${said}${took}`;
}

/** The result's line, then in a group: every object it names and each configured object's diff. */
export function logDiffResult(result: DiffResult): void {
  core.info(diffLine(result));
  const changes = 'changes' in result ? result.changes : [];
  const failure = result.state === 'failed' && result.message.includes('\n') ? result.message : '';
  if (changes.length === 0 && !failure) return;
  core.startGroup(oneLine(`${describeRef(result)}: ${changes.length} objects`));
  if (failure) logVerbatim(failure);
  for (const change of changes) {
    core.info(`  ${changeLook(change.change).mark} ${oneLine(describeObject(change))} ${change.change}`);
    if (change.diff) logVerbatim(change.diff);
  }
  core.endGroup();
}

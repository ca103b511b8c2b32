// How a commit relation reads to a person, in a log line, the summary or a result record.
import { oneLine } from '../base/text.js';
import { shortRevision } from '../flux/revision.js';
import { commitHex } from './commit.js';
import type { CommitRelation } from './types.js';

/**
 * `at B, which contains A`; `diverged: history was rewritten, A is not in B`;
 * `cannot tell whether B contains A: why. To find out, fix`. A and B are shown short (8 characters).
 */
export function describeRelation(relation: CommitRelation, expected: string, fetched: string): string {
  const a = shortRevision(commitHex(expected) ?? expected);
  const b = shortRevision(commitHex(fetched) ?? fetched);
  switch (relation.relation) {
    case 'same':
      return `at ${b}`;
    case 'contains':
      return `at ${b}, which contains ${a}`;
    case 'behind':
      return `at ${b}, which is older than ${a}: ${a} has not arrived yet`;
    case 'diverged':
      return `diverged: history was rewritten, ${a} is not in ${b}`;
    case 'unknown': {
      const fix = relation.fix ? `. To find out, ${relation.fix}` : '';
      return oneLine(`cannot tell whether ${b} contains ${a}: ${relation.why}${fix}`);
    }
  }
}

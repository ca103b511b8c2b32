// The flux CLI's `diff kustomization` output, as flux2 v2.9 writes it (internal/build/diff.go): one line per
// object that differs, `► <Kind>/<namespace>/<name> <action>` (no namespace for cluster-scoped objects),
// where action is created, drifted, deleted or skipped; a drifted object's line is followed by dyff's report
// of the changed fields. Colour codes appear only on a terminal, but are removed anyway.
import { cleanText } from '../base/text.js';
import type { ChangeKind, ObjectChange } from './types.js';

const ACTIONS: Record<string, ChangeKind> = {
  created: 'created',
  drifted: 'configured',
  deleted: 'deleted',
  skipped: 'skipped',
};

// `⚠️ <subject> skipped: diff not supported for remote clusters` (recursive diffs) is a skip as well.
// dyff's own lines never start with these marks: field paths, `±`/`+`/`-` details and indented values.
const OBJECT_LINE = /^(?:►|⚠️?) (\S+) (created|drifted|deleted|skipped)(?::.*)?$/u;
// A nested Kustomization's own changes follow this line in a recursive diff; its objects are listed anyway.
const NESTED_LINE = /^📁 \S+ changed$/u;

/**
 * `Kind/namespace/name`, or `Kind/name` (cluster-scoped). flux 2.9.5 prints a skipped object that does not
 * exist in the cluster as `ConfigMap/`: the kind alone, the name left empty.
 */
function parseSubject(subject: string): Pick<ObjectChange, 'kind' | 'namespace' | 'name'> | undefined {
  const [kind, ...rest] = subject.split('/');
  if (!kind || rest.length > 2) return undefined;
  const name = rest.at(-1) ?? '';
  return { kind, namespace: rest.length === 2 ? (rest[0] ?? '') : '', name };
}

/** dyff separates each field with blank lines; a diff is kept without the ones around it. */
function trimBlankLines(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end).join('\n');
}

/** Every object the output names, in its order, each drifted one with its diff. */
export function parseDiffOutput(output: string): ObjectChange[] {
  const changes: ObjectChange[] = [];
  let current: { change: ObjectChange; lines: string[] } | undefined;
  const close = () => {
    if (current?.change.change === 'configured') {
      const diff = trimBlankLines(current.lines);
      if (diff) current.change.diff = diff;
    }
    current = undefined;
  };
  for (const line of cleanText(output).split('\n')) {
    const match = OBJECT_LINE.exec(line);
    const subject = match ? parseSubject(match[1]!) : undefined;
    if (match && subject) {
      close();
      current = { change: { ...subject, change: ACTIONS[match[2]!]! }, lines: [] };
      changes.push(current.change);
    } else if (NESTED_LINE.test(line)) {
      close();
    } else {
      current?.lines.push(line);
    }
  }
  close();
  return changes;
}

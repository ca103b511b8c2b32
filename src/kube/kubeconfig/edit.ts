// Edits to kubeconfig text that change only what they name. kubectl and flux read the written file with
// Go's YAML, which reads `yes` as a boolean and `0123456789` as no number the YAML library would write
// back: re-serialising the document would change what they read. Each edit replaces one scalar's text
// (with a double-quoted string, which means the same in block and flow style, and to Go), or adds one
// top-level key; every other byte stays as given.
import { type Document, isMap, isScalar } from 'yaml';

export interface ValueEdit {
  path: (string | number)[];
  value: string;
}

interface Splice {
  at: number;
  end: number;
  text: string;
}

/** Where a new top-level `key: value` goes: after the last pair of a block mapping, inside a flow one. */
function topLevelInsert(text: string, doc: Document, key: string, value: string): Splice {
  const root = doc.contents;
  if (!isMap(root) || !root.range) throw new Error('the kubeconfig is not a mapping');
  const pair = `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  if (root.flow) {
    const close = text.lastIndexOf('}', root.range[1] - 1);
    return { at: close, end: close, text: root.items.length > 0 ? `, ${pair}` : pair };
  }
  const firstKey = root.items[0]?.key as { range?: [number, number, number] } | undefined;
  const keyStart = firstKey?.range?.[0] ?? root.range[0];
  const indent = ' '.repeat(keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1));
  const at = root.range[1];
  const newline = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { at, end: at, text: `${newline}${indent}${key}: ${JSON.stringify(value)}\n` };
}

/** Applies the edits to `text`, the source of `doc`. */
export function editInPlace(text: string, doc: Document, edits: ValueEdit[]): string {
  const splices: Splice[] = edits.map(({ path, value }) => {
    const node = doc.getIn(path, true);
    if (isScalar(node) && node.range) {
      return { at: node.range[0], end: node.range[1], text: JSON.stringify(value) };
    }
    if (node === undefined && path.length === 1 && typeof path[0] === 'string') {
      return topLevelInsert(text, doc, path[0], value);
    }
    throw new Error(`cannot change ${path.join('.')} of the kubeconfig in place`);
  });
  let edited = text;
  for (const splice of splices.sort((a, b) => b.at - a.at)) {
    edited = edited.slice(0, splice.at) + splice.text + edited.slice(splice.end);
  }
  return edited;
}

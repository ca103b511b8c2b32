// The house's rules, read from the source files: imports run one way through the layers, no file imports
// itself through a circle, and only the command table and the command files ask which command runs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/inputs/commands.js';

// Lower layers never import higher ones; folders of one layer do not import each other.
const LAYERS: Record<string, number> = {
  base: 0,
  flux: 1,
  github: 2,
  kube: 3,
  git: 3,
  install: 3,
  inputs: 4,
  reconcile: 5,
  trigger: 5,
  diff: 6,
  report: 7,
  commands: 8,
  '.': 9, // main.ts, post.ts, index.ts
};

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) sourceFiles(file, found);
    else if (file.endsWith('.ts')) found.push(file);
  }
  return found;
}

const files = sourceFiles('src');
const imports = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
      path.normalize(path.join(path.dirname(file), m[1] as string)).replace(/\.js$/, '.ts'),
    );
    return [file, targets];
  }),
);

const folderOf = (file: string) => {
  const parts = path.relative('src', file).split(path.sep);
  return parts.length === 1 ? '.' : (parts[0] as string);
};

/** Circles of imports (strongly connected components of more than one file), by Tarjan's algorithm. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const ASKS_COMMAND = new RegExp(`\\bcommand\\s*[!=]==?\\s*'(${COMMAND_NAMES.join('|')})'`);

// One idea per function: a longer one is split where its parts have names.
const MAX_FUNCTION_LINES = 80;

describe('the source layout', () => {
  it('puts every file in a known layer', () => {
    expect(files.map(folderOf).filter((folder) => !(folder in LAYERS))).toEqual([]);
  });

  it('imports only downwards through the layers', () => {
    const upward: string[] = [];
    for (const [file, targets] of imports) {
      for (const target of targets) {
        const from = folderOf(file);
        const to = folderOf(target);
        if (from !== to && !((LAYERS[to] as number) < (LAYERS[from] as number)))
          upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(imports)).toEqual([]);
  });

  it('asks which command runs only in the command table and the command files', () => {
    const asking = files.filter(
      (file) =>
        !file.startsWith(path.join('src', 'commands')) &&
        file !== path.join('src', 'inputs', 'commands.ts') &&
        ASKS_COMMAND.test(readFileSync(file, 'utf8')),
    );
    expect(asking).toEqual([]);
  });

  it('has the one reader of the GITHUB_* variables', () => {
    const readers = files.filter((file) =>
      /\benv\.GITHUB_|\benv\[['"]GITHUB_/.test(readFileSync(file, 'utf8')),
    );
    expect(readers).toEqual([path.join('src', 'github', 'workflow-run.ts')]);
  });

  it('has no function over 80 lines', () => {
    const long: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (last - first + 1 > MAX_FUNCTION_LINES)
            long.push(`${file}:${first + 1} (${last - first + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });

  it('has the one writer of outputs', () => {
    const writers = files.filter((file) => readFileSync(file, 'utf8').includes('core.setOutput('));
    expect(writers).toEqual([path.join('src', 'report', 'outputs.ts')]);
  });
});

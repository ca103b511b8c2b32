// Runs the bundled action the way the GitHub runner runs a node24 action: a child process of Node 24 with
// INPUT_* (action.yml defaults applied), the runner's file commands and directories, and nothing else from
// the parent's environment but PATH. Then reads back what the action wrote: outputs, summary, PATH
// additions, exported variables and saved state.
//
// Each run lives in `dir`, a temp directory (or `workdir`). Remove it with `removeRun(run)` when done.
// Runs that share a `workdir` share the tool cache, RUNNER_TEMP and HOME, as steps of one job do; the
// file-command files start empty on every run.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The Node 24 the npm `node` package puts in node_modules: the runtime `runs.using: node24` names. */
export const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');

export interface RunOptions {
  /** dist/index.js (the main step) or dist/post.js (the post step). Default index. */
  entry?: 'index' | 'post';
  /** Another bundle's folder instead of dist/ (the benchmarks' baseline, built from another commit). */
  dist?: string;
  /** By input name as in action.yml; the others get action.yml's defaults, as on the runner. */
  inputs?: Record<string, string>;
  /** Extra environment, applied last (it may override the runner variables). */
  env?: Record<string, string>;
  /** STATE_<name> for the post step: pass the main run's `state`. */
  state?: Record<string, string>;
  /** Run in this directory (created if missing) instead of a new temp directory. */
  workdir?: string;
  /** Kill the action after this long (exitCode is then null). Default 60 s. */
  timeoutMs?: number;
  /** Told the process id as soon as the action runs (the benchmark samples the process). */
  onStart?: (pid: number) => void;
  /** Told the whole stdout so far whenever more comes (a test that signals the action at a point of its run). */
  onStdout?: (text: string) => void;
}

export interface ActionRun {
  /** null when it was killed (timeout). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Directories added to PATH, in the order added. */
  addedPath: string[];
  exportedEnv: Record<string, string>;
  state: Record<string, string>;
  dir: string;
  runnerTemp: string;
  toolCache: string;
  /** performance.now() of this process when the action was started: times it against other clocks. */
  startedAt: number;
  /** When each stdout line arrived (performance.now()), for the benchmarks' phases of a run. */
  lineTimes: Array<{ at: number; line: string }>;
  durationMs: number;
}

/** The runner's name for an input's variable: spaces become `_`, dashes stay, upper case. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

let defaultsCache: Map<string, string | undefined> | undefined;

/** Every input of action.yml with its default; an expression default (`${{ github.token }}`) becomes ''. */
export async function actionInputs(): Promise<Map<string, string | undefined>> {
  if (!defaultsCache) {
    let action: { inputs?: Record<string, { default?: unknown } | null> };
    try {
      action = parse(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8'));
    } catch (error) {
      // The runner would refuse the action too.
      throw new Error(
        `action.yml is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    defaultsCache = new Map();
    for (const [name, spec] of Object.entries(action.inputs ?? {})) {
      const raw = spec?.default;
      const value = raw === undefined || raw === null ? undefined : String(raw);
      defaultsCache.set(name, value?.includes('${{') ? '' : value);
    }
  }
  return defaultsCache;
}

/**
 * Parses a file command file (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE) as the runner does: `name=value`
 * lines and `name<<DELIMITER` blocks; a block without its closing delimiter is an error.
 */
export function parseFileCommands(text: string, file = 'file command'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else if (heredoc > 0) {
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`${file}: '${line}' has no closing '${delimiter}'`);
      result[line.slice(0, heredoc)] = value.join('\n');
    } else {
      throw new Error(`${file}: cannot parse line '${line}'`);
    }
  }
  return result;
}

/** Runs dist/<entry>.js (or that of `opts.dist`). Bundle first (`npm run bundle`). */
export function runAction(opts: RunOptions = {}): Promise<ActionRun> {
  return runScript(join(opts.dist ?? join(REPO_ROOT, 'dist'), `${opts.entry ?? 'index'}.js`), opts);
}

/** Runs any script as the runner would run the action; runAction's engine, open to the harness's own tests. */
export async function runScript(script: string, opts: RunOptions = {}): Promise<ActionRun> {
  const dir = opts.workdir ?? (await mkdtemp(join(tmpdir(), 'flux-reconcile-run-')));
  const paths = {
    home: join(dir, 'home'),
    workspace: join(dir, 'workspace'),
    runnerTemp: join(dir, 'runner-temp'),
    toolCache: join(dir, 'tool-cache'),
    files: join(dir, 'file-commands'),
  };
  await Promise.all(Object.values(paths).map((p) => mkdir(p, { recursive: true })));
  const files = {
    GITHUB_OUTPUT: join(paths.files, 'output'),
    GITHUB_STEP_SUMMARY: join(paths.files, 'step-summary'),
    GITHUB_PATH: join(paths.files, 'path'),
    GITHUB_ENV: join(paths.files, 'env'),
    GITHUB_STATE: join(paths.files, 'state'),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));

  const declared = await actionInputs();
  const inputs: Record<string, string> = {};
  for (const [name, value] of declared) if (value !== undefined) inputs[inputEnvName(name)] = value;
  for (const [name, value] of Object.entries(opts.inputs ?? {})) {
    if (!declared.has(name)) throw new Error(`runAction: input '${name}' is not declared in action.yml`);
    inputs[inputEnvName(name)] = value;
  }
  const state = Object.fromEntries(Object.entries(opts.state ?? {}).map(([k, v]) => [`STATE_${k}`, v]));

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: paths.home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: paths.workspace,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: paths.runnerTemp,
    RUNNER_TOOL_CACHE: paths.toolCache,
    ...files,
    ...inputs,
    ...state,
    ...opts.env,
  };

  const started = performance.now();
  const lineTimes: ActionRun['lineTimes'] = [];
  const { exitCode, stdout, stderr } = await new Promise<{
    exitCode: number | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(NODE, [script], { cwd: paths.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) opts.onStart?.(child.pid);
    let out = '';
    let err = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      out += text;
      opts.onStdout?.(out);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      const at = performance.now();
      for (const line of lines) lineTimes.push({ at, line });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      err += `\n[action-runner] killed after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout: out, stderr: err });
    });
  });
  const durationMs = performance.now() - started;

  const read = (file: string) => readFile(file, 'utf8');
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(await read(files.GITHUB_OUTPUT), 'GITHUB_OUTPUT'),
    summary: await read(files.GITHUB_STEP_SUMMARY),
    addedPath: (await read(files.GITHUB_PATH)).split(/\r?\n/).filter((line) => line !== ''),
    exportedEnv: parseFileCommands(await read(files.GITHUB_ENV), 'GITHUB_ENV'),
    state: parseFileCommands(await read(files.GITHUB_STATE), 'GITHUB_STATE'),
    dir,
    runnerTemp: paths.runnerTemp,
    toolCache: paths.toolCache,
    startedAt: started,
    lineTimes,
    durationMs,
  };
}

/** Removes everything a run left (its `dir`). */
export async function removeRun(run: ActionRun | string): Promise<void> {
  await rm(typeof run === 'string' ? run : run.dir, { recursive: true, force: true });
}

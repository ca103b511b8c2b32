// The harness every end-to-end test stands on: the environment it builds and the files it reads back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRun,
  actionInputs,
  inputEnvName,
  parseFileCommands,
  removeRun,
  runScript,
} from '../helpers/action-runner.js';

// Stands in for the bundled action: reports its environment and uses every file command, with node only.
const FAKE_ACTION = `
import { appendFileSync } from 'node:fs';
const env = process.env;
const seen = Object.fromEntries(Object.entries(env).filter(([k]) =>
  /^(INPUT_|STATE_|RUNNER_|GITHUB_|HOME$|PATH$|CI$|LEAK)/.test(k)));
console.log(JSON.stringify(seen));
appendFileSync(env.GITHUB_OUTPUT, 'plain=one=two\\n');
appendFileSync(env.GITHUB_OUTPUT, 'multi<<ghadelimiter_1\\nline 1\\nline 2 with x=y and <<\\nghadelimiter_1\\n');
appendFileSync(env.GITHUB_PATH, '/opt/flux/bin\\n/opt/other\\n');
appendFileSync(env.GITHUB_ENV, 'KUBECONFIG<<EOF\\n/tmp/kubeconfig\\nEOF\\n');
appendFileSync(env.GITHUB_STATE, 'kubeconfig=/tmp/kubeconfig\\n');
appendFileSync(env.GITHUB_STEP_SUMMARY, '## Done\\n');
if (env.INPUT_COMMAND === 'hang') setTimeout(() => {}, 600_000);
process.exitCode = env.INPUT_COMMAND === 'fail' ? 3 : 0;
`;

let scriptDir: string;
let script: string;
const runs: ActionRun[] = [];

async function run(options: Parameters<typeof runScript>[1] = {}) {
  const result = await runScript(script, options);
  runs.push(result);
  return { result, env: JSON.parse(result.stdout.split('\n')[0] ?? '{}') as Record<string, string> };
}

beforeAll(async () => {
  scriptDir = await mkdtemp(join(tmpdir(), 'action-runner-test-'));
  script = join(scriptDir, 'fake-action.mjs');
  await writeFile(script, FAKE_ACTION);
});

afterAll(async () => {
  await Promise.all(runs.map((r) => removeRun(r)));
  await rm(scriptDir, { recursive: true, force: true });
});

describe('inputEnvName', () => {
  it('upper-cases, keeps dashes and turns spaces into underscores, as the runner does', () => {
    expect(inputEnvName('with-source')).toBe('INPUT_WITH-SOURCE');
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
  });
});

describe('parseFileCommands', () => {
  it('reads name=value lines and name<<delimiter blocks', () => {
    const text = 'a=1\nb=x<<y\nc<<EOF\nfirst\n\nthird\nEOF\nd=\n';
    expect(parseFileCommands(text)).toEqual({ a: '1', b: 'x<<y', c: 'first\n\nthird', d: '' });
  });

  it('rejects a block whose delimiter never comes, as the runner fails the step', () => {
    expect(() => parseFileCommands('c<<EOF\nvalue\n', 'GITHUB_OUTPUT')).toThrow(
      /GITHUB_OUTPUT.*no closing 'EOF'/,
    );
  });
});

describe('runScript', () => {
  it('gives the action the runner environment and action.yml defaults', async () => {
    process.env.LEAK_FROM_PARENT = 'should not reach the action';
    try {
      const { result, env } = await run({ inputs: { 'with-source': 'true', resources: 'ks/apps' } });
      expect(result.exitCode).toBe(0);
      expect(env['INPUT_WITH-SOURCE']).toBe('true');
      expect(env.INPUT_RESOURCES).toBe('ks/apps');
      const defaults = await actionInputs();
      expect(env.INPUT_NAMESPACE).toBe(defaults.get('namespace'));
      expect(env.INPUT_TOKEN).toBe(''); // ${{ github.token }} is not evaluated here
      expect(env).toMatchObject({
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
        GITHUB_ACTIONS: 'true',
        CI: 'true',
      });
      expect(env.RUNNER_TOOL_CACHE).toBe(result.toolCache);
      expect(env.RUNNER_TEMP).toBe(result.runnerTemp);
      expect(env.HOME?.startsWith(result.dir)).toBe(true);
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.LEAK_FROM_PARENT).toBeUndefined();
    } finally {
      delete process.env.LEAK_FROM_PARENT;
    }
  });

  it('reads back outputs, summary, PATH additions, exported variables and state', async () => {
    const { result } = await run();
    expect(result.outputs).toEqual({ plain: 'one=two', multi: 'line 1\nline 2 with x=y and <<' });
    expect(result.addedPath).toEqual(['/opt/flux/bin', '/opt/other']);
    expect(result.exportedEnv).toEqual({ KUBECONFIG: '/tmp/kubeconfig' });
    expect(result.state).toEqual({ kubeconfig: '/tmp/kubeconfig' });
    expect(result.summary).toBe('## Done\n');
  });

  it('passes state to the post step as STATE_<name>, and env last', async () => {
    const { env } = await run({ entry: 'post', state: { kubeconfig: '/x' }, env: { RUNNER_ARCH: 'ARM64' } });
    expect(env.STATE_kubeconfig).toBe('/x');
    expect(env.RUNNER_ARCH).toBe('ARM64');
  });

  it('starts each run with empty file-command files but keeps the tool cache of a shared workdir', async () => {
    const { result: first } = await run();
    await writeFile(join(first.toolCache, 'marker'), 'kept');
    const { result: second } = await run({ workdir: first.dir });
    expect(second.toolCache).toBe(first.toolCache);
    expect(second.addedPath).toEqual(['/opt/flux/bin', '/opt/other']); // not doubled
  });

  it('reports the exit code, and null for an action it had to kill', async () => {
    expect((await run({ inputs: { command: 'fail' } })).result.exitCode).toBe(3);
    // Killed whether or not it had printed anything yet: on a busy machine Node may still be starting.
    const hung = await runScript(script, { inputs: { command: 'hang' }, timeoutMs: 300 });
    runs.push(hung);
    expect(hung.exitCode).toBeNull();
    expect(hung.stderr).toContain('killed after 300 ms');
  });

  it('refuses an input that action.yml does not declare (a typo would otherwise pass silently)', async () => {
    await expect(runScript(script, { inputs: { 'with-sources': 'true' } })).rejects.toThrow(/with-sources/);
  });
});

import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/base/program.js';

const node = process.execPath;

describe('runProgram', () => {
  it('passes arguments as they are, with no shell, and returns output and status', async () => {
    const run = await runProgram(
      node,
      [
        '-e',
        'process.stdout.write(process.argv[1]); process.stderr.write("err"); process.exit(3)',
        '$(echo hi); *',
      ],
      { deadline: Date.now() + 60_000 },
    );
    expect(run).toEqual({
      exitCode: 3,
      stdout: '$(echo hi); *',
      stderr: 'err',
      timedOut: false,
      aborted: false,
    });
  });

  it('gives the program no INPUT_* variable', async () => {
    const run = await runProgram(
      node,
      ['-e', 'process.stdout.write(Object.keys(process.env).filter((k) => /^INPUT_/i.test(k)).join(","))'],
      {
        deadline: Date.now() + 60_000,
        env: { ...process.env, INPUT_KUBECONFIG: 'secret', input_token: 'x' },
      },
    );
    expect(run.stdout).toBe('');
  });

  it('stops a program that outlives the deadline and says so, keeping what it printed', async () => {
    // On a busy machine Node may not even print within a short deadline: then again with a longer one.
    for (let ms = 500; ; ms *= 2) {
      expect(ms, 'the program never printed before its deadline').toBeLessThan(20_000);
      const run = await runProgram(
        node,
        ['-e', 'process.stdout.write("started"); setInterval(() => {}, 1000)'],
        {
          deadline: Date.now() + ms,
        },
      );
      expect(run.timedOut).toBe(true);
      expect(run.exitCode).toBeNull();
      if (run.stdout === '') continue;
      expect(run.stdout).toBe('started');
      break;
    }
  });

  it('rejects when the program cannot be started', async () => {
    await expect(runProgram('/nonexistent/flux', [], { deadline: Date.now() + 1_000 })).rejects.toThrow(
      /ENOENT/,
    );
  });
});

// The git runner against the real git CLI: what its children see, and how it ends one that hangs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gitComplaint, runGit } from '../../../src/git/git-command.js';
import { closeServer } from '../../e2e/lab/git-server.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

// `git -c alias.x='!env' x` runs `env` the way git runs any helper: what it prints is what git passes on.
const printEnv = ['-c', 'alias.printenv=!env', 'printenv'];

describe('runGit', () => {
  it('runs git without the action inputs in its environment, and never prompts', async () => {
    vi.stubEnv('INPUT_TOKEN', 'ghs_do_not_pass_me');
    vi.stubEnv('INPUT_KUBECONFIG', 'apiVersion: v1');
    vi.stubEnv('input_lower', 'x');
    vi.stubEnv('KEEP_ME', 'yes');
    const result = await runGit(printEnv, { cwd: process.cwd(), timeoutMs: 15_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/INPUT_/i);
    expect(result.stdout).not.toContain('ghs_do_not_pass_me');
    expect(result.stdout).toContain('KEEP_ME=yes');
    expect(result.stdout).toContain('GIT_TERMINAL_PROMPT=0');
  });

  it('reports the exit code and what git said', async () => {
    const result = await runGit(['rev-parse', '--verify', 'no-such-ref'], {
      cwd: process.cwd(),
      timeoutMs: 15_000,
    });
    expect(result.code).toBe(128);
    expect(gitComplaint(result)).toMatch(/Needed a single revision/);
  });

  it('quotes no credentials from a URL git prints (older git versions print them)', () => {
    const stderr =
      "hint: ignore me\nfatal: unable to access 'https://x-access-token:ghs_secret@github.com/org/fleet/': 403\n";
    const complaint = gitComplaint({ code: 128, stdout: '', stderr });
    expect(complaint).toBe("fatal: unable to access 'https://***@github.com/org/fleet/': 403");
  });

  it('says so when git is not installed', async () => {
    vi.stubEnv('PATH', '/nonexistent');
    const result = await runGit(['version'], { cwd: process.cwd(), timeoutMs: 15_000 });
    expect(result).toMatchObject({ code: null, stopped: 'not-installed' });
  });

  it('stops a fetch that hangs when the signal aborts, and when its time is up', async () => {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => {
      seen = resolve;
    });
    // A server that takes the request and never answers.
    const server = createServer(() => seen());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fleet.git`;
    try {
      const controller = new AbortController();
      const pending = runGit(['ls-remote', url], {
        cwd: process.cwd(),
        timeoutMs: 600_000,
        signal: controller.signal,
      });
      await arrived;
      controller.abort();
      expect(await pending).toMatchObject({ code: null, stopped: 'aborted' });

      const timedOut = await runGit(['ls-remote', url], { cwd: process.cwd(), timeoutMs: 300 });
      expect(timedOut).toMatchObject({ code: null, stopped: 'timeout' });
    } finally {
      await closeServer(server);
    }
  });

  it('does not start when the signal has already aborted', async () => {
    const result = await runGit(['version'], {
      cwd: process.cwd(),
      timeoutMs: 15_000,
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ code: null, stopped: 'aborted' });
  });
});

// A repository on the lab's git server and a work clone to commit to it; usable from any process,
// because it is only files and the git CLI.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { runOk } from './run.js';

const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Flux Lab',
  GIT_AUTHOR_EMAIL: 'lab@flux-lab.invalid',
  GIT_COMMITTER_NAME: 'Flux Lab',
  GIT_COMMITTER_EMAIL: 'lab@flux-lab.invalid',
});

const git = (cwd: string, args: string[]) => runOk('git', args, { cwd, env: gitEnv() });

export interface GitRepoLocation {
  /** Directory that holds the server's bare repositories (its GIT_PROJECT_ROOT). */
  projectRoot: string;
  /** Directory for work clones. */
  workRoot: string;
  /** The git server's base URL. */
  serverUrl: string;
}

export class GitRepo {
  readonly name: string;
  /** The URL a GitRepository's spec.url takes. */
  readonly url: string;
  private readonly workDir: string;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(name: string, url: string, workDir: string) {
    this.name = name;
    this.url = url;
    this.workDir = workDir;
  }

  /** Creates a new, empty repository (branch main) and its work clone. */
  static async create(location: GitRepoLocation, name: string): Promise<GitRepo> {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
      throw new Error(`git repo name ${JSON.stringify(name)}: use [a-z0-9._-]`);
    const bare = join(location.projectRoot, `${name}.git`);
    await git(location.projectRoot, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    const url = `${location.serverUrl}/${name}.git`;
    const workDir = join(location.workRoot, name);
    await mkdir(workDir, { recursive: true });
    await git(workDir, ['init', '--quiet', '--initial-branch=main']);
    await git(workDir, ['remote', 'add', 'origin', url]);
    return new GitRepo(name, url, workDir);
  }

  /** An existing repository (created by this or another process). */
  static open(location: GitRepoLocation, name: string): GitRepo {
    return new GitRepo(name, `${location.serverUrl}/${name}.git`, join(location.workRoot, name));
  }

  /** A repository with a unique name starting with `prefix`. */
  static createUnique(location: GitRepoLocation, prefix: string): Promise<GitRepo> {
    return GitRepo.create(location, `${prefix}-${randomBytes(3).toString('hex')}`);
  }

  /**
   * Writes the files (null deletes one), commits and pushes to `branch` over HTTP.
   * Resolves with the full SHA of the new commit. Calls on one repo run one after another.
   */
  commit(files: Record<string, string | null>, message: string, branch = 'main'): Promise<string> {
    const next = this.queue.then(() => this.commitNow(files, message, branch));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async commitNow(
    files: Record<string, string | null>,
    message: string,
    branch: string,
  ): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      const target = normalize(join(this.workDir, path));
      if (!target.startsWith(`${this.workDir}/`))
        throw new Error(`commit: path ${path} leaves the repository`);
      if (content === null) await rm(target, { force: true });
      else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    }
    await git(this.workDir, ['add', '--all']);
    await git(this.workDir, ['commit', '--quiet', '--allow-empty', '--message', message]);
    await git(this.workDir, ['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
    return (await git(this.workDir, ['rev-parse', 'HEAD'])).trim();
  }

  /** The SHA the work clone is at (the last commit pushed). */
  async head(): Promise<string> {
    return (await git(this.workDir, ['rev-parse', 'HEAD'])).trim();
  }
}

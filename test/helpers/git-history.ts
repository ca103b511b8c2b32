// Real git histories in a temp directory for the ancestry tests: a bare repository (what a git server
// serves), a work clone to commit and push from, and workspace clones made the way actions/checkout makes
// them (full or shallow, with an http.extraheader holding the credentials).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOk } from '../e2e/lab/run.js';

export const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Ancestry Test',
  GIT_AUTHOR_EMAIL: 'ancestry@test.invalid',
  GIT_COMMITTER_NAME: 'Ancestry Test',
  GIT_COMMITTER_EMAIL: 'ancestry@test.invalid',
});

export const git = async (cwd: string, args: string[]): Promise<string> =>
  (await runOk('git', args, { cwd, env: gitEnv() })).trim();

export interface CloneOptions {
  /** `--depth` for a shallow clone, as actions/checkout's default `fetch-depth: 1` makes. */
  depth?: number;
  /** The commit to check out (actions/checkout checks out the workflow's SHA). */
  at?: string;
  /** Stored as `http.<url>.extraheader`, where actions/checkout keeps its token. */
  extraHeader?: string;
}

export class GitHistory {
  private commits = 0;

  private constructor(
    /** Holds `<name>.git`: give it to a git server as its project root. */
    readonly projectRoot: string,
    readonly name: string,
    private readonly root: string,
    private readonly work: string,
  ) {}

  /** A bare repository `<name>.git` with branch main, and a work clone pushing to it through the file system. */
  static async create(name = 'fleet'): Promise<GitHistory> {
    const root = await mkdtemp(join(tmpdir(), 'ancestry-'));
    const projectRoot = join(root, 'served');
    const bare = join(projectRoot, `${name}.git`);
    await mkdir(projectRoot, { recursive: true });
    await git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    const work = join(root, 'work');
    await git(root, ['init', '--quiet', '--initial-branch=main', work]);
    await git(work, ['remote', 'add', 'origin', bare]);
    return new GitHistory(projectRoot, name, root, work);
  }

  get bareDir(): string {
    return join(this.projectRoot, `${this.name}.git`);
  }

  /** Commits on top of the work clone's HEAD (a new file each time) and pushes to `branch`. Returns the SHA. */
  async commit(message: string, branch = 'main'): Promise<string> {
    this.commits += 1;
    await writeFile(join(this.work, `file-${this.commits}.txt`), `${message}\n`);
    await git(this.work, ['add', '--all']);
    await git(this.work, ['commit', '--quiet', '--message', message]);
    await git(this.work, ['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
    return git(this.work, ['rev-parse', 'HEAD']);
  }

  /** Moves the work clone back to `sha`, so that the next commit rewrites history (with a force-push). */
  async resetTo(sha: string): Promise<void> {
    await git(this.work, ['reset', '--quiet', '--hard', sha]);
  }

  /** A commit with no parent on `branch`: a history unrelated to main's. The work clone stays on main. */
  async commitUnrelated(message: string, branch: string): Promise<string> {
    const main = await git(this.work, ['rev-parse', 'HEAD']);
    await git(this.work, ['checkout', '--quiet', '--orphan', branch]);
    const sha = await this.commit(message, branch);
    await git(this.work, ['checkout', '--quiet', '--force', '-B', 'main', main]);
    return sha;
  }

  /** A commit that exists only in the work clone: never pushed, so no server has it. */
  async commitUnpushed(message: string): Promise<string> {
    this.commits += 1;
    await git(this.work, ['commit', '--quiet', '--allow-empty', '--message', message]);
    const sha = await git(this.work, ['rev-parse', 'HEAD']);
    await git(this.work, ['reset', '--quiet', '--hard', 'HEAD~1']);
    return sha;
  }

  /** A clone of `url` in a new directory, made as actions/checkout makes one; returns its path. */
  async clone(url: string, options: CloneOptions = {}): Promise<string> {
    const dir = await mkdtemp(join(this.root, 'workspace-'));
    await git(dir, ['init', '--quiet', '--initial-branch=main']);
    await git(dir, ['remote', 'add', 'origin', url]);
    if (options.extraHeader) {
      const server = new URL(url);
      await git(dir, ['config', '--local', `http.${server.origin}/.extraheader`, options.extraHeader]);
    }
    const depth = options.depth ? [`--depth=${options.depth}`] : [];
    const target = options.at ?? 'refs/heads/main';
    await git(dir, ['fetch', '--quiet', '--no-tags', ...depth, 'origin', target]);
    await git(dir, ['checkout', '--quiet', '--detach', 'FETCH_HEAD']);
    return dir;
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

// What every scenario does: run the bundled action's main step and then its post step as the runner would,
// against the lab, and check on every run that no kubeconfig secret reached anything a person or a later
// step can read, and that the post step removed the kubeconfig file.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ResultRecord } from '../../src/report/outputs.js';
import { type ActionRun, runAction } from '../helpers/action-runner.js';
import type { LabClient } from './lab/client.js';
import type { GitRepo } from './lab/git-repo.js';
import type { LabUser } from './lab/info.js';
import type { KubeObject } from './lab/kube.js';

export interface Step extends ActionRun {
  post: ActionRun;
  /** stdout and stderr together, as the run's log shows them. */
  log: string;
}

export interface StepOptions {
  user?: LabUser;
  /** Runs sharing a job directory share the tool cache, as steps of one job do. */
  jobDir: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  downloadUrl?: string;
  /** Told the main step's process id when it starts. */
  onStart?: (pid: number) => void;
  /** Told the main step's stdout so far whenever more comes. */
  onStdout?: (text: string) => void;
  /** Another bundle's folder instead of dist/ (the benchmarks' baseline). */
  dist?: string;
}

export async function newJobDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'flux-e2e-job-'));
}

export async function removeJobDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function runStep(
  lab: LabClient,
  inputs: Record<string, string>,
  options: StepOptions,
): Promise<Step> {
  const kubeconfig = await readFile(lab.kubeconfigFor(options.user ?? 'admin'), 'utf8');
  const main = await runAction({
    inputs: {
      version: lab.info.mirror.version,
      'download-url': options.downloadUrl ?? lab.info.mirror.url,
      kubeconfig,
      ...inputs,
    },
    workdir: options.jobDir,
    timeoutMs: options.timeoutMs ?? 240_000,
    env: options.env,
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onStdout ? { onStdout: options.onStdout } : {}),
    ...(options.dist ? { dist: options.dist } : {}),
  });
  const post = await runAction({
    entry: 'post',
    state: main.state,
    workdir: options.jobDir,
    ...(options.dist ? { dist: options.dist } : {}),
  });
  const step: Step = { ...main, post, log: `${main.stdout}\n${main.stderr}` };
  expectNoSecrets(lab, step);
  expect(post.exitCode).toBe(0);
  if (main.state.kubeconfigPath) expect(existsSync(main.state.kubeconfigPath)).toBe(false);
  return step;
}

/** Every secret value of the lab's kubeconfigs: absent from logs, summary, outputs and exported variables. */
export function expectNoSecrets(lab: LabClient, step: Step): void {
  // `::add-mask::<value>` is how a secret is registered: the runner consumes that line and shows none of it.
  const shown = (log: string) =>
    log
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  const visible = [
    shown(step.stdout),
    step.stderr,
    step.summary,
    JSON.stringify(step.outputs),
    JSON.stringify(step.exportedEnv),
    shown(step.post.stdout),
    step.post.stderr,
  ].join('\n');
  for (const secret of lab.info.secrets) {
    for (const line of secret
      .split('\n')
      .filter((l) => l.trim().length >= 8 && !/^-----(BEGIN|END) /.test(l.trim()))) {
      const at = visible.indexOf(line.trim());
      const where = at < 0 ? '' : visible.slice(Math.max(0, at - 80), at).replace(/\s+/g, ' ');
      expect(at, `a kubeconfig secret (${line.trim().length} characters) appeared after: ${where}`).toBe(-1);
    }
  }
}

export const parseJson = <T>(text: string | undefined): T => JSON.parse(text ?? 'null') as T;

export type { ResultRecord };

export function resultsOf(step: Step): ResultRecord[] {
  return parseJson<ResultRecord[]>(step.outputs.results);
}

export {
  configMap,
  gitRepository,
  helmRelease,
  helmRepository,
  kustomization,
  receiver,
  unschedulableDeployment,
  webhookSecret,
} from './lab/flux-manifests.js';

export interface Fleet {
  ns: string;
  repo: GitRepo;
  jobDir: string;
}

/**
 * Registers the hooks that give a test file its fleet: a new namespace and git repository named after
 * `prefix`, the first commit of `files`, the `objects(ns, repo)` applied, and each of `readyKustomizations`
 * Ready before the first test. The fields are filled in when the hooks run.
 */
export function useFleet(
  lab: LabClient,
  prefix: string,
  setup: {
    files: Record<string, string>;
    objects: (ns: string, repo: GitRepo) => KubeObject[];
    readyKustomizations?: string[];
  },
): Fleet {
  const fleet = {} as Fleet;
  beforeAll(async () => {
    fleet.ns = await lab.namespace(prefix);
    fleet.repo = await lab.createGitRepo(prefix);
    fleet.jobDir = await newJobDir();
    await fleet.repo.commit(setup.files, 'initial');
    await lab.apply(setup.objects(fleet.ns, fleet.repo));
    for (const name of setup.readyKustomizations ?? []) {
      await lab.waitForReady('Kustomization', fleet.ns, name, { timeoutMs: 180_000 });
    }
  }, 600_000);
  afterAll(async () => {
    await removeJobDir(fleet.jobDir);
  });
  return fleet;
}

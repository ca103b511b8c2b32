// Every start compiles the action's code anew: a few MB of JavaScript (the Kubernetes client, undici), a
// few hundred milliseconds of a small runner's CPU before the first request. Node's compile cache keeps
// V8's compiled code on disk, checked against each file's content, so a later step of the job that runs the
// action starts from it. The cache lives in the job's own temp folder: only this job's steps can write
// there (a folder shared with other jobs, like the tool cache, would let them put code in a process that
// holds the kubeconfig), and the runner empties it when the job ends.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';

/** Turns on Node's compile cache for what loads from now on, where the runner gives the job a temp folder. */
export function useCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const temp = env.RUNNER_TEMP;
  if (!temp) return;
  try {
    enableCompileCache(join(temp, 'flux-reconcile-compile-cache'));
  } catch {
    // Only a speed-up: a folder it cannot write leaves the step as it was.
  }
}

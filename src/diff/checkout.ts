// Where the checked-out sources are: the workspace (for Kustomizations whose GitRepository is this
// repository) or the `path-root` input (for every Kustomization), and the URLs the workspace is known by.
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../base/error-message.js';
import { workflowRun } from '../github/workflow-run.js';
import { ConfigError } from '../inputs/types.js';
import { workspaceRemotes } from './workspace-remotes.js';

export interface Checkout {
  /** Absolute path of the folder a source's root maps to. */
  root: string;
  /** True when the user named the root with `path-root`: every source maps to it. */
  given: boolean;
  /** URLs the checkout is known by (its remotes). */
  remotes: string[];
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The folder a source's root maps to: `path-root` when given (relative to the workspace), else the workspace. */
export function resolveCheckout(pathRoot: string, env: NodeJS.ProcessEnv = process.env): Checkout {
  const workspace = workflowRun(env).workspace || process.cwd();
  if (pathRoot !== '') {
    const root = resolve(workspace, pathRoot);
    if (!isFolder(root)) {
      throw new ConfigError(
        'path-root',
        `Input 'path-root' must be a folder of the checkout, such as . or ./fleet; ${JSON.stringify(pathRoot)} is not one (looked in ${root}). Check out the repository first (actions/checkout).`,
      );
    }
    return { root: realpathSync(root), given: true, remotes: [] };
  }
  let remotes: string[] = [];
  try {
    remotes = workspaceRemotes(workspace, env);
  } catch (error) {
    core.debug(`could not read the workspace's git remotes: ${errorMessage(error)}`);
  }
  // The real path: the CLI confines an in-memory build to its working directory, compared without links.
  return { root: isFolder(workspace) ? realpathSync(workspace) : workspace, given: false, remotes };
}

import * as core from '@actions/core';

/** The main step: inputs → install → cluster → plan → request → watch → results → report. */
export async function run(): Promise<void> {
  try {
    core.info('flux-reconcile: starting');
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

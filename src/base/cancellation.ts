// A cancelled job: the runner sends SIGINT, then SIGTERM, and kills the process a few seconds later. The
// action then stops watching, writes its outputs (ready=false, `cancelled` for what was still waiting) and
// a short summary, and exits; without a handler Node would exit at once and leave none of it.
import * as core from '@actions/core';

// If something the action cannot abort (a download, an exec plugin) still holds the process, it exits
// anyway this long after the signal: well before the runner's kill.
const FORCED_EXIT_MS = 3_000;

export interface Cancellation {
  signal: AbortSignal;
  dispose(): void;
}

export function onCancel(): Cancellation {
  const controller = new AbortController();
  const handle = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    core.info(
      `${name} received: the job is being cancelled; writing the outputs and the summary, then stopping.`,
    );
    controller.abort(new Error(`the job was cancelled (${name})`));
    setTimeout(() => process.exit(process.exitCode ?? 1), FORCED_EXIT_MS).unref();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handle);
      process.off('SIGTERM', handle);
    },
  };
}

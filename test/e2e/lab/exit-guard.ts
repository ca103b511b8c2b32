// Last-resort cleanup: when the process exits or is interrupted while a lab runs, kill what the lab started
// and remove its files synchronously (an exit handler cannot wait for anything).

const cleanups = new Set<() => void>();
// Run after every other cleanup (removing a directory after the processes that write into it are gone).
const lastCleanups = new Set<() => void>();
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups, ...lastCleanups]) {
    try {
      cleanup();
    } catch {
      // Keep going: the other cleanups still matter.
    }
  }
  cleanups.clear();
  lastCleanups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  // Exit with the conventional status so callers see the interruption.
  process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const s of signals) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', runAll);
  for (const s of signals) process.off(s, onSignal);
}

/** Registers a synchronous cleanup for exit and Ctrl-C; returns its removal. */
export function guardExit(cleanup: () => void, options: { last?: boolean } = {}): () => void {
  const set = options.last ? lastCleanups : cleanups;
  set.add(cleanup);
  install();
  return () => {
    set.delete(cleanup);
    if (cleanups.size === 0 && lastCleanups.size === 0) uninstall();
  };
}

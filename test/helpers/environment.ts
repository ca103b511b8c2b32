// Puts the process environment back as it was, in place. Assigning a new object to `process.env` would
// leave the process with a plain object that no longer reaches the real environment: `os.homedir()` and
// the programs a later test starts would not see what that test sets.
export function restoreEnvironment(saved: Readonly<Record<string, string | undefined>>): void {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

// The environment for a program the action runs. The runner passes every input as INPUT_<NAME>, the
// kubeconfig and token among them: a child program (git, flux, an exec credential plugin) has no use for
// them and must not see them.

const isInput = (name: string) => name.toUpperCase().startsWith('INPUT_');

/** `env` without INPUT_* variables, with `extra` set on top. */
export function childEnv(
  extra: Record<string, string> = {},
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!isInput(name)) result[name] = value;
  }
  return { ...result, ...extra };
}

/**
 * Removes INPUT_* from this process's environment once the inputs are read: client-node starts exec
 * plugins with a copy of process.env, which the action cannot filter per call.
 */
export function forgetInputs(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(env)) if (isInput(name)) delete env[name];
}

// The environment for a program the action runs. The runner passes every input as INPUT_<NAME>, the
// kubeconfig and token among them: a child program has no use for them and must not see them.

/** `env` without INPUT_* variables, with `extra` set on top. */
export function childEnv(
  extra: Record<string, string> = {},
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.toUpperCase().startsWith('INPUT_')) result[name] = value;
  }
  return { ...result, ...extra };
}

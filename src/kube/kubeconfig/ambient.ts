// The kubeconfig a job already has when the `kubeconfig` input is empty: the files listed in KUBECONFIG
// (merged the way kubectl merges them), else ~/.kube/config, else the pod's service account.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { inClusterKubeconfig, SERVICE_ACCOUNT_DIR } from './in-cluster.js';
import { makePathsAbsolute, parseKubeconfig } from './parse.js';
import type { RawKubeconfig } from './types.js';

export interface AmbientKubeconfig {
  config: RawKubeconfig;
  /** The files it was read from, for the debug log. */
  files: string[];
  /** Made from the pod's service account. */
  inCluster?: boolean;
}

/** Where the ambient kubeconfig is looked for; tests point them elsewhere. */
export interface AmbientSources {
  env?: NodeJS.ProcessEnv;
  home?: string;
  serviceAccountDir?: string;
}

export const NO_KUBECONFIG_HELP = [
  'Give the action a kubeconfig in one of three ways:',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, shown as written
  '  1. the `kubeconfig` input, from a secret: `kubeconfig: ${{ secrets.KUBECONFIG }}` (YAML, or base64 of YAML);',
  '  2. an earlier step that sets KUBECONFIG or writes ~/.kube/config, e.g. azure/k8s-set-context,',
  '     `aws eks update-kubeconfig`, or google-github-actions/get-gke-credentials;',
  '  3. on a self-hosted runner, a ~/.kube/config file, or (for a runner that runs as a pod) its',
  '     service account: KUBERNETES_SERVICE_HOST and the token mounted in /var/run/secrets/kubernetes.io/serviceaccount.',
].join('\n');

function readConfig(file: string): RawKubeconfig {
  const config = parseKubeconfig(readFileSync(file, 'utf8'), `the kubeconfig file ${file}`);
  makePathsAbsolute(config, dirname(file));
  return config;
}

/** kubectl's merge: the first file to define a name (or the current context) wins. */
function merge(configs: RawKubeconfig[]): RawKubeconfig {
  const merged: RawKubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  for (const config of configs) {
    for (const list of ['clusters', 'users', 'contexts'] as const) {
      const target = merged[list] as { name: string }[];
      for (const entry of (config[list] ?? []) as { name: string }[]) {
        if (!target.some((seen) => seen.name === entry.name)) target.push(entry);
      }
    }
    if (!merged['current-context'] && config['current-context']) {
      merged['current-context'] = config['current-context'];
    }
  }
  return merged;
}

/** Reads the ambient kubeconfig; throws the "three ways" help when there is none. */
export function loadAmbientKubeconfig(sources: AmbientSources = {}): AmbientKubeconfig {
  const { env = process.env, home = homedir(), serviceAccountDir = SERVICE_ACCOUNT_DIR } = sources;
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file.trim() !== '');
  if (listed.length > 0) {
    // kubectl skips listed files that do not exist; so do we, unless none exists.
    const files = listed.filter((file) => existsSync(file));
    if (files.length === 0) {
      throw new Error(
        `The \`kubeconfig\` input is empty and KUBECONFIG lists no file that exists (${listed.join(delimiter)}).\n${NO_KUBECONFIG_HELP}`,
      );
    }
    return { config: merge(files.map(readConfig)), files };
  }
  const defaultFile = join(home, '.kube', 'config');
  if (existsSync(defaultFile)) return { config: readConfig(defaultFile), files: [defaultFile] };
  const inCluster = inClusterKubeconfig(env, serviceAccountDir);
  if (inCluster) return { config: inCluster, files: [serviceAccountDir], inCluster: true };
  throw new Error(
    `The \`kubeconfig\` input is empty, KUBECONFIG is not set, ${defaultFile} does not exist and this runner has no service account.\n${NO_KUBECONFIG_HELP}`,
  );
}

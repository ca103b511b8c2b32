// From the `kubeconfig` / `context` / `export-kubeconfig` inputs to a loaded KubeConfig: secrets masked
// first, the context chosen, the file written for later steps.
import * as core from '@actions/core';
import { type Cluster, KubeConfig, type User } from '@kubernetes/client-node';
import { type Document, stringify } from 'yaml';
import { errorMessage } from '../../base/error-message.js';
import { maskSecret } from '../../base/secrets.js';
import { hideUrlCredentials } from '../../base/url-credentials.js';
import { workflowRun } from '../../github/workflow-run.js';
import { proxyFromEnvironment } from '../proxy-env.js';
import { maskKubeconfigSecrets } from '../secrets.js';
import { splitServerUrl } from '../server-url.js';
import { type AmbientSources, loadAmbientKubeconfig } from './ambient.js';
import type { ClusterConfig } from './config.js';
import { editInPlace, type ValueEdit } from './edit.js';
import { writeKubeconfigFile } from './file.js';
import { decodeKubeconfigInput, makePathsAbsolute, parseKubeconfigDocument } from './parse.js';
import type { RawKubeconfig } from './types.js';

export { cleanupKubeconfig } from './file.js';

export interface PreparedKubeconfig {
  kubeConfig: KubeConfig;
  /** The context in use. */
  context: string;
  /** The API server URL, e.g. https://api.example.com:6443, without any user info. */
  server: string;
  /** host[:port] of the API server: what the report shows. */
  serverHost: string;
  /** The context's default namespace, if it sets one. */
  namespace?: string;
  /** The file the action wrote (only when the config came from the `kubeconfig` input). */
  writtenPath?: string;
}

const INPUT = 'the `kubeconfig` input';

interface Loaded {
  config: RawKubeconfig;
  /** The input as given, and the edits it needs, for the file later steps read; none for an ambient config. */
  input?: { text: string; doc: Document; edits: ValueEdit[] };
}

function loadConfig(cfg: ClusterConfig, ambientSources: AmbientSources): Loaded {
  if (cfg.kubeconfig.trim() === '') {
    const ambient = loadAmbientKubeconfig(ambientSources);
    maskKubeconfigSecrets(ambient.config);
    if (ambient.inCluster) {
      core.info(
        `No kubeconfig: using this pod's service account (${ambient.files[0]}) and the API server in KUBERNETES_SERVICE_HOST.`,
      );
    } else core.debug(`kubeconfig: the input is empty; using ${ambient.files.join(', ')}`);
    return { config: ambient.config };
  }
  const { text, encoding } = decodeKubeconfigInput(cfg.kubeconfig);
  if (encoding === 'base64') maskSecret(cfg.kubeconfig);
  const { config, doc } = parseKubeconfigDocument(text, INPUT);
  // Relative paths in a kubeconfig from a secret can only mean files of the checked-out repository.
  const edits = makePathsAbsolute(config, workflowRun().workspace || process.cwd());
  maskKubeconfigSecrets(config, doc);
  core.debug(`kubeconfig: the input is ${encoding === 'base64' ? 'base64-encoded YAML' : 'plain YAML'}`);
  return { config, input: { text, doc, edits } };
}

/** The text to load and write: the input with only the needed edits, or the ambient config in memory. */
function textFor({ config, input }: Loaded, context: string): string {
  if (!input) return stringify({ ...config, 'current-context': context });
  const edits =
    config['current-context'] === context
      ? input.edits
      : [...input.edits, { path: ['current-context'], value: context }];
  return edits.length === 0 ? input.text : editInPlace(input.text, input.doc, edits);
}

function contextNames(config: RawKubeconfig): string[] {
  return (config.contexts ?? []).map((entry) => entry.name);
}

function chooseContext(config: RawKubeconfig, requested: string): string {
  const names = contextNames(config);
  const available = names.length > 0 ? `Available contexts: ${names.join(', ')}.` : 'It defines no context.';
  if (requested) {
    if (names.includes(requested)) return requested;
    throw new Error(
      `The \`context\` input names "${requested}", which the kubeconfig does not define. ${available}`,
    );
  }
  const current = config['current-context'];
  if (current) {
    if (names.includes(current)) return current;
    throw new Error(
      `The kubeconfig's current-context "${current}" is not one of its contexts. Set the \`context\` input. ${available}`,
    );
  }
  if (names.length === 1 && names[0]) return names[0];
  throw new Error(`The kubeconfig sets no current-context. Set the \`context\` input. ${available}`);
}

function checkContext(config: RawKubeconfig, name: string): { server: string; namespace?: string } {
  const context = config.contexts?.find((entry) => entry.name === name)?.context;
  const clusterName = context?.cluster;
  const cluster = config.clusters?.find((entry) => entry.name === clusterName)?.cluster;
  if (!clusterName || !cluster) {
    throw new Error(
      `The kubeconfig's context "${name}" refers to cluster "${clusterName ?? ''}", which it does not define.`,
    );
  }
  if (!cluster.server) throw new Error(`The kubeconfig's cluster "${clusterName}" has no server.`);
  if (context.user && !config.users?.some((entry) => entry.name === context.user)) {
    throw new Error(
      `The kubeconfig's context "${name}" refers to user "${context.user}", which it does not define.`,
    );
  }
  try {
    new URL(cluster.server);
  } catch {
    throw new Error(
      `The kubeconfig's cluster "${clusterName}" has a server that is not a URL: ${hideUrlCredentials(cluster.server)}`,
    );
  }
  const { server } = splitServerUrl(cluster.server);
  return { server, ...(context.namespace ? { namespace: context.namespace } : {}) };
}

function load(text: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (error) {
    throw new Error(`The kubeconfig cannot be loaded: ${errorMessage(error)}`);
  }
  return kc;
}

/** Whether client-node will send an Authorization header of the user's own. */
function authorizesItself(user: User): boolean {
  return Boolean(user.token || user.username || user.exec || user.authProvider);
}

/**
 * The user info of each context's server becomes its user's Basic credentials, as client-go sends it,
 * unless the user authorizes itself (a token, an exec plugin...).
 */
function basicFromServerUrls(kc: KubeConfig, users: User[]): User[] {
  const basic = new Map<string, { username?: string; password?: string }>();
  for (const context of kc.getContexts()) {
    const cluster = kc.getCluster(context.cluster);
    const split = cluster ? splitServerUrl(cluster.server) : undefined;
    if (context.user && split?.username !== undefined) basic.set(context.user, split);
  }
  return users.map((user) => {
    const credentials = basic.get(user.name);
    return credentials && !authorizesItself(user) ? { ...user, ...credentials } : user;
  });
}

/**
 * Adjusts what @kubernetes/client-node reads differently from client-go, in memory only (the written file
 * stays as given, for kubectl and flux): a token read from token-file loses its trailing newline; user
 * info in a server URL is sent as Basic authentication, not in the URL; a cluster without proxy-url takes
 * HTTPS_PROXY/NO_PROXY from the environment; a plain http:// server (kubectl proxy) is accepted, which
 * client-node refuses unless insecure-skip-tls-verify is set.
 */
function alignWithClientGo(kc: KubeConfig): void {
  const trimmed: User[] = kc
    .getUsers()
    .map((user) => (user.token ? { ...user, token: String(user.token).trim() } : user));
  const users = basicFromServerUrls(kc, trimmed);
  const clusters: Cluster[] = kc.getClusters().map((cluster) => {
    const { server } = splitServerUrl(cluster.server);
    const plainHttp = server.startsWith('http://') && !cluster.skipTLSVerify;
    const proxyUrl = cluster.proxyUrl || proxyFromEnvironment(server);
    return {
      ...cluster,
      server,
      ...(plainHttp ? { skipTLSVerify: true } : {}),
      ...(proxyUrl ? { proxyUrl } : {}),
    };
  });
  kc.loadFromOptions({
    clusters,
    users,
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
}

/**
 * Reads the kubeconfig the inputs describe, masks its secrets, selects the context, writes and exports it.
 * `ambient` says where a job's own kubeconfig is looked for when the input is empty (tests only).
 */
export async function prepareKubeconfig(
  cfg: ClusterConfig,
  ambient: AmbientSources = {},
): Promise<PreparedKubeconfig> {
  const loaded = loadConfig(cfg, ambient);
  const context = chooseContext(loaded.config, cfg.context.trim());
  const { server, namespace } = checkContext(loaded.config, context);
  const text = textFor(loaded, context);
  const kubeConfig = load(text);
  alignWithClientGo(kubeConfig);
  const serverHost = new URL(server).host;
  core.debug(`kubeconfig: context ${context}, API server ${serverHost}`);

  let writtenPath: string | undefined;
  if (loaded.input) {
    writtenPath = await writeKubeconfigFile(text);
    core.debug(`kubeconfig: wrote ${writtenPath} (mode 0600)`);
    if (cfg.exportKubeconfig) core.exportVariable('KUBECONFIG', writtenPath);
  }
  return {
    kubeConfig,
    context,
    server,
    serverHost,
    ...(namespace ? { namespace } : {}),
    ...(writtenPath ? { writtenPath } : {}),
  };
}

// The shape of a kubeconfig file as written (the YAML keys), before @kubernetes/client-node reads it.
// Only what the action inspects is typed; everything else passes through untouched.

export interface RawExecConfig {
  command?: string;
  args?: string[];
  env?: { name?: string; value?: string }[] | null;
  [key: string]: unknown;
}

export interface RawUser {
  token?: string;
  'token-file'?: string;
  username?: string;
  password?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  'auth-provider'?: { name?: string; config?: Record<string, unknown> };
  exec?: RawExecConfig;
  [key: string]: unknown;
}

export interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  [key: string]: unknown;
}

export interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
  [key: string]: unknown;
}

export interface RawKubeconfig {
  clusters?: { name: string; cluster?: RawCluster }[];
  users?: { name: string; user?: RawUser }[];
  contexts?: { name: string; context?: RawContext }[];
  'current-context'?: string;
  [key: string]: unknown;
}

// Everything a test needs to reach a running lab, as plain data (it crosses from vitest's globalSetup to
// the test workers through provide/inject).
import type { ControlEndpoint } from './control.js';
import type { NotificationEndpoints } from './controllers.js';
import type { OidcInfo } from './oidc.js';
import type { MirrorInfo } from './release-mirror.js';

/** The lab's users, each with a kubeconfig file. */
export type LabUser =
  /** Token in group system:masters. The default. */
  | 'admin'
  /** Client certificate in group system:masters. */
  | 'adminCert'
  /** Token; may get/list/watch Flux objects and events, nothing else (no patch). */
  | 'restricted'
  /** Client certificate of a user without any role binding. */
  | 'plainCert';

export interface LabInfo {
  /** The lab's temp dir; logs of every process are in `${dir}/logs`. */
  dir: string;
  logsDir: string;
  binDir: string;
  fluxBinary: string;
  /** Pinned versions from versions.env, e.g. FLUX_VERSION. */
  versions: Record<string, string>;
  apiServerUrl: string;
  caFile: string;
  kubeconfigs: Record<LabUser, string>;
  /**
   * Every secret value in the kubeconfigs (tokens, private keys as they appear there) and the runner's
   * OIDC request token, for leak checks.
   */
  secrets: string[];
  git: { serverUrl: string; projectRoot: string; workRoot: string; defaultRepo: string };
  helm: { url: string; dir: string };
  mirror: MirrorInfo;
  control: ControlEndpoint;
  /** The controllers and Kubernetes programs running beside etcd and kube-apiserver (LabOptions.programs). */
  programs: string[];
  /** notification-controller's receiver and event server, when it runs. */
  notification?: NotificationEndpoints;
  /** GitHub Actions' OIDC stand-in (issuers and the runner's token endpoint), when notification-controller runs. */
  oidc?: OidcInfo;
  /** Milliseconds from startLab() to ready, binaries excluded. */
  startMs: number;
}

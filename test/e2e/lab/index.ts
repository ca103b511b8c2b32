// The lab's public surface, for e2e tests, benchmarks and the fixture capture script.
export { ensureBinaries, type LabBinaries, pinnedVersions } from './binaries.js';
export { apiVersionFor, type Condition, conditionOf, connectLab, isReady, LabClient } from './client.js';
export { CONTROLLER_NAMES, type ControllerName } from './controllers.js';
export { GitRepo } from './git-repo.js';
export {
  BROKEN_TEMPLATE,
  type ChartSpec,
  CONFIGMAP_TEMPLATE,
  HelmRepo,
  type PublishedChart,
} from './helm-repo.js';
export type { LabInfo, LabUser } from './info.js';
export { KubeApiError, type KubeObject, LabKube } from './kube.js';
export { DEFAULT_GIT_REPO, Lab, type LabOptions, startLab } from './lab.js';
export { type Manifests, toObjects } from './manifests.js';
export { LAB_PODS, NO_NODE_MATCHES, type PodFault } from './pods.js';
export type { MirrorInfo } from './release-mirror.js';
export { type RunResult, run } from './run.js';
export { sleep, waitUntil } from './wait.js';
export { daemonSet, deployment, job, type PodOptions, statefulSet } from './workload-manifests.js';

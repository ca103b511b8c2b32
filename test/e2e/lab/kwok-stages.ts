// kwok's Stage configuration for the lab: what the simulated kubelet on the lab's node does with each pod.
// Each Stage selects pods by jq expressions on the pod and patches their status (a Go template, rendered
// by kwok against the pod's JSON) after a delay; the patch is a new pod event, which selects the next Stage.
// The selectors are mutually exclusive, so kwok never has to pick one at random (it would, by weight).
// Modelled on the kubelet of the lab's Kubernetes version: its reasons, messages, restart counts and back-off.
import { stringify } from 'yaml';

/** A pod (template) annotation that makes its containers fail; its value is one of POD_FAULTS. */
export const FAULT_ANNOTATION = 'lab.flux-reconcile/fault';
/** With the `restart-once` fault: how long after it started the container exits (a Go duration; default 10s). */
export const RESTART_AFTER_ANNOTATION = 'lab.flux-reconcile/restart-after';
export const POD_FAULTS = {
  /**
   * Every container exits with code 1 a second after it starts. restartPolicy Always/OnFailure: restarted at
   * once, then after the kubelet's back-off (10s, doubling, at most 5m) — status `Error`, then `CrashLoopBackOff`
   * with `lastState.terminated` and a rising restartCount; never Ready. restartPolicy Never: the pod Failed.
   */
  crash: 'crash',
  /**
   * Runs and becomes Ready, then after RESTART_AFTER_ANNOTATION its containers are OOMKilled (exit 137) and
   * restarted at once: Ready again with restartCount 1. Not for Job pods (they complete first).
   */
  restartOnce: 'restart-once',
} as const;
/**
 * An image on a registry host under `.invalid` (RFC 2606: it never resolves) never pulls: the container waits
 * with `ErrImagePull`, then `ImagePullBackOff` (messages as the kubelet and containerd write them), retried
 * every 20 s. Any other image "pulls" at once.
 */
const UNPULLABLE_IMAGE = String.raw`^[^/]+\.invalid(:[0-9]+)?/`;

interface Requirement {
  jq: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };
}
const is = (key: string, ...values: string[]): Requirement => ({ jq: { key, operator: 'In', values } });
const isNot = (key: string, ...values: string[]): Requirement => ({ jq: { key, operator: 'NotIn', values } });
const exists = (key: string): Requirement => ({ jq: { key, operator: 'Exists' } });
const absent = (key: string): Requirement => ({ jq: { key, operator: 'DoesNotExist' } });

// jq keys. A key may yield several values (one per container): `In` holds when any of them is in the list.
const FAULT = `.metadata.annotations["${FAULT_ANNOTATION}"]`;
const UNPULLABLE = `[.spec.containers[].image | test(${JSON.stringify(UNPULLABLE_IMAGE)})] | any`;
const NOT_DELETING = absent('.metadata.deletionTimestamp');
/** Not started yet: the kubelet sets the pod's IP when it creates the sandbox. */
const NOT_STARTED = absent('.status.podIP');
const PHASE = '.status.phase';
const WAITING_REASON = '.status.containerStatuses[]?.state.waiting.reason';
const TERMINATED = '.status.containerStatuses[]?.state.terminated';
const RUNNING = '.status.containerStatuses[]?.state.running';
const RESTARTS = '[.status.containerStatuses[]?.restartCount] | max | tostring';
const READY = '.status.conditions[]? | select(.type == "Ready") | .status';
const OWNER_KIND = '.metadata.ownerReferences[]?.kind';

// Template pieces. `$now` is set at the top of every template.
const NOW = '{{ $now := Now }}';
const ADDRESSES = `
{{ with NodeIPWith .spec.nodeName }}
hostIP: {{ . | Quote }}
hostIPs:
- ip: {{ . | Quote }}
{{ end }}
{{ with PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ . | Quote }}
podIPs:
- ip: {{ . | Quote }}
{{ end }}
startTime: {{ $now | Quote }}`;
/** Init containers done (a restartable one, a sidecar, keeps running). */
const INIT_DONE = `
{{ with .spec.initContainers }}
initContainerStatuses:
{{ range . }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: true
  restartCount: 0
  {{ if eq ( or .restartPolicy "" ) "Always" }}
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
  {{ else }}
  started: false
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
  {{ end }}
{{ end }}
{{ end }}`;

const condition = (type: string, status: string, reason = "''", message = "''") => `
- type: ${type}
  status: "${status}"
  reason: ${reason}
  message: ${message}
  lastTransitionTime: {{ $now | Quote }}`;
/** The kubelet's pod conditions: running and ready, or running with `unready` (a template list of names) not ready. */
const RUNNING_CONDITIONS = (unready?: string) => {
  const ready = unready ? 'False' : 'True';
  const reason = unready ? 'ContainersNotReady' : "''";
  const message = unready
    ? `{{ printf "containers with unready status: [%s]" ( join " " ${unready} ) | Quote }}`
    : "''";
  return `
conditions:${condition('PodReadyToStartContainers', 'True')}${condition('Initialized', 'True')}${condition('ContainersReady', ready, reason, message)}${condition('Ready', ready, reason, message)}
{{ range .spec.readinessGates }}
- type: {{ .conditionType | Quote }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}`;
};
/** A pod whose containers all ended: `PodCompleted` or `PodFailed`. */
const TERMINAL_CONDITIONS = (reason: string) => `
conditions:${condition('PodReadyToStartContainers', 'False')}${condition('Initialized', 'True', reason)}${condition('ContainersReady', 'False', reason)}${condition('Ready', 'False', reason)}`;
const ALL_CONTAINERS =
  '{{ $unready := list }}{{ range .spec.containers }}{{ $unready = append $unready .name }}{{ end }}';

/** When a container (`.` being its status) that ends now had started: when it went running, else now. */
const STARTED_AT =
  '{{ with .state }}{{ with .running }}{{ .startedAt | Quote }}{{ else }}{{ $now | Quote }}{{ end }}{{ else }}{{ $now | Quote }}{{ end }}';
const running = (restartCount: string, lastState = '') => `
  ready: true
  started: true
  restartCount: ${restartCount}${lastState}
  state:
    running:
      startedAt: {{ $now | Quote }}`;
const terminated = (exitCode: number, reason: string, restartCount: string, lastState = '') => `
  ready: false
  started: false
  restartCount: ${restartCount}${lastState}
  state:
    terminated:
      exitCode: ${exitCode}
      reason: ${reason}
      startedAt: ${STARTED_AT}
      finishedAt: {{ $now | Quote }}`;
const NAME_IMAGE = `
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}`;
/** The previous run of a container (`.` being its status), as lastState. */
const LAST_STATE_FROM_STATE = `
  lastState: {{ toJson .state }}`;
const LAST_STATE_KEPT = `
  lastState: {{ toJson ( or .lastState dict ) }}`;

/**
 * containerd's error for an image whose registry host does not resolve (`.` being the container spec):
 * rpc error: code = Unknown desc = failed to pull and unpack image "h/app:1": failed to resolve reference
 * "h/app:1": failed to do request: Head "https://h/v2/app/manifests/1": dial tcp: lookup h: no such host
 */
const PULL_ERROR = `{{ $host := index ( splitList "/" .image ) 0 }}{{ $path := trimPrefix ( printf "%s/" $host ) .image }}{{ $tag := "latest" }}{{ $repo := $path }}{{ with regexFind ":[^:/]+$" $path }}{{ $tag = trimPrefix ":" . }}{{ $repo = trimSuffix . $path }}{{ end }}{{ $pullError := printf "rpc error: code = Unknown desc = failed to pull and unpack image %q: failed to resolve reference %q: failed to do request: Head %q: dial tcp: lookup %s: no such host" .image .image ( printf "https://%s/v2/%s/manifests/%s" $host $repo $tag ) $host }}`;
const IMAGE_UNPULLABLE = `regexMatch ${JSON.stringify(UNPULLABLE_IMAGE)} .image`;

interface StageOptions {
  name: string;
  kind?: 'Pod' | 'Node';
  when: Requirement[];
  /** Milliseconds before the stage plays; `delayFrom`, a jq expression giving a Go duration, overrides it. */
  delayMs?: number;
  delayFrom?: string;
  /** The status patch (a template of the status' YAML; strategic merge, so conditions merge by type). */
  status?: string;
  events?: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
  delete?: boolean;
}

function stage(options: StageOptions) {
  const steps: object[] = [];
  if (options.status)
    steps.push({ patch: { subresource: 'status', root: 'status', template: options.status } });
  for (const event of options.events ?? []) steps.push({ event });
  if (options.delete) steps.push({ delete: true });
  const delay =
    options.delayMs === undefined && !options.delayFrom
      ? undefined
      : {
          durationMilliseconds: options.delayMs ?? 0,
          ...(options.delayFrom ? { durationFrom: { jq: { expression: options.delayFrom } } } : {}),
        };
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: options.name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: options.kind ?? 'Pod' },
      selector: { matchExpressions: options.when },
      ...(delay ? { delay } : {}),
      steps,
    },
  };
}

/** The node's capacity: enough for every lab test, finite so that a pod asking too much stays Pending. */
export const NODE_CAPACITY = { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' };

const nodeInitialize = (kubeletVersion: string) =>
  stage({
    name: 'node-initialize',
    kind: 'Node',
    when: [isNot('.status.conditions[]? | select(.type == "Ready") | .status', 'True')],
    status: `${NOW}
conditions:
{{ range NodeConditions }}
- type: {{ .type | Quote }}
  status: {{ .status | Quote }}
  reason: {{ .reason | Quote }}
  message: {{ .message | Quote }}
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
addresses:
- type: InternalIP
  address: {{ NodeIP | Quote }}
- type: Hostname
  address: {{ .metadata.name | Quote }}
capacity: ${JSON.stringify(NODE_CAPACITY)}
allocatable: ${JSON.stringify(NODE_CAPACITY)}
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  kubeletVersion: ${JSON.stringify(`v${kubeletVersion}`)}
  kubeProxyVersion: ${JSON.stringify(`v${kubeletVersion}`)}
  containerRuntimeVersion: {{ printf "kwok://%s" Version | Quote }}
  kernelVersion: ""
  osImage: ""
  machineID: ""
  systemUUID: ""
  bootID: ""
phase: Running`,
  });

/** A pod that pulls its images starts and is Ready a second after it is bound. */
const podStart = stage({
  name: 'pod-start',
  when: [NOT_DELETING, NOT_STARTED, isNot(UNPULLABLE, 'true'), isNot(FAULT, POD_FAULTS.crash)],
  delayMs: 1000,
  status: `${NOW}${RUNNING_CONDITIONS()}
containerStatuses:
{{ range .spec.containers }}${NAME_IMAGE}${running('0')}
{{ end }}${INIT_DONE}${ADDRESSES}
phase: Running`,
});

/** A Job's pod runs a second, exits 0: Succeeded. */
const podComplete = stage({
  name: 'pod-complete',
  when: [NOT_DELETING, is(OWNER_KIND, 'Job'), is(PHASE, 'Running'), is(READY, 'True')],
  delayMs: 1000,
  status: `${NOW}${TERMINAL_CONDITIONS('PodCompleted')}
containerStatuses:
{{ range .status.containerStatuses }}${NAME_IMAGE}${terminated(0, 'Completed', '{{ .restartCount }}')}
{{ end }}
phase: Succeeded`,
});

const imagePullError = stage({
  name: 'pod-image-pull-error',
  when: [NOT_DELETING, NOT_STARTED, is(UNPULLABLE, 'true')],
  delayMs: 1000,
  status: `${NOW}{{ $unready := list }}{{ range .spec.containers }}{{ if ${IMAGE_UNPULLABLE} }}{{ $unready = append $unready .name }}{{ end }}{{ end }}${RUNNING_CONDITIONS('$unready')}
containerStatuses:
{{ range .spec.containers }}${NAME_IMAGE}
{{ if ${IMAGE_UNPULLABLE} }}${PULL_ERROR}
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: ErrImagePull
      message: {{ $pullError | Quote }}
{{ else }}${running('0')}
{{ end }}
{{ end }}${INIT_DONE}${ADDRESSES}
phase: Pending`,
  events: [{ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' }],
});

/** The kubelet's next sync finds the pull in back-off; its message wraps the pull's error. */
const imagePullBackOff = stage({
  name: 'pod-image-pull-back-off',
  when: [NOT_DELETING, is(WAITING_REASON, 'ErrImagePull')],
  delayMs: 1000,
  status: `${NOW}
containerStatuses:
{{ range .status.containerStatuses }}{{ $status := . }}
{{ if and $status.state.waiting ( eq $status.state.waiting.reason "ErrImagePull" ) }}
- name: {{ $status.name | Quote }}
  image: {{ $status.image | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: ImagePullBackOff
      message: {{ printf "Back-off pulling image %q: ErrImagePull: %s" $status.image $status.state.waiting.message | Quote }}
{{ else }}
- {{ toJson $status }}
{{ end }}
{{ end }}`,
  events: [{ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' }],
});

/** After the back-off the kubelet pulls again, and fails again. */
const imagePullRetry = stage({
  name: 'pod-image-pull-retry',
  when: [NOT_DELETING, is(WAITING_REASON, 'ImagePullBackOff')],
  delayMs: 20_000,
  status: `${NOW}
containerStatuses:
{{ range .status.containerStatuses }}{{ $status := . }}
{{ if and $status.state.waiting ( eq $status.state.waiting.reason "ImagePullBackOff" ) }}
- name: {{ $status.name | Quote }}
  image: {{ $status.image | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: ErrImagePull
      message: {{ trimPrefix ( printf "Back-off pulling image %q: ErrImagePull: " $status.image ) $status.state.waiting.message | Quote }}
{{ else }}
- {{ toJson $status }}
{{ end }}
{{ end }}`,
  events: [{ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' }],
});

const CRASHING = [NOT_DELETING, is(FAULT, POD_FAULTS.crash)];

/** The first run exits 1. restartPolicy Never ends the pod Failed; otherwise it will be restarted. */
const crashFirstExit = stage({
  name: 'pod-crash-first-exit',
  when: [...CRASHING, NOT_STARTED, isNot(UNPULLABLE, 'true')],
  delayMs: 1000,
  status: `${NOW}${ALL_CONTAINERS}
{{ if eq .spec.restartPolicy "Never" }}${TERMINAL_CONDITIONS('PodFailed')}
phase: Failed
{{ else }}${RUNNING_CONDITIONS('$unready')}
phase: Running
{{ end }}
containerStatuses:
{{ range .spec.containers }}${NAME_IMAGE}${terminated(1, 'Error', '0')}
{{ end }}${INIT_DONE}${ADDRESSES}`,
});

/** The kubelet restarts a container's first failure at once (no back-off yet); the second run exits 1 too. */
const crashRestart = stage({
  name: 'pod-crash-restart',
  when: [...CRASHING, is(PHASE, 'Running'), exists(TERMINATED), is(RESTARTS, '0')],
  delayMs: 1000,
  status: `${NOW}
containerStatuses:
{{ range .status.containerStatuses }}${NAME_IMAGE}${terminated(1, 'Error', '{{ add1 .restartCount }}', LAST_STATE_FROM_STATE)}
{{ end }}`,
});

/** From the second failure on, the kubelet waits 10s, doubling, at most 5m: CrashLoopBackOff. */
const crashBackOff = stage({
  name: 'pod-crash-back-off',
  when: [...CRASHING, is(PHASE, 'Running'), exists(TERMINATED), isNot(RESTARTS, '0')],
  status: `${NOW}
containerStatuses:
{{ range .status.containerStatuses }}{{ $backOff := 10 }}{{ range until ( int ( min 5 ( sub .restartCount 1 ) ) ) }}{{ $backOff = mul $backOff 2 }}{{ end }}${NAME_IMAGE}
  ready: false
  started: false
  restartCount: {{ .restartCount }}${LAST_STATE_FROM_STATE}
  state:
    waiting:
      reason: CrashLoopBackOff
      message: {{ printf "back-off %s restarting failed container=%s pod=%s_%s(%s)" ( duration ( min $backOff 300 ) ) .name $.metadata.name $.metadata.namespace $.metadata.uid | Quote }}
{{ end }}`,
  events: [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' }],
});

/** When the back-off is over the container runs again and exits 1 again. */
const crashRetry = stage({
  name: 'pod-crash-retry',
  when: [...CRASHING, is(WAITING_REASON, 'CrashLoopBackOff')],
  delayMs: 10_000,
  delayFrom: '"\\([10 * pow(2; ([.status.containerStatuses[]?.restartCount] | max) - 1), 300] | min)s"',
  status: `${NOW}
containerStatuses:
{{ range .status.containerStatuses }}${NAME_IMAGE}${terminated(1, 'Error', '{{ add1 .restartCount }}', LAST_STATE_KEPT)}
{{ end }}`,
});

const RESTARTING_ONCE = [NOT_DELETING, is(FAULT, POD_FAULTS.restartOnce), isNot(OWNER_KIND, 'Job')];

const restartOnceExit = stage({
  name: 'pod-restart-once-exit',
  when: [...RESTARTING_ONCE, is(PHASE, 'Running'), exists(RUNNING), is(RESTARTS, '0')],
  delayMs: 10_000,
  delayFrom: `.metadata.annotations["${RESTART_AFTER_ANNOTATION}"]`,
  status: `${NOW}${ALL_CONTAINERS}${RUNNING_CONDITIONS('$unready')}
containerStatuses:
{{ range .status.containerStatuses }}${NAME_IMAGE}${terminated(137, 'OOMKilled', '0')}
{{ end }}`,
});

const restartOnceRestart = stage({
  name: 'pod-restart-once-restart',
  when: [...RESTARTING_ONCE, is(PHASE, 'Running'), exists(TERMINATED), is(RESTARTS, '0')],
  delayMs: 1000,
  status: `${NOW}${RUNNING_CONDITIONS()}
containerStatuses:
{{ range .status.containerStatuses }}${NAME_IMAGE}${running('1', LAST_STATE_FROM_STATE)}
{{ end }}`,
});

/** A deleted pod's containers are stopped and the kubelet removes the pod (grace period 0). */
const podDelete = stage({
  name: 'pod-delete',
  when: [exists('.metadata.deletionTimestamp')],
  delete: true,
});

/** The whole configuration file kwok reads (`--config`): every Stage, as YAML documents. */
export function kwokStagesConfig(kubeletVersion: string): string {
  const stages = [
    nodeInitialize(kubeletVersion),
    podStart,
    podComplete,
    imagePullError,
    imagePullBackOff,
    imagePullRetry,
    crashFirstExit,
    crashRestart,
    crashBackOff,
    crashRetry,
    restartOnceExit,
    restartOnceRestart,
    podDelete,
  ];
  return stages.map((s) => stringify(s, { lineWidth: 0 })).join('---\n');
}

// What a scenario uses to choose how the lab's pods behave: the node they run on, the failures kwok's stages
// (kwok-stages.ts) play on request, and a node selector no node matches (the pod stays Unschedulable).
import { FAULT_ANNOTATION, POD_FAULTS, RESTART_AFTER_ANNOTATION } from './kwok-stages.js';

export const KWOK_NODE_NAME = 'kwok-node-0';

export type PodFault = (typeof POD_FAULTS)[keyof typeof POD_FAULTS];

export const LAB_PODS = {
  /** The lab's one node (kwok's): Ready, 16 CPUs, 64Gi, 110 pods, no taints. */
  nodeName: KWOK_NODE_NAME,
  /** An image that "pulls": any image not on a `.invalid` registry host. */
  image: 'nginx:1.27',
  /** An image that never pulls: ErrImagePull, then ImagePullBackOff (retried every 20 s). */
  unpullableImage: 'registry.invalid/app:1',
  /** Pod (template) annotation selecting a fault: `{ [faultAnnotation]: faults.crash }`. */
  faultAnnotation: FAULT_ANNOTATION,
  faults: POD_FAULTS,
  /** With `faults.restartOnce`: when the container exits, as a Go duration from its start (default 10s). */
  restartAfterAnnotation: RESTART_AFTER_ANNOTATION,
  /** A nodeSelector the lab's node does not match: kube-scheduler leaves the pod Pending, Unschedulable. */
  noNodeSelector: { 'lab.flux-reconcile/node': 'none' },
} as const;

/** The scheduler's message for a pod with `noNodeSelector` (kube-scheduler 1.36, one node). */
export const NO_NODE_MATCHES =
  "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";

// Which kubeconfig to use and how (read from the inputs by src/inputs/).
export interface ClusterConfig {
  kubeconfig: string; // raw input; empty = ambient config
  context: string; // empty = current-context
  exportKubeconfig: boolean;
}

/**
 * Local clusters: kind through its own CLI and the container engine's API, and a Docker-free
 * cluster (etcd + kube-apiserver + controller-manager + scheduler as processes on loopback), with a
 * one-click mesh sandbox on top.
 *
 *   const api = registerLocalClustersApi(router, bus, { dataDir, userKubeconfig, startDemo })
 *   kubeconfigWithLocalClusters(userKubeconfig, dataDir)   // what every kubeconfig reader should read
 *
 * Pure logic sits at this folder's top level (kind configs, kind's output and errors, engine
 * containers, preflight verdicts, kubeconfig decisions, operations); I/O lives in io/.
 */
export { registerLocalClustersApi, type LocalClustersDeps } from './local-clusters-api'
export { kubeconfigWithLocalClusters, meshdeckKubeconfigPath } from './io/kubeconfig-store'
export { LocalClustersService } from './io/local-clusters-service'
export { contextNameFor } from './names'
export { kindNetworkGatewayOfEngine } from './io/kind-network'

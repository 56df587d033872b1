/**
 * Local clusters, the I/O part: kind's CLI, the container engine, the Docker-free process cluster,
 * Meshdeck's own kubeconfig file, the sandbox, and the service behind localClusters.*.
 *
 *   const api = registerLocalClustersApi(router, bus, { dataDir, userKubeconfig, startDemo })
 *   kubeconfigWithLocalClusters(userKubeconfig, dataDir)   // what every kubeconfig reader should read
 */
export { registerLocalClustersApi, type LocalClustersDeps } from './local-clusters-api'
export { kubeconfigWithLocalClusters, meshdeckKubeconfigPath } from './kubeconfig-store'
export { LocalClustersService } from './local-clusters-service'
export { kindNetworkGatewayOfEngine } from './kind-network'

/** Clusters, the I/O part: kubeconfig contexts, the API client, connections, live resource feeds (informers) and logs. */
export { ContextService } from './context-service'
export { ConnectionService, type ConnectionEvents } from './connection-service'
export { loadKubeconfig, describeContexts, type LoadedKubeconfig } from './kubeconfig-loader'
export { LogService, type LogEvents } from './logs/log-service'
export { KubeClient, KubeRequestError, type WatchEvent } from './kube-client'
export { Informer, type InformerItem, type InformerOptions } from './resources/informer'
export { clientForContext } from './client-for-context'
export { registerClusterApi, type ClusterApiDeps } from './cluster-api'

/** The cluster folder's public surface: kubeconfig contexts, connections and live resource feeds. */
export { ContextService } from './context-service'
export { ConnectionService, type ConnectionEvents } from './connection-service'
export { loadKubeconfig, describeContexts, type LoadedKubeconfig } from './kubeconfig-loader'
export { LogService, type LogEvents } from './logs/log-service'
export { classifyKubeFailure, type KubeFailure } from './connection-errors'

/** Clusters, the pure part: how a failed call is explained, and the shape of the objects read. Connections, feeds and logs are in ./io. */
export { classifyKubeFailure, type KubeFailure } from './connection-errors'
export type { KubeObject } from './resources/summarize'

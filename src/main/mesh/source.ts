import type { Disposable } from '../lib/disposable'
import type { KubernetesService } from './kubernetes/model'
import type { MeshProblem } from './problems'
import type { MeshSnapshot } from './snapshot'

export interface MeshSourceUpdate {
  snapshot: MeshSnapshot
  /** Problems reading the config (YAML, kinds, duplicates, unreadable objects); validation problems come on top. */
  problems: MeshProblem[]
}

/** What a source is, for the status a person reads ("folder ~/mesh", "cluster dev: Istio CRDs v1"). */
export interface MeshSourceInfo {
  kind: 'directory' | 'cluster'
  /** The folder, or the kubeconfig context. */
  name: string
  /** One sentence on what it serves, e.g. which API versions, or that the CRDs are absent. */
  detail: string
}

/**
 * Where mesh config comes from. One interface, several implementations: a watched folder (the
 * embedded default) and a cluster's Istio CRDs. Each delivers one update per settled change, after
 * its debounce, and keeps an object's last readable version serving while a broken one is fixed.
 */
export interface MeshConfigSource extends Disposable {
  current(): MeshSourceUpdate
  /** Applies pending changes now instead of after the debounce (a caller that just wrote one). */
  refresh(): Promise<void>
  info(): MeshSourceInfo
}

export interface MeshEndpointsUpdate {
  /** Increases by one for every change of the services or their endpoints. */
  version: number
  services: readonly KubernetesService[]
  /** Why endpoints may be missing (no access, API not served); warnings, never blocking a push. */
  problems: MeshProblem[]
}

/** Where Kubernetes Services and their endpoints come from (a cluster's informers). */
export interface MeshEndpointSource extends Disposable {
  current(): MeshEndpointsUpdate
  refresh(): Promise<void>
  info(): MeshSourceInfo
}

/** How the control plane starts a source: it passes the callback and its debounce. */
export type MeshSourceFactory = (hooks: { onChange: (update: MeshSourceUpdate) => void; debounceMs?: number }) => Promise<MeshConfigSource>
export type MeshEndpointSourceFactory = (hooks: { onChange: (update: MeshEndpointsUpdate) => void; debounceMs?: number }) => Promise<MeshEndpointSource>

import type { ResourceKind } from '@shared/contract'

/** Where each kind lives in the API. Endpoints stand in for EndpointSlices on older servers. */
export interface KindInfo {
  group: string
  version: string
  resource: string
  namespaced: boolean
}

export const kindInfo: Record<ResourceKind, KindInfo> = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  services: { group: '', version: 'v1', resource: 'services', namespaced: true },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true },
}

export const endpointsFallback: KindInfo = { group: '', version: 'v1', resource: 'endpoints', namespaced: true }

/** /api/v1/pods, /apis/apps/v1/namespaces/ns/deployments, ... */
export function collectionPath(info: KindInfo, namespace: string | null): string {
  const prefix = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`
  return namespace && info.namespaced ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${info.resource}` : `${prefix}/${info.resource}`
}

/**
 * Element ids of the topology. They are built from names only, so the same service, version or
 * edge keeps its id across recomputations and feeders; the renderer diffs and keeps positions by id.
 */
export const topologyIds = {
  namespace: (namespace: string): string => `ns:${namespace}`,
  app: (namespace: string, app: string): string => `app:${namespace}/${app}`,
  service: (host: string): string => `svc:${host}`,
  version: (namespace: string, app: string, version: string): string => `ver:${namespace}/${app}/${version}`,
  workload: (namespace: string, name: string): string => `wl:${namespace}/${name}`,
  missingSubset: (host: string, subset: string): string => `subset:${host}/${subset}`,
  unknownSource: (): string => 'ext:unknown',
  requestEdge: (source: string, target: string): string => `req:${source}->${target}`,
  routeEdge: (source: string, target: string): string => `route:${source}->${target}`,
}

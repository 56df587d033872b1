import type { MeshService } from '../../mesh'

/** Istio's cluster naming, `outbound|port|subset|host`, so names read the same as in istioctl. */
export function clusterName(port: number, subset: string | undefined, host: string): string {
  return `outbound|${port}|${subset ?? ''}|${host}`
}

/** The route configuration (RDS) of one service port; one per port so a change touches only its clients. */
export function routeConfigName(service: MeshService, port: number): string {
  return `${service.host}:${port}`
}

/**
 * Every target a client may dial for a service port (`xds:///NAME`): FQDN, short name and aliases
 * (`reviews.ns` for a Kubernetes Service) with the port, and without it when the service has a
 * single port (gRPC then asks for the bare name).
 */
export function dialNames(service: MeshService, port: number): string[] {
  const bare = [service.host, service.shortName, ...service.aliases]
  const names = new Set(bare.map((name) => `${name}:${port}`))
  if (service.ports.length === 1) for (const name of bare) names.add(name)
  return [...names]
}

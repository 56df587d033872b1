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
 * Every target a client may dial for a service port (`xds:///NAME`): FQDN and short name with the
 * port, and without it when the service has a single port (gRPC then asks for the bare name).
 */
export function dialNames(service: MeshService, port: number): string[] {
  const names = new Set([`${service.host}:${port}`, `${service.shortName}:${port}`])
  if (service.ports.length === 1) {
    names.add(service.host)
    names.add(service.shortName)
  }
  return [...names]
}

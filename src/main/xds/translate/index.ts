import { resolveServices, type MeshSnapshot } from '../../mesh'
import { defaultServerListenerTemplate, type XdsResources } from '../resource-types'
import { clusters } from './clusters'
import { loadAssignments } from './endpoints'
import { listeners } from './listeners'
import { routeConfigurations } from './routes'
import type { MeshSecurity } from './security'

export interface TranslateOptions {
  /** Must equal the bootstrap's server_listener_resource_name_template. */
  serverListenerTemplate?: string
  /** Ask clients to report load (LRS) to this control plane (`lrs_server: self`). */
  loadReporting?: boolean
  /** mTLS decisions; without it everything is plaintext. */
  security?: MeshSecurity
}

/**
 * MeshSnapshot → every xDS resource (LDS, RDS, CDS, EDS) for proxyless gRPC. Pure: no I/O, no
 * streams. Validate the snapshot first (validateMesh); translate assumes it has no errors and
 * emits only what grpc-js-xds accepts.
 */
export function translate(snapshot: MeshSnapshot, options: TranslateOptions = {}): XdsResources {
  const services = resolveServices(snapshot)
  return {
    LDS: listeners(services, options.serverListenerTemplate ?? defaultServerListenerTemplate, options.security),
    RDS: routeConfigurations(services, snapshot.virtualServices, snapshot.destinationRules),
    CDS: clusters(services, snapshot.destinationRules, options.loadReporting ?? false, options.security),
    EDS: loadAssignments(services, snapshot.destinationRules),
  }
}

export { clusterName, routeConfigName, dialNames } from './names'
export { formatListeningAddress } from './listeners'
export type { MeshSecurity } from './security'

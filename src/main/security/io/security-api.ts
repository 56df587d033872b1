import type { MtlsStatusDto } from '@shared/contract'
import type { EventBus, Router } from '../../api'
import { DisposableStack } from '../../lib/disposable'
import type { ControlPlaneService } from '../../xds/io'
import { meshBootstrap } from './mesh-bootstrap'
import { PeerAuthEditor } from './peer-auth-editor'
import { MeshSecurityBinding, type EdgeSource } from './mesh-security-binding'
import { SecurityService } from './security-service'

export interface SecurityApiDeps {
  /** The data folder: the CA, workload certificates and registrations live under it. */
  dataDir: string
  /** mesh.bootstrap hands out its bootstraps, and its served config decides mTLS and RBAC. */
  controlPlane: ControlPlaneService
  /** Where renewal problems of registered workloads are reported; default: a line on stderr. */
  onProblem?: (message: string) => void
}

export type SecurityApi = DisposableStack & {
  service: SecurityService
  /** Renews registered workloads' certificates and binds mTLS and RBAC to the running control plane. */
  start(): Promise<void>
  /** For the topology: whether calls from `source` to a service (subset) are mutual TLS now; null when unknown. */
  mtlsForEdge(edge: { source: EdgeSource; destinationHost: string; subset: string | null }): boolean | null
}

/**
 * security.*, mesh.bootstrap and their events. The CA is created on first use (the first workload
 * that needs a certificate), not at start: a plain `meshdeck serve` writes no key, and a damaged
 * CA only fails the features that need it.
 */
export function registerSecurityApi(router: Router, bus: EventBus, deps: SecurityApiDeps): SecurityApi {
  const stack = new DisposableStack()
  const service = stack.add(
    new SecurityService(
      { dataDir: deps.dataDir },
      {
        certificateRenewed: (certificate, reason) => bus.emit('security.certificateRenewed', { certificate, reason }),
        caChanged: (ca) => bus.emit('security.caChanged', ca),
      },
    ),
  )
  let binding: MeshSecurityBinding | null = null
  const peerAuth = new PeerAuthEditor(
    () => deps.controlPlane.controlPlane?.snapshot() ?? null,
    () => (deps.controlPlane.controlPlane ? (deps.controlPlane.controlPlane.status().meshDir ?? null) : null),
  )
  const unbound = (): MtlsStatusDto => ({ evaluated: false, trustDomain: service.defaultTrustDomain(), workloads: [], edges: [], conflicts: [] })
  stack.add(
    router.registerAll({
      'security.caInfo': () => service.caInfo(),
      'security.certificates': () => ({ certificates: service.certificateDtos() }),
      'security.rotateCa': (params) => service.rotateCaFromFiles(params),
      'security.conflicts': () => service.conflicts(),
      'security.mtlsStatus': () => binding?.status() ?? unbound(),
      'mesh.bootstrap': (params) => meshBootstrap(deps.controlPlane, service, params),
      'security.peerAuthPreview': (params) => peerAuth.preview(params.target, params.mode),
      'security.peerAuthApply': (params) => peerAuth.apply(params.target, params.mode, params.baseVersion),
    }),
  )
  const onProblem = deps.onProblem ?? ((message: string) => console.error(`meshdeck: ${message}`))
  return Object.assign(stack, {
    service,
    start: async () => {
      // Workloads given their own certificates (`meshdeck bootstrap --certs`, mesh.bootstrap) are renewed by whichever Meshdeck runs on this data folder.
      stack.add(await service.renewRegisteredWorkloads({ onProblem }))
      // mTLS and RBAC follow the served config (PeerAuthentication, DestinationRule TLS, AuthorizationPolicy).
      const plane = deps.controlPlane.controlPlane
      if (plane) binding = stack.add(await MeshSecurityBinding.bind(service, plane))
    },
    mtlsForEdge: (edge: { source: EdgeSource; destinationHost: string; subset: string | null }) => binding?.mtlsForEdge(edge) ?? null,
  })
}

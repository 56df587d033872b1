import type { Params, Result } from '@shared/contract'
import type { SecurityService } from './security-service'
import { issueBootstrapCertificates } from './workload-bootstrap'
import type { ControlPlaneService } from '../../xds/io'

/**
 * mesh.bootstrap: the bootstrap of a workload on this control plane and, when asked, its own
 * SPIFFE certificate (issued, registered for renewal, named as the `meshdeck` certificate provider).
 */
export async function meshBootstrap(controlPlane: ControlPlaneService, security: SecurityService, params: Params<'mesh.bootstrap'>): Promise<Result<'mesh.bootstrap'>> {
  // Answers "not running" before any file is written: without a control plane there is no bootstrap to hand out.
  const plain = controlPlane.bootstrap({ nodeId: params.nodeId })
  if (!params.certificates) return { bootstrap: plain }
  const issued = await issueBootstrapCertificates(security, params.nodeId, params.certificates)
  return {
    bootstrap: controlPlane.bootstrap({ nodeId: params.nodeId, metadata: issued.metadata, certificateProviders: issued.certificateProviders }),
    certificates: issued.summary,
  }
}

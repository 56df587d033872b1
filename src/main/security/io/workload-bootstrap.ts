import { MeshdeckError, type BootstrapCertificatesDto, type BootstrapCertificatesRequest } from '@shared/contract'
import type { CertificateProviders } from '../bootstrap'
import type { SecurityService } from './security-service'
import { isWorkloadName } from './workload-files'

/** What a bootstrap of one of the user's own workloads gets from security. */
export interface BootstrapCertificates {
  /** The bootstrap's `certificate_providers` (instance `meshdeck`, the one the control plane's TLS refers to). */
  certificateProviders: CertificateProviders
  /** Node metadata naming the workload, so the Security page joins its xDS streams to its certificate. */
  metadata: { NAMESPACE: string; WORKLOAD_NAME: string }
  summary: BootstrapCertificatesDto
}

/** The workload's name: as given, else the node id when that can name a folder. */
export function bootstrapWorkloadName(nodeId: string, workload: string | undefined): string {
  if (workload !== undefined) return workload
  if (isWorkloadName(nodeId)) return nodeId
  throw new MeshdeckError(
    'invalid_identity',
    `The node id "${nodeId}" cannot name the workload's certificate folder.`,
    'Name the workload: `meshdeck bootstrap --workload NAME` (mesh.bootstrap: certificates.workload), with lowercase letters, digits, dashes and dots.',
  )
}

/**
 * `meshdeck bootstrap --certs` and mesh.bootstrap with `certificates`: issues the workload's SPIFFE
 * certificate, registers it for renewal, and returns what its bootstrap needs. Only paths leave.
 */
export async function issueBootstrapCertificates(security: SecurityService, nodeId: string, request: BootstrapCertificatesRequest): Promise<BootstrapCertificates> {
  const workload = bootstrapWorkloadName(nodeId, request.workload)
  const issued = await security.registerWorkload({ ...request, workload })
  const { files, certificate } = issued
  return {
    certificateProviders: issued.certificateProviders,
    metadata: { NAMESPACE: request.namespace, WORKLOAD_NAME: workload },
    summary: {
      spiffeId: issued.spiffeId,
      namespace: request.namespace,
      serviceAccount: request.serviceAccount,
      workload,
      directory: files.dir,
      certificateFile: files.certificateFile,
      privateKeyFile: files.privateKeyFile,
      caCertificateFile: files.caCertificateFile,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      renewAt: certificate.renewAt.toISOString(),
      registrationFile: issued.registrationFile,
    },
  }
}

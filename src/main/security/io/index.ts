// Security, the I/O part: the mesh CA, workload certificate files and their registry, renewal,
// the SecurityService behind security.*, and the binding that keeps a control plane's mTLS current.
export {
  CertificateAuthority,
  defaultCertificateTtlMs,
  type CaSummary,
  type CertificateAuthorityOptions,
  type CertificateSummary,
  type IssuedCertificate,
  type IssueOptions,
  type RotateOptions,
  type UpstreamRootPem,
} from './certificate-authority'
export {
  certificateFilesIn,
  readWorkloadKey,
  workloadCertificateFiles,
  workloadKey,
  writeWorkloadCertificate,
  type WorkloadCertificateFiles,
  type WorkloadRef,
} from './workload-files'
export { WorkloadRegistry, type WorkloadRegistration } from './workload-registry'
export { bootstrapWorkloadName, issueBootstrapCertificates, type BootstrapCertificates } from './workload-bootstrap'
export {
  CertificateRenewer,
  type CertificateRenewerOptions,
  type EnsureOptions,
  type RenewalReason,
  type RenewedListener,
  type WorkloadCertificate,
} from './certificate-renewer'
export { MeshSecurityBinding, type EdgeSource } from './mesh-security-binding'
export { meshBootstrap } from './mesh-bootstrap'
export {
  SecurityService,
  certificateDto,
  readUpstreamRoot,
  registryScanIntervalMs,
  securityDirs,
  type CaRotation,
  type SecurityEvents,
  type SecurityServiceOptions,
  type WorkloadCertificateRequest,
  type WorkloadSecurity,
} from './security-service'
export { registerSecurityApi, type SecurityApi, type SecurityApiDeps } from './security-api'

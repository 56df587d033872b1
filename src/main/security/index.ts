// The security folder's public surface: the mesh CA, SPIFFE identities, workload certificate files,
// the gRPC bootstrap's certificate_providers block, and the pure mTLS policy logic.
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
} from './io/certificate-authority'
export { SecurityErrorCode } from './ca-errors'
export { defaultTrustDomain, parseSpiffeId, principalOf, spiffeId, type WorkloadIdentity } from './spiffe'
export { renewalTime, renewAfterFraction } from './renewal-time'
export {
  certificateFilesIn,
  readWorkloadKey,
  workloadCertificateFiles,
  workloadKey,
  writeWorkloadCertificate,
  type WorkloadCertificateFiles,
  type WorkloadRef,
} from './io/workload-files'
export { WorkloadRegistry, type WorkloadRegistration } from './io/workload-registry'
export { bootstrapWorkloadName, issueBootstrapCertificates, type BootstrapCertificates } from './io/workload-bootstrap'
export {
  certificateProviderInstance,
  certificateProviders,
  defaultRefreshIntervalSeconds,
  type CertificateProviders,
  type FileWatcherProvider,
} from './bootstrap'
export {
  CertificateRenewer,
  type CertificateRenewerOptions,
  type EnsureOptions,
  type RenewalReason,
  type RenewedListener,
  type WorkloadCertificate,
} from './io/certificate-renewer'
export * from './policy'
export { MeshSecurityModel, meshPolicyInput, policyWorkloads, type MeshSecurityOptions, type SecurityDestination } from './mesh-security'
export { MeshSecurityBinding, type EdgeSource } from './io/mesh-security-binding'
export { buildMtlsStatus, edgeMtls, workloadOfClient, type MtlsStatusInput, type ObservedCalls } from './mtls-status'
export { checkSpiffeServerIdentity, spiffeIdsOf } from './peer-identity'
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
} from './io/security-service'

// Security, the pure part: SPIFFE identities, renewal timing, the gRPC bootstrap's certificate_providers
// block, and the mTLS and authorization policy logic. The CA, certificate files and the service are in ./io.
export { SecurityErrorCode } from './ca-errors'
export { defaultTrustDomain, parseSpiffeId, principalOf, spiffeId, type WorkloadIdentity } from './spiffe'
export { renewalTime, renewAfterFraction } from './renewal-time'
export {
  certificateProviderInstance,
  certificateProviders,
  defaultRefreshIntervalSeconds,
  type CertificateProviders,
  type FileWatcherProvider,
} from './bootstrap'
export * from './policy'
export { MeshSecurityModel, meshPolicyInput, policyWorkloads, type MeshSecurityOptions, type SecurityDestination } from './mesh-security'
export { buildMtlsStatus, edgeMtls, workloadOfClient, type MtlsStatusInput, type ObservedCalls } from './mtls-status'
export { checkSpiffeServerIdentity, spiffeIdsOf } from './peer-identity'
export { findPeerAuthentication, newPeerAuthentication, setPeerAuthMode } from './peer-auth-edit'

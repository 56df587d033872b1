// Pure mTLS policy logic (no I/O): Istio's PeerAuthentication, DestinationRule TLS and
// AuthorizationPolicy semantics, and conflict detection with fixes.
export * from './types'
export * from './peer-authentication'
export * from './destination-tls'
export * from './authorization'
export * from './conflicts'

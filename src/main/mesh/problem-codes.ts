/**
 * The codes validation and the sources give their problems, so that the Control plane page, the
 * analysis (src/main/analysis) and `meshdeck analyze` name each problem the same way. Where Istio's
 * analysis has the same finding, its code (IST…); otherwise Meshdeck's own (MDK…), each described
 * with its cause and fix in docs/analysis.md. The analysis holds the message table for every code.
 */
export const problemCodes = {
  /** Istio's ReferencedResourceNotFound: a destination host, host:port or host+subset that does not exist. */
  referencedResourceNotFound: 'IST0101',
  /** Istio's SchemaValidationError: what Istio's own validation refuses (e.g. total destination weight = 0). */
  schemaValidationError: 'IST0106',
  /** Istio's ConflictingMeshGatewayVirtualServiceHosts: two VirtualServices for one host. */
  conflictingVirtualServiceHosts: 'IST0109',
  /** Istio's UnknownDestinationRuleHost: a DestinationRule for a host no service has. */
  unknownDestinationRuleHost: 'IST0174',
  /** A field or value proxyless gRPC clients cannot be given: the object is not served. */
  unsupportedByProxylessGrpc: 'MDK0001',
  /** Served, but gRPC clients ignore, cap or approximate it (unlike Envoy). */
  proxylessGrpcCaveat: 'MDK0002',
  /** A value that is malformed or out of range: the object is not served. */
  invalidValue: 'MDK0003',
  /** A VirtualService host that no service has. */
  hostNotInMesh: 'MDK0004',
  /** A route's weights that do not add up to 100. */
  weightsNotHundred: 'MDK0005',
  /** A host several ServiceEntries declare. */
  duplicateServiceEntryHost: 'MDK0006',
  /** Config that could not be read (a file, a document, an object): its last good version keeps serving. */
  configNotRead: 'MDK0007',
  /** Config that was read but is not used (a kind Meshdeck does not serve, a kind the cluster does not list). */
  configIgnored: 'MDK0008',
} as const

export type ProblemCode = (typeof problemCodes)[keyof typeof problemCodes]

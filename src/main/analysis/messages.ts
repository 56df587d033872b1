import type { Level } from './finding'

/**
 * Every code the analysis reports, as Istio keeps its own (pkg/config/analysis/msg/messages.yaml):
 * a code, a level and a message template. Where Istio's analysis has the same finding, the code,
 * level and template are Istio's, verbatim, so a finding reads the same here as in `istioctl
 * analyze`; Meshdeck's own findings (what only proxyless gRPC or this control plane cares about)
 * have codes in the MDK range. docs/analysis.md describes each with its cause and fix; a unit test
 * holds that page and this table together.
 */
export interface MessageType {
  code: string
  /** Istio's message name for IST codes; Meshdeck's for MDK codes. */
  name: string
  level: Level
  /** Go-style: %s, %q (quoted), %v, %d, %t; see formatMessage. */
  template: string
  /** What the finding means, one sentence. */
  description: string
}

const message = (code: string, name: string, level: Level, template: string, description: string): MessageType => ({ code, name, level, template, description })

/** Istio's messages (istio/istio pkg/config/analysis/msg/messages.yaml), for the findings Meshdeck shares with it. */
const istio: MessageType[] = [
  message('IST0101', 'ReferencedResourceNotFound', 'Error', 'Referenced %s not found: %q', 'A resource being referenced does not exist.'),
  message('IST0106', 'SchemaValidationError', 'Error', 'Schema validation error: %v', 'The resource has a schema validation error.'),
  message(
    'IST0109',
    'ConflictingMeshGatewayVirtualServiceHosts',
    'Error',
    'The VirtualServices %s associated with mesh gateway define the same host %s which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
    'Conflicting hosts on VirtualServices associated with mesh gateway',
  ),
  message(
    'IST0112',
    'VirtualServiceDestinationPortSelectorRequired',
    'Error',
    'This VirtualService routes to a service %q that exposes multiple ports %v. Specifying a port in the destination is required to disambiguate.',
    'A VirtualService routes to a service with more than one port exposed, but does not specify which to use.',
  ),
  // Retired from Istio's table in 2024 (istio/istio#48599) when its analyzer went; its code and
  // words are Istio's own, and no other code means a DestinationRule at odds with a PeerAuthentication.
  message(
    'IST0113',
    'MTLSPolicyConflict',
    'Error',
    'A DestinationRule and Policy are in conflict with regards to mTLS for host %s. The DestinationRule %q specifies that mTLS must be %t but the Policy object %q specifies %s.',
    'A DestinationRule and Policy are in conflict with regards to mTLS.',
  ),
  message('IST0127', 'NoMatchingWorkloadsFound', 'Warning', 'No matching workloads for this resource with the following labels: %s', "There aren't workloads matching the resource labels"),
  message('IST0130', 'VirtualServiceUnreachableRule', 'Warning', 'VirtualService rule %v not used (%s).', 'A VirtualService rule will never be used because a previous rule uses the same match.'),
  message(
    'IST0131',
    'VirtualServiceIneffectiveMatch',
    'Info',
    'VirtualService rule %v match %v is not used (duplicate/overlapping match in rule %v).',
    'A VirtualService rule match duplicates a match in a previous rule.',
  ),
  message(
    'IST0173',
    'DestinationRuleSubsetNotSelectPods',
    'Error',
    'The Subset %s defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
    'Subsets defined in destination does not select any pods.',
  ),
  message('IST0174', 'UnknownDestinationRuleHost', 'Warning', 'The host %s defined in the DestinationRule does not match any services in the mesh.', 'Host defined in destination rule does not match any services in the mesh.'),
  message(
    'IST0177',
    'ConflictingServiceEntryProtocol',
    'Warning',
    'Multiple ServiceEntries (%s) define the same host %q and port %d with conflicting protocols (%s).',
    'Multiple ServiceEntries define the same host and port with conflicting protocols.',
  ),
]

/** Meshdeck's own: what proxyless gRPC cannot do, what this control plane does differently, and mistakes Istio does not look for. */
const meshdeck: MessageType[] = [
  message('MDK0001', 'UnsupportedByProxylessGrpc', 'Error', '%s', 'A field or value proxyless gRPC clients cannot be given; the object is not served (its last good version keeps serving).'),
  message('MDK0002', 'ProxylessGrpcCaveat', 'Warning', '%s', 'Served, but gRPC clients ignore, cap or approximate it where Envoy would not.'),
  message('MDK0003', 'InvalidValue', 'Error', '%s', 'A value that is malformed or out of range; the object is not served.'),
  message('MDK0004', 'HostNotInMesh', 'Error', '%s', 'A VirtualService host that no service has; the VirtualService is not served.'),
  message('MDK0005', 'WeightsNotHundred', 'Warning', '%s', "A route's weights do not add up to 100; clients split by their ratios."),
  message('MDK0006', 'DuplicateServiceEntryHost', 'Error', '%s', 'Several ServiceEntries declare one host; Meshdeck does not merge them and serves only the first.'),
  message('MDK0007', 'ConfigNotRead', 'Error', '%s', 'A file, document or object could not be read; what was read of it last keeps serving.'),
  message('MDK0008', 'ConfigIgnored', 'Warning', '%s', 'Config that was read but is not used: a kind Meshdeck does not serve, or a kind the cluster does not list.'),
  message('MDK0009', 'WorkloadEntryNotSelected', 'Warning', 'WorkloadEntry %s with labels %s is selected by no ServiceEntry or Service, so no client is sent to it.', 'A WorkloadEntry no service selects serves no one.'),
  message(
    'MDK0010',
    'MultipleDestinationRules',
    'Warning',
    'DestinationRules %s all apply to host %s; the control plane uses only %s.',
    'Several DestinationRules name one host; only the first (by namespace, then name) applies here.',
  ),
  message(
    'MDK0011',
    'PortLevelMtlsUnservedPort',
    'Warning',
    'portLevelMtls sets port %d, which no workload this PeerAuthentication selects serves (%s).',
    'A port-level mTLS setting on a port the selected workloads do not serve has no effect.',
  ),
  message(
    'MDK0012',
    'RetryBudgetExceedsTimeout',
    'Warning',
    'VirtualService rule %v has timeout %s, shorter than its retry budget %s (%d attempt(s) of perTryTimeout %s), so the last attempts never run.',
    'A route timeout shorter than its retries need cuts the retries off.',
  ),
  message(
    'MDK0013',
    'AllowPolicyDeniesAll',
    'Warning',
    'This ALLOW policy has no rules, so it allows nothing: every request to %s is denied.',
    'An ALLOW AuthorizationPolicy without rules denies every request to the workloads it selects.',
  ),
  message('MDK0014', 'PrincipalMatchesNoIdentity', 'Warning', 'Principal %q matches no workload identity: %s.', 'A principal that no workload can present, so its rule never matches.'),
  message('MDK0015', 'MtlsToPermissiveProxylessServer', 'Error', '%s', 'ISTIO_MUTUAL towards a PERMISSIVE proxyless gRPC server, which serves plaintext: the calls fail.'),
  message('MDK0016', 'MtlsMixedStrictEndpoints', 'Error', '%s', 'Only some endpoints of a cluster are STRICT; proxyless clients use one TLS setting per cluster.'),
  message('MDK0017', 'IneffectivePeerAuthentication', 'Warning', '%s', 'A PeerAuthentication Istio ignores (a selector in the root namespace, or a second one at the same level).'),
  message('MDK0018', 'PrincipalsWithoutMtls', 'Warning', '%s', 'Rules that match callers by identity, on a workload whose mTLS is off: no caller has an identity.'),
  message(
    'MDK0019',
    'RouteToNoEndpoints',
    'Error',
    'VirtualService rule %v sends %s of its requests to %s, which has no endpoints: those calls fail with UNAVAILABLE.',
    'A route gives weight to a destination (a host or subset) that has no endpoints.',
  ),
]

export const messageTypes: readonly MessageType[] = [...istio, ...meshdeck]

const byCode = new Map(messageTypes.map((m) => [m.code, m]))

export function messageType(code: string): MessageType {
  const found = byCode.get(code)
  if (!found) throw new Error(`No analysis message ${code}; add it to src/main/analysis/messages.ts and docs/analysis.md.`)
  return found
}

export function isKnownCode(code: string): boolean {
  return byCode.has(code)
}

/** Go's %q: a double-quoted string with Go's escapes (JSON's are the same for what config holds). */
const quote = (value: unknown): string => JSON.stringify(String(value))

/** Go's %v of a list prints `[a b c]`; of anything else, the value. */
const plain = (value: unknown): string => (Array.isArray(value) ? `[${value.map(plain).join(' ')}]` : String(value))

/**
 * Fills a template the way Go's fmt.Sprintf fills Istio's (the verbs its messages use), so a finding
 * reads exactly as istioctl prints it.
 */
export function formatMessage(template: string, args: readonly unknown[]): string {
  let next = 0
  return template.replace(/%([sqvdt%])/g, (whole, verb: string) => {
    if (verb === '%') return '%'
    const value = args[next++]
    if (verb === 'q') return quote(value)
    if (verb === 't') return value ? 'true' : 'false'
    return plain(value)
  })
}

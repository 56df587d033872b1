import {
  destinationRuleFor,
  findService,
  grpcRetryOn,
  grpcStatusCodes,
  parseDuration,
  toProtoDuration,
  type ConsistentHash,
  type DestinationRule,
  type HttpMatchRequest,
  type HttpRoute,
  type MeshService,
  type StringMatch,
  type VirtualService,
} from '../../mesh'
import { anyTypes, type XdsResource } from '../resource-types'
import { clusterName, dialNames, routeConfigName } from './names'

export const faultFilterName = 'envoy.filters.http.fault'

interface RouteContext {
  services: readonly MeshService[]
  rules: readonly DestinationRule[]
}

function pathMatch(uri: StringMatch | undefined): Record<string, unknown> {
  if (uri?.exact !== undefined) return { path: uri.exact }
  if (uri?.prefix !== undefined) return { prefix: uri.prefix }
  if (uri?.regex !== undefined) return { safe_regex: { regex: uri.regex } }
  return { prefix: '' }
}

function headerMatchers(headers: HttpMatchRequest['headers']): Record<string, unknown>[] {
  return Object.entries(headers ?? {}).map(([name, match]) => {
    if (match.exact !== undefined) return { name, string_match: { exact: match.exact } }
    if (match.prefix !== undefined) return { name, string_match: { prefix: match.prefix } }
    if (match.regex !== undefined) return { name, string_match: { safe_regex: { regex: match.regex } } }
    return { name, present_match: true }
  })
}

/** Istio percentages are doubles 0–100; Envoy wants a FractionalPercent per million. */
function fraction(value: number | undefined): Record<string, unknown> {
  return { numerator: Math.round((value ?? 100) * 10_000), denominator: 'MILLION' }
}

function faultConfig(http: HttpRoute): XdsResource | undefined {
  const fault = http.fault
  if (!fault || (!fault.delay && !fault.abort)) return undefined
  const config: XdsResource = { '@type': anyTypes.fault }
  if (fault.delay) {
    config.delay = {
      fixed_delay: toProtoDuration(parseDuration(fault.delay.fixedDelay) ?? 0),
      percentage: fraction(fault.delay.percentage?.value ?? fault.delay.percent),
    }
  }
  if (fault.abort) {
    const status = fault.abort.grpcStatus !== undefined
      ? { grpc_status: grpcStatusCodes[fault.abort.grpcStatus] ?? 2 }
      : { http_status: fault.abort.httpStatus ?? 500 }
    config.abort = { ...status, percentage: fraction(fault.abort.percentage?.value) }
  }
  return config
}

function routeAction(http: HttpRoute, service: MeshService, port: number, vs: VirtualService, ctx: RouteContext): XdsResource {
  const destinations = (http.route ?? []).map((route) => {
    const target = findService(ctx.services, route.destination.host, vs.namespace) ?? service
    const targetPort = route.destination.port?.number ?? (target.ports.some((p) => p.number === port) ? port : (target.ports[0]?.number ?? port))
    return { name: clusterName(targetPort, route.destination.subset, target.host), weight: route.weight, target, subset: route.destination.subset }
  })
  const action: XdsResource = {}
  if (destinations.length === 1) {
    action.cluster = destinations[0]?.name
  } else {
    action.weighted_clusters = {
      clusters: destinations.map((d) => ({ name: d.name, weight: { value: d.weight ?? 0 } })),
    }
  }
  const timeout = parseDuration(http.timeout)
  if (timeout !== null) {
    // gRPC reads the deadline from max_stream_duration, not Envoy's route timeout.
    action.max_stream_duration = { max_stream_duration: toProtoDuration(timeout) }
  }
  const attempts = http.retries?.attempts
  if (http.retries && attempts !== 0) {
    const retryOn = (http.retries.retryOn ?? 'cancelled,unavailable')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => grpcRetryOn.has(c))
    if (retryOn.length > 0) {
      const policy: XdsResource = { retry_on: retryOn.join(','), num_retries: { value: attempts ?? 2 } }
      const perTry = parseDuration(http.retries.perTryTimeout)
      if (perTry !== null) policy.per_try_timeout = toProtoDuration(perTry)
      action.retry_policy = policy
    }
  }
  const hashPolicy = hashPolicies(destinations.map((d) => consistentHashFor(destinationRuleFor(ctx.rules, ctx.services, d.target), d.subset)))
  if (hashPolicy.length > 0) action.hash_policy = hashPolicy
  return action
}

/**
 * The consistentHash that decides a destination's route hash, as istiod's HashForHTTPDestination:
 * the subset's own if it has one, else the rule's. The cluster's RING_HASH comes from the same
 * policy (clusters.ts); the route's hash policy is what makes a request pick a point on the ring.
 */
function consistentHashFor(rule: DestinationRule | undefined, subset: string | undefined): ConsistentHash | undefined {
  const subsetHash = rule?.spec.subsets?.find((s) => s.name === subset)?.trafficPolicy?.loadBalancer?.consistentHash
  return subsetHash ?? rule?.spec.trafficPolicy?.loadBalancer?.consistentHash
}

/** Envoy hash policies for Istio's (validated) header hashes; one per distinct header. */
function hashPolicies(hashes: readonly (ConsistentHash | undefined)[]): XdsResource[] {
  const headers = new Set(hashes.map((h) => h?.httpHeaderName).filter((name): name is string => name !== undefined))
  return [...headers].map((header) => ({ header: { header_name: header } }))
}

/** The routes of one VirtualService http rule: one Envoy route per match (Istio ORs the matches). */
function httpRules(vs: VirtualService, service: MeshService, port: number, ctx: RouteContext): XdsResource[] {
  const routes: XdsResource[] = []
  for (const [index, http] of (vs.spec.http ?? []).entries()) {
    const action = routeAction(http, service, port, vs, ctx)
    const fault = faultConfig(http)
    const matches: HttpMatchRequest[] = http.match && http.match.length > 0 ? http.match : [{}]
    for (const [m, match] of matches.entries()) {
      const route: XdsResource = {
        name: `${vs.namespace}/${vs.name}/${http.name ?? `http[${index}]`}${matches.length > 1 ? `/match[${m}]` : ''}`,
        match: { ...pathMatch(match.uri), headers: headerMatchers(match.headers) },
        route: action,
      }
      if (fault) route.typed_per_filter_config = { [faultFilterName]: fault }
      routes.push(route)
    }
  }
  return routes
}

/** Without a VirtualService everything goes to the default cluster, hashed by the rule's consistentHash as istiod does. */
function defaultRoute(service: MeshService, port: number, ctx: RouteContext): XdsResource {
  const action: XdsResource = { cluster: clusterName(port, undefined, service.host) }
  const hashPolicy = hashPolicies([consistentHashFor(destinationRuleFor(ctx.rules, ctx.services, service), undefined)])
  if (hashPolicy.length > 0) action.hash_policy = hashPolicy
  return { name: 'default', match: { prefix: '' }, route: action }
}

/**
 * One RouteConfiguration per service port. Routes come from the VirtualService naming the host,
 * in the order written; without one, everything goes to the service's default cluster.
 */
export function routeConfigurations(
  services: readonly MeshService[],
  virtualServices: readonly VirtualService[],
  rules: readonly DestinationRule[],
): Map<string, XdsResource> {
  const ctx: RouteContext = { services, rules }
  const out = new Map<string, XdsResource>()
  for (const service of services) {
    const vs = virtualServices.find((v) =>
      (v.spec.hosts ?? []).some((host) => findService(services, host, v.namespace)?.host === service.host),
    )
    for (const port of service.ports) {
      const name = routeConfigName(service, port.number)
      const routes = vs ? httpRules(vs, service, port.number, ctx) : [defaultRoute(service, port.number, ctx)]
      out.set(name, {
        name,
        virtual_hosts: [{ name, domains: dialNames(service, port.number), routes }],
      })
    }
  }
  return out
}

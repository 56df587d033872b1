import { isIP } from '../lib/ip-address'
import { parseDuration } from './duration'
import { lineOfField, type DestinationRule, type MeshObject, type StringMatch, type TrafficPolicy, type VirtualService, type WorkloadEntrySpec } from './model'
import { problemCodes } from './problem-codes'
import type { MeshProblem } from './problems'
import { checkClientRegex } from './regex'
import { destinationRuleFor, endpointPort, endpointServes, findService, resolveServices, type MeshService } from './services'
import type { MeshSnapshot } from './snapshot'

/** gRPC status names Istio's `grpcStatus` may use, with their codes. */
export const grpcStatusCodes: Record<string, number> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10,
  OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
}

/** Weights are UInt32Value on the wire; gRPC also refuses sums above it (route weights, locality weights in a priority). */
const uint32Max = 0xffff_ffff

/** gRPC clients refuse a ring_hash_lb_config minimum_ring_size above this (gRFC A42). */
const maxRingSize = 8_388_608

/** retryOn values gRPC clients act on (grpc-js-xds ignores the rest, e.g. Envoy's 5xx). */
export const grpcRetryOn = new Set(['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'])

/** Every validation problem carries its code (problem-codes.ts), so the analysis and the UI can name it. */
type Report = (problem: Omit<MeshProblem, 'kind' | 'namespace' | 'name' | 'source' | 'code'> & { code: string }) => void

/** Reports on one object, at the line of the field when the object came from a file. */
function reporter(problems: MeshProblem[], object: MeshObject): Report {
  const source = object.source
  return (problem) =>
    problems.push({
      ...problem,
      kind: object.kind,
      namespace: object.namespace,
      name: object.name,
      ...(source ? { source: { file: source.file, line: lineOfField(source, problem.field) } } : {}),
    })
}

function unsupportedKeys(value: object, allowed: readonly string[], field: string, report: Report, why: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      report({
        code: problemCodes.unsupportedByProxylessGrpc,
        severity: 'error',
        field: `${field}.${key}`,
        message: `${key} cannot be expressed for proxyless gRPC clients.`,
        hint: `${why} Supported here: ${allowed.join(', ')}.`,
      })
    }
  }
}

function checkStringMatch(match: StringMatch, field: string, report: Report, allowEmpty: boolean): void {
  const keys = Object.keys(match)
  if (keys.length === 0 && allowEmpty) return
  if (keys.length !== 1 || !['exact', 'prefix', 'regex'].includes(keys[0] as string)) {
    report({
      code: problemCodes.invalidValue,
      severity: 'error',
      field,
      message: `a string match needs exactly one of exact, prefix, regex; got ${keys.join(', ') || 'none'}.`,
      hint: allowEmpty ? 'Use e.g. `exact: v2`, or `{}` to match on presence.' : 'Use e.g. `prefix: /demo.Echo/`.',
    })
    return
  }
  if (match.regex !== undefined) {
    // Checked as the clients compile it (RE2, and grpc-js-xds's limits), not as JavaScript would.
    const problem = typeof match.regex === 'string' ? checkClientRegex(match.regex) : { severity: 'error' as const, message: 'regex is not a string.', hint: 'Quote it in YAML.' }
    if (problem) report({ code: problem.severity === 'error' ? problemCodes.unsupportedByProxylessGrpc : problemCodes.proxylessGrpcCaveat, ...problem, field: `${field}.regex` })
  }
}

function checkDuration(value: unknown, field: string, report: Report): void {
  if (value !== undefined && parseDuration(value) === null) {
    report({ code: problemCodes.invalidValue, severity: 'error', field, message: `"${String(value)}" is not a duration.`, hint: 'Write e.g. 500ms, 2s or 1m.' })
  }
}

function checkPercent(value: unknown, field: string, report: Report): void {
  if (value === undefined) return
  if (typeof value !== 'number' || value < 0 || value > 100) {
    report({ code: problemCodes.invalidValue, severity: 'error', field, message: `percentage ${String(value)} is outside 0–100.`, hint: 'Use a number from 0 to 100.' })
  }
}

/** A count that goes out as a UInt32Value (a larger number would arrive wrapped around). */
function checkCount(value: unknown, field: string, report: Report, hint: string): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > uint32Max) {
    report({ code: problemCodes.invalidValue, severity: 'error', field, message: `${String(value)} is not a whole number from 0 to ${uint32Max}.`, hint })
  }
}

function checkVirtualService(vs: VirtualService, services: MeshService[], rules: readonly DestinationRule[], owners: Map<string, string>, problems: MeshProblem[]): void {
  const report = reporter(problems, vs)
  unsupportedKeys(vs.spec, ['hosts', 'gateways', 'http', 'exportTo'], 'spec', report, 'Proxyless gRPC routes HTTP/2 requests only (no tcp/tls routes).')
  if (vs.spec.gateways && vs.spec.gateways.some((g) => g !== 'mesh')) {
    report({ code: problemCodes.proxylessGrpcCaveat, severity: 'warning', field: 'spec.gateways', message: 'gateways other than "mesh" are ignored.', hint: 'The embedded control plane programs mesh clients only.' })
  }
  const hosts = vs.spec.hosts ?? []
  if (hosts.length === 0) report({ code: problemCodes.invalidValue, severity: 'error', field: 'spec.hosts', message: 'hosts is empty.', hint: 'List the service host(s) this routes, e.g. reviews.' })
  for (const [index, host] of hosts.entries()) {
    const service = findService(services, host, vs.namespace)
    if (!service) {
      report({ code: problemCodes.hostNotInMesh, severity: 'error', field: `spec.hosts[${index}]`, message: `host "${host}" matches no ServiceEntry.`, hint: 'Add a ServiceEntry for it or fix the name.' })
      continue
    }
    const owner = owners.get(service.host)
    const me = `${vs.namespace}/${vs.name}`
    if (owner && owner !== me) {
      report({ code: problemCodes.conflictingVirtualServiceHosts, severity: 'error', field: `spec.hosts[${index}]`, message: `host "${service.host}" is already routed by VirtualService ${owner}.`, hint: 'Merge the two VirtualServices; one host has one route table.' })
    } else owners.set(service.host, me)
  }
  for (const [i, http] of (vs.spec.http ?? []).entries()) {
    const at = `spec.http[${i}]`
    unsupportedKeys(http, ['name', 'match', 'route', 'timeout', 'retries', 'fault'], at, report, 'gRPC clients do not rewrite, redirect, mirror or change headers.')
    for (const [m, match] of (http.match ?? []).entries()) {
      unsupportedKeys(match, ['name', 'uri', 'headers'], `${at}.match[${m}]`, report, 'gRPC clients match on the method path (uri) and headers.')
      if (match.uri) checkStringMatch(match.uri, `${at}.match[${m}].uri`, report, false)
      for (const [header, headerMatch] of Object.entries(match.headers ?? {})) {
        checkStringMatch(headerMatch, `${at}.match[${m}].headers.${header}`, report, true)
      }
    }
    const routes = http.route ?? []
    if (routes.length === 0) report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.route`, message: 'route is empty.', hint: 'Add at least one destination.' })
    let weightSum = 0
    for (const [r, route] of routes.entries()) {
      const field = `${at}.route[${r}]`
      unsupportedKeys(route, ['destination', 'weight'], field, report, 'gRPC clients cannot change headers per destination.')
      weightSum += route.weight ?? (routes.length === 1 ? 100 : 0)
      if (route.weight !== undefined && (!Number.isInteger(route.weight) || route.weight < 0)) {
        report({ code: problemCodes.invalidValue, severity: 'error', field: `${field}.weight`, message: `weight ${route.weight} is not a whole number ≥ 0.`, hint: 'Use whole percentages that add up to 100.' })
      } else if (route.weight !== undefined && route.weight > uint32Max) {
        report({ code: problemCodes.invalidValue, severity: 'error', field: `${field}.weight`, message: `weight ${route.weight} is more than ${uint32Max}, the largest weight gRPC clients accept.`, hint: 'Use whole percentages that add up to 100.' })
      }
      const host = route.destination?.host
      const service = host ? findService(services, host, vs.namespace) : undefined
      if (!service) {
        report({ code: problemCodes.referencedResourceNotFound, severity: 'error', field: `${field}.destination.host`, message: `destination host "${host ?? ''}" matches no ServiceEntry.`, hint: 'Add a ServiceEntry for it or fix the name.' })
        continue
      }
      const port = route.destination.port?.number
      if (port !== undefined && !service.ports.some((p) => p.number === port)) {
        report({ code: problemCodes.referencedResourceNotFound, severity: 'error', field: `${field}.destination.port.number`, message: `${service.host} has no port ${port}.`, hint: `Use one of ${service.ports.map((p) => p.number).join(', ')}.` })
      }
      const subset = route.destination.subset
      if (subset !== undefined) {
        const rule = destinationRuleFor(rules, services, service)
        if (!rule?.spec.subsets?.some((s) => s.name === subset)) {
          report({ code: problemCodes.referencedResourceNotFound, severity: 'error', field: `${field}.destination.subset`, message: `subset "${subset}" is not defined for ${service.host}.`, hint: 'Define it in the DestinationRule for that host (subsets: - name: … labels: …).' })
        }
      }
    }
    if (weightSum > uint32Max) {
      report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.route`, message: `weights add up to ${weightSum}, more than ${uint32Max}: gRPC clients refuse the whole route table.`, hint: 'Make the weights of one route add up to 100.' })
    } else if (routes.length > 1 && weightSum !== 100) {
      report({ code: weightSum === 0 ? problemCodes.schemaValidationError : problemCodes.weightsNotHundred, severity: weightSum === 0 ? 'error' : 'warning', field: `${at}.route`, message: `weights add up to ${weightSum}, not 100.`, hint: 'Make the weights of one route add up to 100.' })
    }
    checkDuration(http.timeout, `${at}.timeout`, report)
    if (http.retries) {
      unsupportedKeys(http.retries, ['attempts', 'perTryTimeout', 'retryOn', 'retryRemoteLocalities'], `${at}.retries`, report, '')
      const attempts = http.retries.attempts
      if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 0)) {
        report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.retries.attempts`, message: `attempts ${attempts} is not a whole number ≥ 0.`, hint: 'Use e.g. 3.' })
      } else if (attempts !== undefined && attempts > 4) {
        report({ code: problemCodes.proxylessGrpcCaveat, severity: 'warning', field: `${at}.retries.attempts`, message: `gRPC caps attempts at 5 in total, so ${attempts} retries act as 4.`, hint: 'Use at most 4 retries.' })
      }
      checkDuration(http.retries.perTryTimeout, `${at}.retries.perTryTimeout`, report)
      if (http.retries.perTryTimeout !== undefined) {
        report({ code: problemCodes.proxylessGrpcCaveat, severity: 'warning', field: `${at}.retries.perTryTimeout`, message: 'gRPC clients ignore perTryTimeout; the route timeout bounds all attempts.', hint: 'Set timeout on the route instead.' })
      }
      const codes = (http.retries.retryOn ?? '').split(',').map((c) => c.trim()).filter(Boolean)
      const unknown = codes.filter((c) => !grpcRetryOn.has(c))
      if (unknown.length > 0) {
        report({ code: codes.length === unknown.length ? problemCodes.unsupportedByProxylessGrpc : problemCodes.proxylessGrpcCaveat, severity: codes.length === unknown.length ? 'error' : 'warning', field: `${at}.retries.retryOn`, message: `gRPC clients do not retry on ${unknown.join(', ')}.`, hint: `Use gRPC conditions: ${[...grpcRetryOn].join(', ')}.` })
      }
    }
    if (http.fault) {
      unsupportedKeys(http.fault, ['delay', 'abort'], `${at}.fault`, report, '')
      const { delay, abort } = http.fault
      if (delay) {
        unsupportedKeys(delay, ['fixedDelay', 'percentage', 'percent'], `${at}.fault.delay`, report, 'gRPC clients inject fixed delays only.')
        if (delay.fixedDelay === undefined) report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.fault.delay.fixedDelay`, message: 'fixedDelay is missing.', hint: 'Write e.g. `fixedDelay: 2s`.' })
        checkDuration(delay.fixedDelay, `${at}.fault.delay.fixedDelay`, report)
        checkPercent(delay.percentage?.value ?? delay.percent, `${at}.fault.delay.percentage.value`, report)
      }
      if (abort) {
        unsupportedKeys(abort, ['httpStatus', 'grpcStatus', 'percentage'], `${at}.fault.abort`, report, '')
        if (abort.grpcStatus !== undefined && grpcStatusCodes[abort.grpcStatus] === undefined) {
          report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.fault.abort.grpcStatus`, message: `"${abort.grpcStatus}" is not a gRPC status name.`, hint: 'Use e.g. UNAVAILABLE or INTERNAL.' })
        }
        if (abort.grpcStatus === undefined && abort.httpStatus === undefined) {
          report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.fault.abort`, message: 'abort needs grpcStatus or httpStatus.', hint: 'Write e.g. `grpcStatus: UNAVAILABLE`.' })
        }
        checkPercent(abort.percentage?.value, `${at}.fault.abort.percentage.value`, report)
      }
    }
  }
}

function checkTrafficPolicy(policy: TrafficPolicy, field: string, report: Report): void {
  unsupportedKeys(policy, ['tls', 'loadBalancer', 'connectionPool', 'outlierDetection'], field, report, 'Port-level policies are not supported.')
  if (policy.tls) {
    unsupportedKeys(policy.tls, ['mode'], `${field}.tls`, report, 'Certificates come from the mesh CA (ISTIO_MUTUAL), not from files named here.')
    const mode = policy.tls.mode
    if (mode !== undefined && mode !== 'DISABLE' && mode !== 'ISTIO_MUTUAL') {
      report({
        code: problemCodes.unsupportedByProxylessGrpc,
        severity: 'error',
        field: `${field}.tls.mode`,
        message: `tls mode ${String(mode)} needs certificates of your own, which proxyless gRPC clients cannot be given here.`,
        hint: 'Use ISTIO_MUTUAL (mesh certificates from Meshdeck\'s CA) or DISABLE, or remove tls so auto mTLS decides.',
      })
    }
  }
  const lb = policy.loadBalancer
  if (lb) {
    if (lb.simple !== undefined && lb.simple !== 'ROUND_ROBIN') {
      report({ code: problemCodes.unsupportedByProxylessGrpc, severity: 'error', field: `${field}.loadBalancer.simple`, message: `${lb.simple} is not available in gRPC clients.`, hint: 'Use ROUND_ROBIN, or consistentHash for sticky routing.' })
    }
    const hash = lb.consistentHash
    if (hash) {
      const at = `${field}.loadBalancer.consistentHash`
      if (hash.maglev !== undefined) {
        report({ code: problemCodes.unsupportedByProxylessGrpc, severity: 'error', field: `${at}.maglev`, message: 'gRPC clients have no Maglev load balancer; they refuse a MAGLEV cluster.', hint: 'Use ringHash (or leave it out: a ring is the default).' })
      }
      unsupportedKeys(hash, ['httpHeaderName', 'ringHash', 'minimumRingSize', 'maglev'], at, report, 'gRPC clients hash on a request header.')
      if (!hash.httpHeaderName) report({ code: problemCodes.invalidValue, severity: 'error', field: `${at}.httpHeaderName`, message: 'httpHeaderName is missing.', hint: 'Name the header to hash, e.g. x-user.' })
      if (hash.ringHash) unsupportedKeys(hash.ringHash, ['minimumRingSize'], `${at}.ringHash`, report, '')
      const ringSizes: [string, unknown][] = [[`${at}.ringHash.minimumRingSize`, hash.ringHash?.minimumRingSize], [`${at}.minimumRingSize`, hash.minimumRingSize]]
      for (const [where, size] of ringSizes) {
        if (size !== undefined && (!Number.isInteger(size) || (size as number) < 1 || (size as number) > maxRingSize)) {
          report({ code: problemCodes.invalidValue, severity: 'error', field: where, message: `ring size ${String(size)} is not a whole number from 1 to ${maxRingSize}, the largest gRPC clients accept.`, hint: 'Leave it out for 1024, or use e.g. 4096.' })
        }
      }
    }
  }
  const pool = policy.connectionPool
  if (pool) {
    unsupportedKeys(pool, ['http'], `${field}.connectionPool`, report, 'gRPC clients limit concurrent requests only.')
    if (pool.http) {
      unsupportedKeys(pool.http, ['http2MaxRequests'], `${field}.connectionPool.http`, report, 'gRPC clients limit concurrent requests only.')
      checkCount(pool.http.http2MaxRequests, `${field}.connectionPool.http.http2MaxRequests`, report, 'Use e.g. 100.')
    }
  }
  const od = policy.outlierDetection
  if (od) {
    unsupportedKeys(od, ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'interval', 'baseEjectionTime', 'maxEjectionPercent'], `${field}.outlierDetection`, report, '')
    checkDuration(od.interval, `${field}.outlierDetection.interval`, report)
    checkDuration(od.baseEjectionTime, `${field}.outlierDetection.baseEjectionTime`, report)
    checkPercent(od.maxEjectionPercent, `${field}.outlierDetection.maxEjectionPercent`, report)
    checkCount(od.consecutive5xxErrors, `${field}.outlierDetection.consecutive5xxErrors`, report, 'Use e.g. 5.')
    checkCount(od.consecutiveGatewayErrors, `${field}.outlierDetection.consecutiveGatewayErrors`, report, 'Use e.g. 5.')
    if (od.consecutive5xxErrors !== undefined || od.consecutiveGatewayErrors !== undefined) {
      report({ code: problemCodes.proxylessGrpcCaveat, severity: 'warning', field: `${field}.outlierDetection`, message: 'gRPC clients eject by failure percentage, not by consecutive errors: an endpoint failing ≥50% of at least that many requests per interval is ejected.', hint: 'Expect ejection to work on rates; see the Control plane page for what was sent.' })
    }
  }
}

function checkDestinationRule(rule: DestinationRule, services: MeshService[], problems: MeshProblem[]): void {
  const report = reporter(problems, rule)
  unsupportedKeys(rule.spec, ['host', 'trafficPolicy', 'subsets', 'exportTo'], 'spec', report, '')
  if (!findService(services, rule.spec.host ?? '', rule.namespace)) {
    report({ code: problemCodes.unknownDestinationRuleHost, severity: 'warning', field: 'spec.host', message: `host "${rule.spec.host ?? ''}" matches no service; the rule applies to nothing.`, hint: 'Add a ServiceEntry (or Kubernetes Service) for it, or fix the name.' })
  }
  if (rule.spec.trafficPolicy) checkTrafficPolicy(rule.spec.trafficPolicy, 'spec.trafficPolicy', report)
  const seen = new Set<string>()
  for (const [i, subset] of (rule.spec.subsets ?? []).entries()) {
    if (!subset.name) report({ code: problemCodes.invalidValue, severity: 'error', field: `spec.subsets[${i}].name`, message: 'a subset has no name.', hint: 'Name it, e.g. v1.' })
    if (seen.has(subset.name)) report({ code: problemCodes.invalidValue, severity: 'error', field: `spec.subsets[${i}].name`, message: `subset "${subset.name}" is defined twice.`, hint: 'Give each subset its own name.' })
    seen.add(subset.name)
    if (subset.trafficPolicy) checkTrafficPolicy(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, report)
  }
}

function checkEndpoint(endpoint: WorkloadEntrySpec, field: string, report: Report): void {
  if (!endpoint.address || isIP(endpoint.address) === 0) {
    report({ code: problemCodes.unsupportedByProxylessGrpc, severity: 'error', field: `${field}.address`, message: `address "${endpoint.address ?? ''}" is not an IP address.`, hint: 'gRPC clients accept IPv4/IPv6 endpoint addresses only, e.g. 127.0.0.1.' })
  }
  if (endpoint.weight !== undefined && (!Number.isInteger(endpoint.weight) || endpoint.weight < 1)) {
    report({ code: problemCodes.invalidValue, severity: 'error', field: `${field}.weight`, message: `weight ${endpoint.weight} is not a whole number ≥ 1.`, hint: 'Use 1 or more, or leave it out.' })
  } else if (endpoint.weight !== undefined && endpoint.weight > uint32Max) {
    report({ code: problemCodes.invalidValue, severity: 'error', field: `${field}.weight`, message: `weight ${endpoint.weight} is more than ${uint32Max}, the largest weight gRPC clients accept.`, hint: 'Scale the weights of this service down; only their ratios matter.' })
  }
  if (endpoint.locality !== undefined && endpoint.locality.split('/').length > 3) {
    report({ code: problemCodes.invalidValue, severity: 'error', field: `${field}.locality`, message: `locality "${endpoint.locality}" has more than region/zone/subzone.`, hint: 'Write e.g. us-east/zone-a.' })
  }
}

const validWeight = (weight: number): boolean => Number.isInteger(weight) && weight >= 1 && weight <= uint32Max

/**
 * gRPC refuses an endpoint list (EDS) whose locality weights add up to more than UINT32_MAX in a
 * priority; Meshdeck puts every locality in priority 0 and a locality weighs what its endpoints
 * do, so the limit is on the sum over a service port's endpoints (subsets are parts of it). The
 * endpoint that takes the sum over the limit is refused, so the rest still serves.
 */
function checkWeightSums(snapshot: MeshSnapshot, services: readonly MeshService[], problems: MeshProblem[]): void {
  const objects = new Map<string, MeshObject>([...snapshot.serviceEntries, ...snapshot.workloadEntries].map((o) => [`${o.kind}/${o.namespace}/${o.name}`, o]))
  const reported = new Set<string>()
  for (const service of services) {
    for (const port of service.ports) {
      let sum = 0
      const seen = new Set<string>()
      for (const endpoint of service.endpoints) {
        if (!endpointServes(endpoint, port) || !validWeight(endpoint.weight)) continue
        const address = `${endpoint.address}:${endpointPort(endpoint, port)}`
        if (seen.has(address)) continue
        seen.add(address)
        sum += endpoint.weight
        if (sum <= uint32Max) continue
        sum -= endpoint.weight
        const [origin = '', index] = endpoint.origin.split('#')
        const object = objects.get(origin)
        if (!object || reported.has(endpoint.origin)) continue
        reported.add(endpoint.origin)
        reporter(problems, object)({
          code: problemCodes.invalidValue,
          severity: 'error',
          field: index === undefined ? 'spec.weight' : `spec.endpoints[${index}].weight`,
          message: `with weight ${endpoint.weight} the endpoints of ${service.host} port ${port.number} would weigh ${sum + endpoint.weight} together, more than ${uint32Max}: gRPC clients refuse the whole endpoint list.`,
          hint: 'Scale the weights of this service down; only their ratios matter.',
        })
      }
    }
  }
}

/**
 * Everything in a snapshot proxyless gRPC clients cannot be given as written, before any push.
 * Pure: plain input, list of problems out.
 */
export function validateMesh(snapshot: MeshSnapshot): MeshProblem[] {
  const problems: MeshProblem[] = []
  const services = resolveServices(snapshot)
  const hostsSeen = new Map<string, string>()
  for (const entry of snapshot.serviceEntries) {
    const report = reporter(problems, entry)
    const spec = entry.spec
    if (!spec.hosts || spec.hosts.length === 0) report({ code: problemCodes.invalidValue, severity: 'error', field: 'spec.hosts', message: 'hosts is empty.', hint: 'Name the service, e.g. reviews.demo.svc.cluster.local.' })
    for (const [i, host] of (spec.hosts ?? []).entries()) {
      const other = hostsSeen.get(host)
      if (other) report({ code: problemCodes.duplicateServiceEntryHost, severity: 'error', field: `spec.hosts[${i}]`, message: `host "${host}" is also declared by ${other}.`, hint: 'Declare each host in one ServiceEntry.' })
      hostsSeen.set(host, `ServiceEntry ${entry.namespace}/${entry.name}`)
    }
    if (!spec.ports || spec.ports.length === 0) report({ code: problemCodes.invalidValue, severity: 'error', field: 'spec.ports', message: 'ports is empty.', hint: 'Add e.g. `- number: 9080\n  name: grpc\n  protocol: GRPC`.' })
    for (const [i, port] of (spec.ports ?? []).entries()) {
      if (!Number.isInteger(port.number) || port.number < 1 || port.number > 65535) {
        report({ code: problemCodes.invalidValue, severity: 'error', field: `spec.ports[${i}].number`, message: `port ${String(port.number)} is not 1–65535.`, hint: 'Use the port clients dial.' })
      }
    }
    if (spec.resolution !== undefined && spec.resolution !== 'STATIC' && spec.resolution !== 'NONE') {
      report({ code: problemCodes.unsupportedByProxylessGrpc, severity: 'error', field: 'spec.resolution', message: `resolution ${spec.resolution} is not supported.`, hint: 'Use STATIC with IP endpoints or WorkloadEntries.' })
    }
    for (const [i, endpoint] of (spec.endpoints ?? []).entries()) checkEndpoint(endpoint, `spec.endpoints[${i}]`, report)
  }
  for (const workload of snapshot.workloadEntries) checkEndpoint(workload.spec, 'spec', reporter(problems, workload))
  checkWeightSums(snapshot, services, problems)
  for (const rule of snapshot.destinationRules) checkDestinationRule(rule, services, problems)
  const owners = new Map<string, string>()
  for (const vs of snapshot.virtualServices) checkVirtualService(vs, services, snapshot.destinationRules, owners, problems)
  return problems
}

import {
  destinationRuleFor,
  endpointInSubset,
  endpointServes,
  findService,
  parseDuration,
  type HttpMatchRequest,
  type HttpRoute,
  type DestinationRule,
  type HttpRouteDestination,
  type MeshService,
  type Subset,
  type VirtualService,
} from '../../mesh'
import { effectiveWeight } from '../../model'
import type { AnalysisContext } from '../context'
import { refOfObject } from '../finding'
import { closest, listed, type Analyzer } from './analyzer'

interface RouteDestination {
  rule: number
  http: HttpRoute
  index: number
  route: HttpRouteDestination
  /** spec.http[i].route[j] */
  at: string
}

function* destinationsOf(vs: VirtualService): Generator<RouteDestination> {
  for (const [rule, http] of (vs.spec.http ?? []).entries()) {
    for (const [index, route] of (http.route ?? []).entries()) yield { rule, http, index, route, at: `spec.http[${rule}].route[${index}]` }
  }
}

/** Istio names a rule by its name, quoted, else by its position: `"canary"` or `#2`. */
export const routeName = (http: Pick<HttpRoute, 'name'>, index: number): string => (http.name ? JSON.stringify(http.name) : `#${index}`)
const requestName = (match: HttpMatchRequest, index: number): string => (match.name ? JSON.stringify(match.name) : `#${index}`)

/** What a fix suggests for an unknown host: the closest known name, else what exists. */
function hostFix(ctx: AnalysisContext, host: string, namespace: string): string {
  const names = ctx.services.flatMap((s) => (s.namespace === namespace ? [s.host, s.shortName] : [s.host]))
  const near = closest(host, names)
  if (near) return `Did you mean ${near}? Otherwise add a ServiceEntry (or Kubernetes Service) for ${host}.`
  return `Add a ServiceEntry (or Kubernetes Service) for ${host}, or name one of the mesh's services: ${listed(ctx.services.map((s) => s.host))}.`
}

/** The ports a VirtualService's own hosts serve: the route tables it is part of. */
function hostPorts(ctx: AnalysisContext, vs: VirtualService): Set<number> {
  const ports = new Set<number>()
  for (const host of vs.spec.hosts ?? []) for (const port of findService(ctx.services, host, vs.namespace)?.ports ?? []) ports.add(port.number)
  return ports
}

export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  codes: ['IST0101', 'IST0112'],
  analyze(ctx, report) {
    for (const vs of ctx.snapshot.virtualServices) {
      const routedPorts = hostPorts(ctx, vs)
      for (const { route, at } of destinationsOf(vs)) {
        const host = route.destination?.host ?? ''
        const service = findService(ctx.services, host, vs.namespace)
        if (!service) {
          report(vs, { code: 'IST0101', args: ['host', host], field: `${at}.destination.host`, fix: hostFix(ctx, host, vs.namespace) })
          continue
        }
        const port = route.destination.port?.number
        const ports = service.ports.map((p) => p.number)
        if (port !== undefined && !ports.includes(port)) {
          report(vs, { code: 'IST0101', args: ['host:port', `${host}:${port}`], field: `${at}.destination.port.number`, fix: `${service.host} serves ${listed(ports.map(String))}: use one of them.` })
        } else if (port === undefined && ports.length > 1 && [...routedPorts].some((p) => !ports.includes(p))) {
          // Meshdeck routes each port of the VirtualService's hosts to the same port of the
          // destination; where the destination lacks it, to its first port — which may be wrong.
          report(vs, { code: 'IST0112', args: [host, ports], field: `${at}.destination`, fix: `Add port.number (one of ${listed(ports.map(String))}) to this destination.` })
        }
      }
    }
  },
}

export const destinationRuleSubsetAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  codes: ['IST0101'],
  analyze(ctx, report) {
    for (const vs of ctx.snapshot.virtualServices) {
      for (const { route, at } of destinationsOf(vs)) {
        const subset = route.destination?.subset
        if (subset === undefined || subset === '') continue
        const service = findService(ctx.services, route.destination.host ?? '', vs.namespace)
        if (!service) continue // the host itself is reported
        const rule = destinationRuleFor(ctx.snapshot.destinationRules, ctx.services, service)
        const names = (rule?.spec.subsets ?? []).map((s) => s.name)
        if (names.includes(subset)) continue
        const near = closest(subset, names)
        const fix = rule
          ? `${near ? `Did you mean ${near}? ` : ''}Define subset ${subset} in DestinationRule ${rule.namespace}/${rule.name} (it defines ${listed(names)}), or route to one it defines.`
          : `No DestinationRule names ${service.host}: add one whose subsets include ${subset} (subsets: - name: ${subset}, labels: …).`
        report(vs, {
          code: 'IST0101',
          args: ['host+subset in destinationrule', `${route.destination.host}+${subset}`],
          field: `${at}.destination.subset`,
          fix,
          related: rule ? [refOfObject(rule)] : [],
        })
      }
    }
  },
}

/** Istio's ConvertHostToFQDN: a name without a dot is a Kubernetes short name in the object's namespace. */
const istioFqdn = (host: string, namespace: string): string => (host.includes('.') || host.includes('*') ? host : `${host}.${namespace}.svc.cluster.local`)

export const conflictingHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  codes: ['IST0109'],
  analyze(ctx, report) {
    const byHost = new Map<string, VirtualService[]>()
    for (const vs of ctx.snapshot.virtualServices) {
      const gateways = vs.spec.gateways ?? []
      if (gateways.length > 0 && !gateways.includes('mesh')) continue
      const exportTo = (vs.spec.exportTo as string[] | undefined) ?? []
      const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? vs.namespace : e)))]
      for (const scope of scopes) {
        for (const host of vs.spec.hosts ?? []) {
          const fqdn = findService(ctx.services, host, vs.namespace)?.host ?? istioFqdn(host, vs.namespace)
          const key = `${scope}/${fqdn}`
          const list = byHost.get(key) ?? []
          if (!list.includes(vs)) list.push(vs)
          byHost.set(key, list)
        }
      }
    }
    const reported = new Set<VirtualService>()
    for (const [key, own] of byHost) {
      const [scope, fqdn] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)]
      // A VirtualService visible everywhere conflicts with one visible in a namespace.
      const list = scope === '*' ? own : [...own, ...(byHost.get(`*/${fqdn}`) ?? []).filter((v) => !own.includes(v))]
      if (list.length < 2) continue
      const names = list.map((v) => `${v.namespace}/${v.name}`).sort()
      // The control plane serves the first VirtualService (namespace/name order) for a host.
      const served = names[0]
      for (const vs of list) {
        if (reported.has(vs)) continue
        reported.add(vs)
        report(vs, {
          code: 'IST0109',
          args: [names.join(','), key],
          field: 'metadata.name',
          fix: `Merge their http routes into one VirtualService for ${fqdn}; until then Meshdeck's control plane serves only ${served} for it.`,
          related: list.filter((v) => v !== vs).map(refOfObject),
        })
      }
    }
  },
}

/** Matches every gRPC request: no condition, or a path prefix every method path has. */
function matchesEverything(match: HttpMatchRequest): boolean {
  const keys = Object.keys(match).filter((k) => k !== 'name')
  if (keys.length === 0) return true
  if (keys.length !== 1 || keys[0] !== 'uri' || !match.uri) return false
  const uriKeys = Object.keys(match.uri)
  return uriKeys.length === 1 && (match.uri.prefix === '' || match.uri.prefix === '/')
}

/** JSON with sorted keys, so two matches written in another order compare equal (Istio compares the protobuf's JSON). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

interface PrefixMatch {
  route: string
  match: string
  prefix: string
  headers: Map<string, string>
  rule: number
  index: number
}

const exactOrPrefix = (m: { exact?: string; prefix?: string } | undefined): string => (m?.exact ? `exact:${m.exact}` : m?.prefix ? `prefix:${m.prefix}` : '')

/** Istio's coveredValidation: does A (earlier) match everything B (later) matches? */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false
  if (a.headers.size !== b.headers.size) return false
  for (const [name, value] of a.headers) {
    const other = b.headers.get(name)
    if (other === undefined) return false
    if (value !== other && !value.startsWith(other)) return false
  }
  return true
}

/**
 * Istio's analyzeUnreachableHTTPRules (a rule after a catch-all, or whose matches all came before;
 * a match that repeats or is covered by an earlier one), plus one case gRPC makes common: a
 * match on path prefix `/` (or an empty match) catches every request as a rule without matches does.
 */
export const unreachableRuleAnalyzer: Analyzer = {
  name: 'virtualservice.UnreachableRuleAnalyzer',
  description: 'Checks for virtual service rules that can never match, and matches a previous rule already takes',
  codes: ['IST0130', 'IST0131'],
  analyze(ctx, report) {
    for (const vs of ctx.snapshot.virtualServices) {
      const routes = vs.spec.http ?? []
      const seen = new Map<string, number>()
      const prefixes: PrefixMatch[] = []
      let noMatchRule = -1
      let catchAll: string | null = null
      const unreachable = (rule: number, reason: string): void =>
        report(vs, {
          code: 'IST0130',
          args: [routeName(routes[rule]!, rule), reason],
          field: `spec.http[${rule}]`,
          fix: `Move rule ${routeName(routes[rule]!, rule)} above the rule that catches its requests, or remove it: requests are matched against the rules in order and the first that matches wins.`,
        })
      for (const [rule, http] of routes.entries()) {
        const name = routeName(http, rule)
        const matches = http.match ?? []
        if (matches.length === 0) {
          if (catchAll !== null) unreachable(rule, noMatchRule >= 0 ? 'only the last rule can have no matches' : `rule ${catchAll} matches every request`)
          else catchAll = name
          noMatchRule = rule
          continue
        }
        if (catchAll !== null) {
          unreachable(rule, noMatchRule >= 0 ? 'route without matches defined before' : `rule ${catchAll} matches every request`)
          continue
        }
        let duplicates = 0
        for (const [index, match] of matches.entries()) {
          const key = canonical(match)
          const earlier = seen.get(key)
          if (earlier !== undefined) {
            duplicates++
            report(vs, {
              code: 'IST0131',
              args: [name, requestName(match, index), routeName(routes[earlier]!, earlier)],
              field: `spec.http[${rule}].match[${index}]`,
              fix: `Remove this match; rule ${routeName(routes[earlier]!, earlier)} already takes these requests.`,
            })
            continue
          }
          seen.set(key, rule)
          const prefix = match.uri?.prefix
          if (prefix) {
            const headers = new Map(Object.entries(match.headers ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]))
            prefixes.push({ route: name, match: requestName(match, index), prefix, headers, rule, index })
          }
        }
        if (duplicates === matches.length) unreachable(rule, 'all matches used by prior rules')
        if (matches.some(matchesEverything)) catchAll = name
      }
      for (const [i, a] of prefixes.entries()) {
        for (const b of prefixes.slice(i + 1)) {
          if (b.prefix === a.prefix || !covers(a, b)) continue
          report(vs, {
            code: 'IST0131',
            args: [b.route, `${b.match} of prefix ${b.prefix}`, `${a.match} of prefix ${a.prefix} on ${a.route}`],
            field: `spec.http[${b.rule}].match[${b.index}]`,
            fix: `Put the rule with the longer prefix (${b.prefix}) before the one with ${a.prefix}, or narrow the earlier match.`,
          })
        }
      }
    }
  },
}

/** Endpoints of a service (a subset of it) that serve a port (any port when not given). */
function endpointsOf(service: MeshService, subsetLabels: { labels?: Record<string, string>; name: string } | undefined, port: number | undefined): number {
  const ports = port === undefined ? service.ports : service.ports.filter((p) => p.number === port)
  return service.endpoints.filter((e) => endpointInSubset(e, subsetLabels) && ports.some((p) => endpointServes(e, p))).length
}

const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : ms > 1000 ? `${(ms / 1000).toFixed(3).replace(/0+$/, '')}s` : `${ms}ms`)

export const routeWeightAnalyzer: Analyzer = {
  name: 'virtualservice.RouteWeightAnalyzer',
  description: 'Checks that every route sends its traffic somewhere: weights that are not all zero, destinations with endpoints',
  codes: ['IST0106', 'MDK0019'],
  analyze(ctx, report) {
    for (const vs of ctx.snapshot.virtualServices) {
      for (const [rule, http] of (vs.spec.http ?? []).entries()) {
        const routes = http.route ?? []
        const weights = routes.map((r) => effectiveWeight(r.weight, routes.length))
        if (routes.length > 1 && weights.every((w) => w === 0)) {
          report(vs, { code: 'IST0106', args: ['total destination weight = 0'], field: `spec.http[${rule}].route`, fix: 'Give the destinations weights that add up to 100.' })
          continue
        }
        // How many endpoints each destination has (null: the destination itself is reported as IST0101).
        const served = routes.map((route) => destinationEndpoints(ctx, vs, route))
        const alive = routes.filter((_, j) => (served[j]?.count ?? 0) > 0).map(destinationName)
        for (const [index, route] of routes.entries()) {
          const target = served[index]
          if (weights[index]! <= 0 || !target || target.count > 0) continue
          const { service, subset, rule: destinationRule } = target
          report(vs, {
            code: 'MDK0019',
            args: [routeName(http, rule), `${weights[index]}%`, destinationName(route)],
            field: `spec.http[${rule}].route[${index}].weight`,
            fix:
              (subset
                ? `Start workloads with labels ${Object.entries(subset.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '(any)'} for ${service.host}`
                : `Start workloads for ${service.host}`) + (alive.length > 0 ? `, or move this weight to ${listed(alive)}.` : ', or send this traffic to a service that has endpoints.'),
            related: destinationRule ? [refOfObject(destinationRule)] : [],
          })
        }
      }
    }
  },
}

const destinationName = (route: HttpRouteDestination): string => (route.destination.subset ? `${route.destination.host}+${route.destination.subset}` : route.destination.host)

/** The endpoints a destination reaches, or null when its host or subset does not exist (IST0101 says so). */
function destinationEndpoints(ctx: AnalysisContext, vs: VirtualService, route: HttpRouteDestination): { count: number; service: MeshService; subset?: Subset; rule?: DestinationRule } | null {
  const service = findService(ctx.services, route.destination?.host ?? '', vs.namespace)
  if (!service) return null
  const rule = destinationRuleFor(ctx.snapshot.destinationRules, ctx.services, service)
  const subsetName = route.destination.subset
  const subset = subsetName ? rule?.spec.subsets?.find((s) => s.name === subsetName) : undefined
  if (subsetName && !subset) return null
  return { count: endpointsOf(service, subset, route.destination.port?.number), service, subset, rule }
}

export const retryBudgetAnalyzer: Analyzer = {
  name: 'virtualservice.RetryBudgetAnalyzer',
  description: 'Checks that a route timeout leaves room for the retries it allows',
  codes: ['MDK0012'],
  analyze(ctx, report) {
    for (const vs of ctx.snapshot.virtualServices) {
      for (const [rule, http] of (vs.spec.http ?? []).entries()) {
        const timeout = parseDuration(http.timeout)
        const perTry = parseDuration(http.retries?.perTryTimeout)
        if (timeout === null || perTry === null) continue
        // Istio's default is 2 retries; attempts counts retries, so the first try comes on top.
        const tries = (http.retries?.attempts ?? 2) + 1
        const budget = tries * perTry
        if (timeout >= budget) continue
        report(vs, {
          code: 'MDK0012',
          args: [routeName(http, rule), http.timeout, formatMs(budget), tries, http.retries?.perTryTimeout],
          field: `spec.http[${rule}].timeout`,
          fix: `Raise timeout to at least ${formatMs(budget)}, or lower attempts or perTryTimeout. Proxyless gRPC clients ignore perTryTimeout (the timeout bounds every attempt together); istiod's Envoy sidecars honour it.`,
        })
      }
    }
  },
}

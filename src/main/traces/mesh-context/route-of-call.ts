import { RE2JS } from 're2js'

/**
 * Which VirtualService route a call took and which DestinationRule subset answered it, worked out
 * from the config that was served and what the spans say (the host called, the gRPC method, the
 * callee's version). Header matches cannot be checked from a span, so a route that needs one is
 * reported as a condition rather than guessed. Pure.
 */
/**
 * The part of the mesh config (Istio's own field names, as the mesh folder's MeshSnapshot has
 * them) that decides a call's route. Declared here, structurally, because traces sits below mesh in
 * the layers; a MeshSnapshot is one.
 */
export interface ConfigSnapshot {
  readonly virtualServices: readonly ConfigObject<{ hosts?: string[]; http?: HttpRouteConfig[] }>[]
  readonly destinationRules: readonly ConfigObject<{ host?: string; subsets?: { name: string; labels?: Record<string, string> }[] }>[]
}

interface ConfigObject<S> {
  name: string
  namespace: string
  spec: S
  source?: { file: string; line: number }
}

interface StringMatchConfig {
  exact?: string
  prefix?: string
  regex?: string
}

export interface HttpRouteConfig {
  name?: string
  match?: { uri?: StringMatchConfig; headers?: Record<string, StringMatchConfig> }[]
  route?: { destination: { host: string; subset?: string }; weight?: number }[]
}

type DestinationRuleConfig = ConfigSnapshot['destinationRules'][number]

export interface CallFacts {
  /** The service or host called: `reviews` or `reviews.demo.svc.cluster.local`. */
  host: string
  /** The gRPC path, `/package.Service/Method`, when known. */
  path: string | null
  /** The callee's version (its service.version), when its server span is known. */
  calleeVersion: string | null
}

export interface RouteDecision {
  virtualService: { namespace: string; name: string; file: string | null; line: number | null }
  host: string
  /** Index of the http route taken, and its name. */
  routeIndex: number
  routeName: string | null
  /** How the route matched, in words: "no match conditions (catch-all)", "uri prefix /demo.Reviews/". */
  matchedBy: string
  /** Routes before this one that could have matched if the call had certain headers. */
  skippedConditional: string[]
  destinations: { host: string; subset: string | null; weight: number }[]
  /** The destination that answered, from the callee's version. */
  subset: string | null
  destinationRule: { namespace: string; name: string; file: string | null; line: number | null } | null
  subsetLabels: Record<string, string> | null
}

export function routeOfCall(snapshot: ConfigSnapshot, call: CallFacts): RouteDecision | null {
  const vs = snapshot.virtualServices.find((v) => (v.spec.hosts ?? []).some((h) => sameHost(h, call.host)))
  if (!vs) return null
  const host = (vs.spec.hosts ?? []).find((h) => sameHost(h, call.host)) ?? call.host
  const routes = vs.spec.http ?? []
  const skipped: string[] = []
  for (let index = 0; index < routes.length; index++) {
    const route = routes[index]!
    const verdict = routeMatches(route.match, call.path)
    if (verdict.kind === 'no') continue
    if (verdict.kind === 'headers') {
      skipped.push(`route ${index + 1}${route.name ? ` "${route.name}"` : ''} (${verdict.text})`)
      continue
    }
    const destinations = (route.route ?? []).map((d) => ({
      host: d.destination.host,
      subset: d.destination.subset ?? null,
      weight: d.weight ?? (route.route!.length === 1 ? 100 : 0),
    }))
    const dr = destinationRuleOf(snapshot, destinations[0]?.host ?? host)
    const subsets = dr?.spec.subsets ?? []
    const answered = call.calleeVersion === null ? undefined : subsets.find((s) => s.labels?.version === call.calleeVersion && destinations.some((d) => d.subset === s.name))
    return {
      virtualService: { namespace: vs.namespace, name: vs.name, file: vs.source?.file ?? null, line: vs.source?.line ?? null },
      host,
      routeIndex: index,
      routeName: route.name ?? null,
      matchedBy: verdict.text,
      skippedConditional: skipped,
      destinations,
      subset: answered?.name ?? null,
      destinationRule: dr ? { namespace: dr.namespace, name: dr.name, file: dr.source?.file ?? null, line: dr.source?.line ?? null } : null,
      subsetLabels: answered?.labels ?? null,
    }
  }
  return null
}

/** `reviews` names `reviews.demo.svc.cluster.local`, as a client in its namespace may dial it. */
export function sameHost(configured: string, called: string): boolean {
  const a = configured.toLowerCase().replace(/:\d+$/, '')
  const b = called.toLowerCase().replace(/^xds:\/\/\//, '').replace(/:\d+$/, '')
  return a === b || a.split('.')[0] === b || b.split('.')[0] === a
}

type Verdict = { kind: 'yes' | 'no' | 'headers'; text: string }

function routeMatches(matches: HttpRouteConfig['match'], path: string | null): Verdict {
  if (!matches || matches.length === 0) return { kind: 'yes', text: 'no match conditions (catch-all)' }
  let headers: string | null = null
  for (const match of matches) {
    const uri = match.uri
    let uriText = ''
    if (uri) {
      if (path === null) continue
      if (uri.exact !== undefined && path !== uri.exact) continue
      if (uri.prefix !== undefined && !path.startsWith(uri.prefix)) continue
      if (uri.regex !== undefined && !safeRegexMatch(uri.regex, path)) continue
      uriText = uri.exact !== undefined ? `uri exact ${uri.exact}` : uri.prefix !== undefined ? `uri prefix ${uri.prefix}` : `uri regex ${uri.regex}`
    }
    const headerNames = Object.keys(match.headers ?? {})
    if (headerNames.length > 0) {
      headers ??= `needs header${headerNames.length > 1 ? 's' : ''} ${headerNames.join(', ')}, which spans do not record`
      continue
    }
    return { kind: 'yes', text: uriText || 'a match without conditions' }
  }
  return headers ? { kind: 'headers', text: headers } : { kind: 'no', text: '' }
}

function safeRegexMatch(regex: string, path: string): boolean {
  try {
    return RE2JS.compile(regex).matches(path)
  } catch {
    return false
  }
}

function destinationRuleOf(snapshot: ConfigSnapshot, host: string): DestinationRuleConfig | undefined {
  return snapshot.destinationRules.find((dr) => dr.spec.host !== undefined && sameHost(dr.spec.host, host))
}

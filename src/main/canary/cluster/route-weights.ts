import type { Weights } from '@shared/canary/weights'
import { MeshdeckError } from '@shared/contract'
import { selectRoute, type RouteSelector } from '../../model'
import { unknownRoute } from '../virtual-service-weights'
import { destinationKeyOf, type HttpRoute, type RouteDestinationJson } from './virtual-service-object'

/** Current weights of a route; a lone destination without a weight carries all traffic, as in Istio. */
export { routeWeights } from '../../model'

/** Index of the selected http route, or a clear error listing the routes there are. */
export function routeIndex(http: HttpRoute[] | undefined, selector: RouteSelector): number {
  if (!http || http.length === 0) {
    throw new MeshdeckError('no_http_routes', 'The VirtualService has no http routes to weight.', 'Add an http route with destinations first.')
  }
  const selected = selectRoute(http, selector)
  if (!selected) throw unknownRoute(selector, http.map((r) => r.name))
  return selected.index
}

/**
 * The whole spec.http list with one route's weights changed and nothing else: every other route,
 * and every other field of this one (headers, retries, fields Meshdeck does not know), is copied
 * as it is. A weight for a subset the route does not list yet adds a destination on `host` (how a
 * rollout brings a canary in). The list is sent whole because a preserve-unknown-fields CRD makes
 * spec.http an atomic list for server-side apply: there is no way to own one weight alone.
 */
export function withRouteWeights(http: HttpRoute[], selector: RouteSelector, weights: Weights, host: string): HttpRoute[] {
  const index = routeIndex(http, selector)
  const copy = structuredClone(http)
  const route = copy[index]!
  const destinations = route.route
  if (!Array.isArray(destinations) || destinations.length === 0) {
    throw new MeshdeckError('no_destinations', 'This http route has no destinations (it may redirect or respond directly).', 'Choose a route that forwards to subsets.')
  }
  const seen = new Set<string>()
  for (const d of destinations) {
    const key = destinationKeyOf(d)
    seen.add(key)
    const weight = weights[key]
    if (weight !== undefined) d.weight = weight
  }
  for (const [key, weight] of Object.entries(weights)) {
    if (seen.has(key)) continue
    const added: RouteDestinationJson = { destination: { host, subset: key }, weight }
    destinations.push(added)
  }
  return copy
}

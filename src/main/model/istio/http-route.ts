import type { HttpRoute, HttpRouteDestination } from './networking'

/** Which http route of a VirtualService: by its `name`, or by position when it has none. */
export type RouteSelector = { name: string } | { index: number }

/**
 * The http route a selector picks: the first route with that name, or the route at that position.
 * The one rule for every copy of spec.http Meshdeck reads: a served snapshot, a cluster object, or a
 * YAML file (whose routes are YAML nodes, hence `nameOf`).
 */
export function selectRoute<R>(routes: readonly R[], selector: RouteSelector, nameOf: (route: R) => unknown = (route) => (route as { name?: unknown }).name): { route: R; index: number } | undefined {
  const index = 'name' in selector ? routes.findIndex((route) => nameOf(route) === selector.name) : Number.isInteger(selector.index) && selector.index >= 0 ? selector.index : -1
  const route = index >= 0 ? routes[index] : undefined
  return route === undefined ? undefined : { route, index }
}

/** How to select the route at `index` again later: by name when it has one (names survive reordering). */
export function routeSelectorOf(route: Pick<HttpRoute, 'name'>, index: number): RouteSelector {
  return typeof route.name === 'string' && route.name !== '' ? { name: route.name } : { index }
}

/** The key weights are given by: the subset, or the host when the destination has no subset. */
export function destinationKey(d: Pick<HttpRouteDestination, 'destination'>): string {
  // Cluster objects are not validated before they are read: a destination may lack either.
  return d.destination?.subset ?? d.destination?.host ?? ''
}

/** Istio's rule: a lone destination without a weight carries all traffic; among several, a missing weight is 0. */
export function effectiveWeight(weight: unknown, destinations: number): number {
  return typeof weight === 'number' ? weight : destinations === 1 ? 100 : 0
}

/** The weight of each destination of a route, by destinationKey. */
export function routeWeights(route: Pick<HttpRoute, 'route'>): Record<string, number> {
  const destinations = route.route ?? []
  const weights: Record<string, number> = {}
  for (const d of destinations) weights[destinationKey(d)] = effectiveWeight(d.weight, destinations.length)
  return weights
}

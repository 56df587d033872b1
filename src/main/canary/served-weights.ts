import type { Weights } from '@shared/canary/weights'
import { MeshdeckError } from '@shared/contract'
import type { CanaryTargetRef } from '@shared/contract/canary'
import type { MeshProblem, MeshSnapshot } from '../mesh'
import { routeWeights, selectRoute, type RouteSelector } from '../model'

const describe = (weights: Weights): string =>
  Object.entries(weights)
    .map(([key, weight]) => `${key} ${weight}`)
    .join(', ')

/** The weights the served config gives the route, or null when it serves no such route. */
export function servedRouteWeights(snapshot: MeshSnapshot, ref: { namespace: string; name: string; route: RouteSelector }): Weights | null {
  const vs = snapshot.virtualServices.find((v) => v.namespace === ref.namespace && v.name === ref.name)
  const selected = selectRoute(vs?.spec.http ?? [], ref.route)
  return selected ? routeWeights(selected.route) : null
}

/**
 * Throws when what the control plane serves after a write is not what was written: the file holds
 * the new weights, but validation kept the last good VirtualService (a subset the DestinationRule
 * no longer has), or the folder could not be read. Said with the problem that explains it, so the
 * person is not left believing traffic moved. Pure: the caller passes the served snapshot and problems.
 */
export function requireServedWeights(snapshot: MeshSnapshot, problems: readonly MeshProblem[], ref: CanaryTargetRef, weights: Weights, file: string): void {
  const served = servedRouteWeights(snapshot, ref)
  if (served && Object.entries(weights).every(([key, weight]) => (served[key] ?? 0) === weight)) return
  const own = problems.find((p) => p.severity === 'error' && p.kind === 'VirtualService' && p.namespace === ref.namespace && p.name === ref.name)
  const why = own ?? problems.find((p) => p.severity === 'error')
  const where = why?.source ? ` (${why.source.file}:${why.source.line})` : ''
  throw new MeshdeckError(
    'not_served',
    `${file} now holds ${describe(weights)}, but the control plane ${served ? `still serves ${describe(served)}` : `serves no route ${ref.namespace}/${ref.name}`}${why ? `: ${why.message}${where}` : '.'}`,
    why ? `${why.hint} Traffic has not moved.` : 'Open the Control plane page for its problems; traffic has not moved.',
  )
}

import { MeshdeckError } from '@shared/contract'
import { routeWeights, selectRoute } from '../../../model'
import type { CanaryMetrics } from '../../analysis'
import type { RolloutSpec } from '../../rollout-machine'
import type { CanaryEnvironment } from '../rollout-runner'
import type { ClusterCanaryEditor } from './cluster-editor'
import type { IstioApi } from './istio-api'
import { waitForObservedGeneration, type ClusterAckSource, type SettleOptions, type WrittenObject } from './propagation'

export interface ClusterEnvironmentDeps {
  editor: (context: string) => Promise<ClusterCanaryEditor>
  api: (context: string) => Promise<IstioApi>
  acks: ClusterAckSource
  settle?: SettleOptions
  metrics: (host: string, subset: string, windowSeconds: number, spec?: RolloutSpec) => Promise<CanaryMetrics> | CanaryMetrics
}

/**
 * Rollouts on a cluster's VirtualService: weights by server-side apply, then the strongest wait
 * the cluster offers — ACKs where Meshdeck's control plane serves it, otherwise the generation
 * istiod reports, otherwise a short settle (the target's `propagation` text says which).
 */
export function clusterCanaryEnvironment(deps: ClusterEnvironmentDeps): CanaryEnvironment {
  const written = new Map<string, WrittenObject>()
  return {
    async applyWeights(spec, weights) {
      const context = spec.target.context
      if (!context) throw new Error(`rollout ${spec.id} has no cluster context`)
      const { result, stored } = await (await deps.editor(context)).write(spec.target, weights)
      if (result.outcome !== 'applied' || !stored) {
        throw new MeshdeckError('conflict', result.outcome === 'conflict' ? result.message : 'the weights were not written', 'The rollout paused; check the VirtualService, then resume or abort.')
      }
      const { namespace, name, resourceVersion, generation } = stored.metadata
      written.set(spec.id, { context, namespace, name, resourceVersion, generation, route: spec.target.route, weights })
    },

    async waitForAck(spec, signal) {
      const object = written.get(spec.id)
      if (!object) throw new Error('no weights were written by this run to wait for')
      if (deps.acks.serves(object.context)) return deps.acks.waitForAck(object, signal)
      return waitForObservedGeneration(await deps.api(object.context), object, signal, deps.settle)
    },

    // Where nobody reports ACKs there is nobody to name: the deadline message then names none.
    pendingAcks: (spec) => {
      const object = written.get(spec.id)
      return object && deps.acks.serves(object.context) ? deps.acks.pendingAcks() : []
    },

    async canaryMetrics(host, subset, windowSeconds, spec) {
      return deps.metrics(host, subset, windowSeconds, spec)
    },

    // The object as the API server has it now: a kubectl edit or another writer shows here. One
    // that cannot be read (deleted, unreachable) is unknown here: the verdict's own write says why.
    async routeWeights(spec) {
      const context = spec.target.context
      if (!context) return null
      const object = await (await deps.api(context)).getVirtualService(spec.target.namespace, spec.target.name).catch(() => null)
      if (!object) return null
      const selected = selectRoute(object.spec?.http ?? [], spec.target.route)
      return selected ? routeWeights(selected.route) : null
    },
  }
}

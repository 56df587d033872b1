import type { CanaryEnvironment } from './rollout-runner'

/** One runner drives local and cluster rollouts; each rollout's target says which mesh it acts on. */
export function routedEnvironment(local: CanaryEnvironment, cluster: CanaryEnvironment): CanaryEnvironment {
  return {
    applyWeights: (spec, weights) => (spec.target.context ? cluster : local).applyWeights(spec, weights),
    waitForAck: (spec, signal) => (spec.target.context ? cluster : local).waitForAck(spec, signal),
    pendingAcks: (spec) => (spec.target.context ? cluster : local).pendingAcks(spec),
    canaryMetrics: (host, subset, windowSeconds, spec) => local.canaryMetrics(host, subset, windowSeconds, spec),
    routeWeights: async (spec) => (await (spec.target.context ? cluster : local).routeWeights?.(spec)) ?? null,
  }
}

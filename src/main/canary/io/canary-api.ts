import type { AnalysisService } from '../../analysis/io'
import type { EventBus, Router } from '../../api'
import type { KubeClient } from '../../cluster/io'
import { DisposableStack } from '../../lib/disposable'
import type { EdgeLatency } from '../../traces'
import type { ControlPlaneService } from '../../xds/io'
import { CanaryRuntime, type CanaryPrometheus } from './canary-runtime'
import { controlPlaneClusterAcks } from './cluster/control-plane-acks'

export interface CanaryApiDeps {
  /** The embedded control plane: its mesh folder is the local canary's, its ACKs a step's proof. */
  controlPlane: ControlPlaneService
  /** Span latency per edge, for analysis. */
  edges: EdgeLatency
  dataDir: string
  /** A connected context's API client; the cluster's credentials stay in the connection, in main. */
  clusterClient: (context: string) => Promise<KubeClient>
  /** Prometheus per scope (settings, --prometheus, discovery): analysis reads it where there is one. */
  prometheus?: CanaryPrometheus
  /** The mesh analysis: a preview shows what an edit would add to the findings, an Apply or a rollout start refuses an Error. */
  analysis?: Pick<AnalysisService, 'checkFileEdit' | 'checkClusterEdit'>
}

/**
 * canary.*, rollout.* and rollout.changed: weight edits and progressive rollouts on the embedded
 * control plane's mesh folder and, by context name, on connected clusters' VirtualServices.
 */
export function registerCanaryApi(router: Router, bus: EventBus, deps: CanaryApiDeps): DisposableStack & { service: CanaryRuntime; start(): Promise<void> } {
  const { controlPlane } = deps
  // The context whose Istio CRDs are served now: it changes with controlPlane.useSource.
  const servedClusterContext = (): string | undefined => {
    const source = controlPlane.status().configSource
    return source?.kind === 'cluster' ? source.name : undefined
  }
  const stack = new DisposableStack()
  const service = stack.add(
    new CanaryRuntime({
      controlPlane: () => controlPlane.running(),
      edges: deps.edges,
      dataDir: deps.dataDir,
      onRollout: (state) => bus.emit('rollout.changed', state),
      clusterClient: deps.clusterClient,
      prometheus: deps.prometheus,
      analysis: deps.analysis,
      // Where the embedded control plane serves a cluster's config (--mesh-context or controlPlane.useSource), rollout steps there wait for its clients' ACKs.
      clusterAcks: controlPlaneClusterAcks(servedClusterContext, () => (controlPlane.status().state === 'running' ? controlPlane.running() : null)),
    }),
  )
  stack.add(
    router.registerAll({
      // Without a control plane there is nothing local to split; the page explains how to get one.
      'canary.targets': async ({ context }) => ({
        targets: context ? await service.clusterTargets(context) : controlPlane.status().state === 'running' ? service.targets() : [],
      }),
      'canary.preview': ({ target, weights }) => service.preview(target, weights),
      'canary.apply': ({ target, weights, baseVersion }) => service.apply(target, weights, baseVersion),
      'rollout.start': ({ target, stable, canary, plan }) => service.start(target, stable, canary, plan),
      'rollout.control': ({ id, action }) => service.control(id, action),
      'rollout.list': async () => ({ rollouts: await service.list() }),
    }),
  )
  return Object.assign(stack, {
    service,
    // Local rollouts resume on the control plane before anything else writes the folder; cluster
    // ones from their VirtualService's annotation, in the background (a cluster may be slow or gone).
    start: async () => {
      await service.resume()
      void service.resumeClusters().catch(() => undefined)
    },
  })
}

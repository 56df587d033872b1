import type { EventBus } from '../api/event-bus'
import type { Router } from '../api/router'
import type { Disposable } from '../lib/disposable'
import { LocalClustersService, type LocalClustersHost } from './io/local-clusters-service'

export type LocalClustersDeps = Omit<LocalClustersHost, 'invoke' | 'emitChanged' | 'emitOperation'>

/**
 * Registers localClusters.* on the router and sends localClusters.changed / .operation on the bus.
 * Other domains are reached only through their API methods (clusters.connect,
 * controlPlane.useSource, …), as any client would call them.
 */
export function registerLocalClustersApi(router: Router, bus: EventBus, deps: LocalClustersDeps): Disposable & { service: LocalClustersService } {
  const service = new LocalClustersService({
    ...deps,
    invoke: (method, params) => router.invoke(method as never, params as never),
    emitChanged: (clusters) => bus.emit('localClusters.changed', { clusters }),
    emitOperation: (operation) => bus.emit('localClusters.operation', operation),
  })
  router.register('localClusters.list', () => service.list())
  router.register('localClusters.preflight', ({ provider }) => service.preflight(provider))
  router.register('localClusters.settings', () => service.settings.get())
  router.register('localClusters.configure', (patch) => service.configure(patch))
  router.register('localClusters.validate', async (params) => {
    const { problems, configYaml } = await service.validate(params)
    return { problems, configYaml }
  })
  router.register('localClusters.create', async (params) => ({ operation: await service.create(params) }))
  router.register('localClusters.cancel', ({ operationId }) => ({ operation: service.cancel(operationId) }))
  router.register('localClusters.deletePlan', async ({ provider, name }) => ({ removes: await service.deletePlan(provider, name) }))
  router.register('localClusters.delete', ({ provider, name }) => ({ operation: service.delete(provider, name) }))
  router.register('localClusters.start', ({ provider, name }) => ({ operation: service.startCluster(provider, name) }))
  router.register('localClusters.stop', ({ provider, name }) => ({ operation: service.stopCluster(provider, name) }))
  router.register('localClusters.loadImage', ({ name, image, archive }) => ({ operation: service.loadImage(name, { image, archive }) }))
  router.register('localClusters.exportLogs', async ({ provider, name }) => ({ dir: await service.exportLogs(provider, name) }))
  router.register('localClusters.logs', ({ name, component, tail }) => ({ lines: service.logs(name, component, tail ?? 200) }))
  router.register('localClusters.mergeKubeconfig', ({ provider, name }) => service.mergeKubeconfig(provider, name))
  router.register('localClusters.sandbox', (params) => ({ operation: service.sandbox(params) }))
  return { service, dispose: () => service.dispose() }
}

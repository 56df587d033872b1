import type { EventBus, Router } from '../../api'
import type { Disposable } from '../../lib/disposable'
import { LocalClustersService, type LocalClustersHost } from './local-clusters-service'

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
  const registration = router.registerAll({
    'localClusters.list': () => service.list(),
    'localClusters.preflight': ({ provider }) => service.preflight(provider),
    'localClusters.settings': () => service.settings.get(),
    'localClusters.configure': (patch) => service.configure(patch),
    'localClusters.validate': async (params) => {
      const { problems, configYaml } = await service.validate(params)
      return { problems, configYaml }
    },
    'localClusters.create': async (params) => ({ operation: await service.create(params) }),
    'localClusters.cancel': ({ operationId }) => ({ operation: service.cancel(operationId) }),
    'localClusters.deletePlan': async ({ provider, name }) => ({ removes: await service.deletePlan(provider, name) }),
    'localClusters.delete': ({ provider, name }) => ({ operation: service.delete(provider, name) }),
    'localClusters.start': ({ provider, name }) => ({ operation: service.startCluster(provider, name) }),
    'localClusters.stop': ({ provider, name }) => ({ operation: service.stopCluster(provider, name) }),
    'localClusters.loadImage': ({ name, image, archive }) => ({ operation: service.loadImage(name, { image, archive }) }),
    'localClusters.exportLogs': async ({ provider, name }) => ({ dir: await service.exportLogs(provider, name) }),
    'localClusters.logs': ({ name, component, tail }) => ({ lines: service.logs(name, component, tail ?? 200) }),
    'localClusters.mergeKubeconfig': ({ provider, name }) => service.mergeKubeconfig(provider, name),
    'localClusters.sandbox': (params) => ({ operation: service.sandbox(params) }),
  })
  return {
    service,
    dispose: async () => {
      await registration.dispose()
      await service.dispose()
    },
  }
}

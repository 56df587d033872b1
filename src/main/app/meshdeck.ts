import { homedir } from 'node:os'
import { join } from 'node:path'
import type { AppInfo, AppStatus } from '@shared/contract'
import { EventBus } from '../api/event-bus'
import { Router } from '../api/router'
import { ContextService } from '../cluster/context-service'
import { DisposableStack, type Disposable } from '../lib/disposable'
import { version } from './version'

export interface MeshdeckOptions {
  mode: AppInfo['mode']
  /** Settings, mesh config and CA live here. */
  dataDir?: string
  kubeconfig?: string
  context?: string
}

/** Everything main runs, independent of Electron: the Electron entry and `meshdeck serve` both build this. */
export interface Meshdeck extends Disposable {
  readonly router: Router
  readonly bus: EventBus
  readonly info: AppInfo
}

export function defaultDataDir(): string {
  return process.env.MESHDECK_HOME ?? join(homedir(), '.meshdeck')
}

export async function createMeshdeck(options: MeshdeckOptions): Promise<Meshdeck> {
  const stack = new DisposableStack()
  const bus = new EventBus()
  const router = new Router()
  const info: AppInfo = {
    name: 'Meshdeck',
    version,
    mode: options.mode,
    platform: `${process.platform}-${process.arch}`,
    dataDir: options.dataDir ?? defaultDataDir(),
  }

  const status = (): AppStatus => ({
    currentContext: contexts.current(),
    controlPlane: { state: 'stopped', address: null, connectedClients: 0 },
  })
  const contexts = new ContextService(options.kubeconfig, options.context, () => bus.emit('app.status', status()))
  await contexts.init()

  router.register('app.info', () => info)
  router.register('app.status', () => status())
  router.register('clusters.listContexts', () => contexts.list())
  router.register('clusters.selectContext', ({ name }) => contexts.select(name))

  return {
    router,
    bus,
    info,
    dispose: () => stack.dispose(),
  }
}

import type { Router } from '../../api'
import { DisposableStack } from '../../lib/disposable'
import { resolveServices } from '../../mesh'
import type { SecurityService } from '../../security/io'
import type { Traces } from '../../traces/io'
import type { ControlPlaneService } from '../../xds/io'
import { controlPlaneMetrics } from '../control-plane-metrics'
import { startMonitoring, type Monitoring } from './monitoring-server'

export interface MonitoringApiDeps {
  controlPlane: ControlPlaneService
  security: SecurityService
  traces: Traces
  /** Default 15014 (a free one when taken); null serves none. */
  port: number | null
}

/** Starts the monitoring port and registers monitoring.status. */
export async function registerMonitoringApi(router: Router, deps: MonitoringApiDeps): Promise<DisposableStack & { monitoring: Monitoring | null }> {
  const stack = new DisposableStack()
  try {
    const monitoring =
      deps.port === null
        ? null
        : stack.add(
            await startMonitoring({
              port: deps.port,
              controlPlane: () => {
                const plane = deps.controlPlane.controlPlane
                if (!plane) return null
                return {
                  onEvent: (listener) => plane.onEvent(listener),
                  clients: () => plane.clients(),
                  problems: () => plane.problems(),
                  serviceCount: () => resolveServices(plane.snapshot()).length,
                }
              },
              ca: {
                counts: deps.security.ca.counts,
                rootNotAfter: async () => {
                  const summary = await deps.security.ca.summary()
                  return summary ? new Date(summary.root.notAfter) : null
                },
              },
              collector: { stats: () => deps.traces.collector.stats(), store: () => deps.traces.store.health() },
            }),
          )
    stack.add(router.registerAll({ 'monitoring.status': () => ({ url: monitoring?.url ?? null, metrics: Object.values(controlPlaneMetrics).map((x) => x.name) }) }))
    return Object.assign(stack, { monitoring })
  } catch (err) {
    await stack.dispose()
    throw err
  }
}

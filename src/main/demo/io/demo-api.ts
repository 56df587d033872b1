import type { EventBus, Router } from '../../api'
import { DisposableStack } from '../../lib/disposable'
import type { EdgeStatsInput, WorkloadInput } from '../../telemetry'
import { demoCallEdges, demoTopologyWorkloads } from '../topology-feed'
import { DemoService } from './demo-service'

/**
 * demo.* and demo.workloadState. Registered always, so demo.* answer "not running" with a hint;
 * starting the demo (`service.start(...)`) is the owner's choice.
 */
export function registerDemoApi(router: Router, bus: EventBus): DisposableStack & { service: DemoService } {
  const stack = new DisposableStack()
  const service = stack.add(new DemoService((workload) => bus.emit('demo.workloadState', workload)))
  stack.add(
    router.registerAll({
      'demo.status': () => service.status(),
      'demo.setLoad': ({ rps }) => service.setLoad(rps),
      'demo.setFault': (params) => service.setFault(params),
      'demo.logs': (params) => service.logs(params),
      'demo.restart': (params) => service.restart(params),
    }),
  )
  return Object.assign(stack, { service })
}

/**
 * What the demo adds to the control plane's topology feed: its processes say more than their
 * WorkloadEntries (crashed, restarting, the load generator), and its built-in calls are edges
 * before any traffic is measured.
 */
export function demoTopologySources(demo: DemoService): { liveWorkloads: () => WorkloadInput[]; knownEdges: () => EdgeStatsInput[] } {
  return {
    liveWorkloads: () => {
      const current = demo.status()
      return current.running ? demoTopologyWorkloads(current.workloads) : []
    },
    knownEdges: () => {
      const current = demo.status()
      return current.running ? demoCallEdges(current.workloads) : []
    },
  }
}

import type { DemoWorkload } from '../../shared/contract/demo'
import type { WorkloadInput } from '../telemetry'
import { demoNamespace } from './topology'

/**
 * The demo's processes as topology workloads: one node per process, ready while it is serving,
 * so a crashed or restarting workload shows as unhealthy in the graph. Pure. Feed it with
 * `topology.update('demo', { workloads: demoTopologyWorkloads(demo.status().workloads) })`.
 */
export function demoTopologyWorkloads(workloads: readonly DemoWorkload[]): WorkloadInput[] {
  return workloads
    .filter((w) => w.state !== 'stopped')
    .map((w) => ({
      name: w.name,
      namespace: demoNamespace,
      app: w.service,
      version: w.version,
      labels: { app: w.service, version: w.version },
      services: w.host ? [w.host] : [],
      ready: w.state === 'running' ? 1 : 0,
      desired: 1,
      refs: w.host ? [{ kind: 'WorkloadEntry', namespace: demoNamespace, name: w.name }] : [],
    }))
}

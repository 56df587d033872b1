import type { DemoWorkload } from '../../shared/contract/demo'
import type { EdgeStatsInput, WorkloadInput } from '../telemetry'
import { demoHost, demoNamespace, demoWorkloads, type DemoWorkloadSpec } from './topology'

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

/**
 * The calls each demo workload is built to make (frontend → details and reviews, reviews v2/v3 →
 * ratings, loadgen → frontend), as edges with no traffic of their own. Load reports add the real
 * numbers on top (stats of the same edge add up); these only make the graph's shape known before
 * the first report, so the first layout already runs left to right instead of stacking boxes. Pure.
 */
export function demoCallEdges(workloads: readonly DemoWorkload[], specs: readonly DemoWorkloadSpec[] = demoWorkloads): EdgeStatsInput[] {
  const byName = new Map(specs.map((s) => [s.name, s]))
  return workloads
    .filter((w) => w.state !== 'stopped')
    .flatMap((w) =>
      (byName.get(w.name)?.upstreams ?? []).map((upstream) => ({
        source: { workload: { namespace: demoNamespace, name: w.name } },
        destinationHost: demoHost(upstream),
        subset: null,
        rps: 0,
        errorRps: 0,
        p50Ms: null,
        p99Ms: null,
        inFlight: 0,
        mtls: null,
      })),
    )
}

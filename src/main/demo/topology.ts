import type { WorkloadRole } from './workload-config'
import { upstreamsOf } from './workload-config'

/** The namespace every demo object lives in; the ServiceEntry hosts carry it too. */
export const demoNamespace = 'demo'
/** Every demo service listens on this service port (bookinfo's), named grpc. */
export const demoServicePort = 9080
export const demoPortName = 'grpc'

export type DemoRole = WorkloadRole

export function demoHost(role: DemoRole): string {
  return `${role}.${demoNamespace}.svc.cluster.local`
}

/** What a proxyless client dials: the control plane serves a client Listener named host:port. */
export function demoTarget(role: DemoRole): string {
  return `xds:///${demoHost(role)}:${demoServicePort}`
}

export interface DemoWorkloadSpec {
  /** Instance name; also the WorkloadEntry name and the node id's workload part. */
  name: string
  role: DemoRole
  version: string
  /** Serves RPCs (everything but the load generator). */
  serves: boolean
  upstreams: DemoRole[]
}

function spec(role: DemoRole, version: string): DemoWorkloadSpec {
  return {
    name: role === 'loadgen' ? 'loadgen' : `${role}-${version}`,
    role,
    version,
    serves: role !== 'loadgen',
    upstreams: upstreamsOf[role](version),
  }
}

/** The demo mesh: bookinfo's shape over gRPC, plus a load generator in front. */
export const demoWorkloads: readonly DemoWorkloadSpec[] = [
  spec('frontend', 'v1'),
  spec('details', 'v1'),
  spec('reviews', 'v1'),
  spec('reviews', 'v2'),
  spec('reviews', 'v3'),
  spec('ratings', 'v1'),
  spec('loadgen', 'v1'),
]

/** Workloads in an order where each one's upstreams start first, so early RPCs find someone. */
export function startOrder(workloads: readonly DemoWorkloadSpec[]): DemoWorkloadSpec[] {
  const depth = (role: DemoRole): number => {
    const ups = workloads.filter((w) => w.role === role).flatMap((w) => w.upstreams)
    return ups.length === 0 ? 0 : 1 + Math.max(...ups.map(depth))
  }
  return [...workloads].sort((a, b) => depth(a.role) - depth(b.role))
}

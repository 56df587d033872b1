import type { EdgeStatsInput, RouteInput, ServiceInput, TopologyInput, WorkloadInput } from '../../src/main/telemetry'

/** The demo mesh's shape: frontend → details, frontend → reviews v1/v2/v3 → ratings. */
export const host = (name: string): string => `${name}.default.svc.cluster.local`

export function service(name: string, subsets: string[] = []): ServiceInput {
  return {
    host: host(name),
    namespace: 'default',
    app: name,
    ports: [{ name: 'grpc', port: 50051, protocol: 'GRPC' }],
    subsets: subsets.map((v) => ({ name: v, labels: { version: v } })),
    refs: [{ kind: 'Service', namespace: 'default', name }, ...(subsets.length > 0 ? [{ kind: 'DestinationRule', namespace: 'default', name }] : [])],
  }
}

export function workload(app: string, version: string, overrides: Partial<WorkloadInput> = {}): WorkloadInput {
  return {
    name: `${app}-${version}`,
    namespace: 'default',
    app,
    version,
    labels: { app, version },
    services: [host(app)],
    ready: 1,
    desired: 1,
    refs: [{ kind: 'WorkloadEntry', namespace: 'default', name: `${app}-${version}` }],
    ...overrides,
  }
}

export function route(name: string, subset: string | null, weight: number, source: RouteInput['source'] = 'any'): RouteInput {
  return { source, host: host(name), destinationHost: host(name), subset, weight, origin: { kind: 'VirtualService', namespace: 'default', name } }
}

export function stat(fromWorkload: string, to: string, subset: string | null, rps: number, errorRps = 0, p99Ms: number | null = 12): EdgeStatsInput {
  return {
    source: { workload: { namespace: 'default', name: fromWorkload } },
    destinationHost: host(to),
    subset,
    rps,
    errorRps,
    p50Ms: p99Ms === null ? null : p99Ms / 4,
    p99Ms,
    inFlight: 1,
    mtls: null,
  }
}

export function demoMesh(): TopologyInput {
  return {
    services: [service('frontend'), service('details'), service('reviews', ['v1', 'v2', 'v3']), service('ratings')],
    workloads: [workload('frontend', 'v1'), workload('details', 'v1'), workload('reviews', 'v1'), workload('reviews', 'v2'), workload('reviews', 'v3'), workload('ratings', 'v1')],
    routes: [route('reviews', 'v1', 80), route('reviews', 'v2', 20), route('reviews', 'v3', 0)],
    stats: [
      stat('frontend-v1', 'details', null, 10),
      stat('frontend-v1', 'reviews', 'v1', 8.1),
      stat('frontend-v1', 'reviews', 'v2', 1.9, 0.5, 80),
      stat('reviews-v2', 'ratings', null, 1.9),
    ],
  }
}

import type { EdgeStatsInput, RouteInput, ServiceInput, TopologyInput, WorkloadInput } from '../../src/main/telemetry'

export interface SyntheticOptions {
  services: number
  /** Total edges wanted: service → version edges plus caller → service edges. */
  edges: number
  namespaces: number
  /** Every n-th service has three versions with a weighted route, like the demo's reviews. */
  versionedEvery: number
  seed: number
}

export const defaultSynthetic: SyntheticOptions = { services: 500, edges: 2000, namespaces: 10, versionedEvery: 10, seed: 42 }

/** Small deterministic PRNG so every run measures the same graph. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Call {
  caller: WorkloadInput
  callee: ServiceInput
  versions: string[]
  baseRps: number
}

export interface SyntheticMesh {
  input: TopologyInput
  /** Traffic at second `tick`: every rate moves a little; with `flaps`, ~1 % of calls go bad and recover each second. */
  stats(tick: number, flaps?: boolean): EdgeStatsInput[]
}

/**
 * A mesh shaped like real ones: calls flow from lower-numbered services to higher ones (so the
 * graph reads left to right), a tenth of services run three versions behind weighted routes.
 */
export function syntheticMesh(options: SyntheticOptions = defaultSynthetic): SyntheticMesh {
  const random = mulberry32(options.seed)
  const services: ServiceInput[] = []
  const workloads: WorkloadInput[] = []
  const routes: RouteInput[] = []
  const versionsOf = new Map<string, string[]>()
  for (let i = 0; i < options.services; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`
    const namespace = `ns-${i % options.namespaces}`
    const host = `${name}.${namespace}.svc.cluster.local`
    const versions = i % options.versionedEvery === 0 ? ['v1', 'v2', 'v3'] : ['v1']
    versionsOf.set(host, versions)
    services.push({
      host,
      namespace,
      app: name,
      ports: [{ name: 'grpc', port: 50051, protocol: 'GRPC' }],
      subsets: versions.length > 1 ? versions.map((v) => ({ name: v, labels: { version: v } })) : [],
      refs: [{ kind: 'Service', namespace, name }],
    })
    for (const version of versions) {
      workloads.push({ name: `${name}-${version}`, namespace, app: name, version, labels: { app: name, version }, services: [host], ready: 1, desired: 1, refs: [] })
    }
    if (versions.length > 1) {
      const weights = [80, 15, 5]
      versions.forEach((v, k) => routes.push({ source: 'any', host, destinationHost: host, subset: v, weight: weights[k] ?? 0, origin: { kind: 'VirtualService', namespace, name } }))
    }
  }
  const requestEdges = options.edges - workloads.length
  const calls: Call[] = []
  const seen = new Set<string>()
  while (calls.length < requestEdges) {
    const caller = workloads[Math.floor(random() * workloads.length)] as WorkloadInput
    const callerIndex = services.findIndex((s) => s.host === caller.services[0])
    if (callerIndex >= services.length - 1) continue
    const span = Math.min(60, services.length - callerIndex - 1)
    const callee = services[callerIndex + 1 + Math.floor(random() * span)] as ServiceInput
    const key = `${caller.namespace}/${caller.name}->${callee.host}`
    if (seen.has(key)) continue
    seen.add(key)
    calls.push({ caller, callee, versions: versionsOf.get(callee.host) ?? ['v1'], baseRps: 1 + random() * 50 })
  }

  const stats = (tick: number, flaps = true): EdgeStatsInput[] =>
    calls.flatMap((call, n) => {
      const wave = 1 + 0.2 * Math.sin(tick / 5 + n)
      const bad = flaps ? (n + tick) % 97 === 0 : n % 97 === 0
      const shares = call.versions.length > 1 ? [0.8, 0.15, 0.05] : [1]
      return call.versions.map((version, k) => {
        const rps = call.baseRps * wave * (shares[k] ?? 0)
        return {
          source: { workload: { namespace: call.caller.namespace, name: call.caller.name } },
          destinationHost: call.callee.host,
          subset: call.versions.length > 1 ? version : null,
          rps,
          errorRps: bad ? rps * 0.3 : rps * 0.002,
          p50Ms: 4 + (n % 7),
          p99Ms: 20 + ((n * 13 + tick) % 90),
          inFlight: Math.round(rps / 10),
          mtls: true,
        }
      })
    })

  return { input: { services, workloads, routes, stats: stats(0) }, stats }
}

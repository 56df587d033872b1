import { faultCodeSchema, noFault, type FaultKnobs } from './ipc'

/** The demo's application roles; a workload is one instance of one role at one version. */
export const workloadRoles = ['frontend', 'details', 'reviews', 'ratings', 'loadgen'] as const
export type WorkloadRole = (typeof workloadRoles)[number]

/** How a workload serves: through xDS (the mesh), a plain gRPC server (fallback), or not at all (loadgen). */
export type ServerMode = 'xds' | 'plain' | 'none'

export interface WorkloadConfig {
  /** Unique instance name, e.g. reviews-v2. */
  workload: string
  role: WorkloadRole
  version: string
  /** Port to serve on; an xDS server needs it known up front to name its Listener. */
  port: number | null
  /** The address it serves on: 127.0.0.1, or in a pod its own IP (never every interface). */
  host: string
  server: ServerMode
  /** Upstream role → gRPC target, e.g. reviews → xds:///reviews.demo.svc.cluster.local:9080. */
  upstreams: Partial<Record<WorkloadRole, string>>
  knobs: FaultKnobs
  /** Load generator only: requests per second toward frontend. */
  rps: number
  /** Path of demo.proto. */
  protoPath: string | null
  /** Port of its Prometheus /metrics (Istio's standard metrics), on `host`; 0 picks one; null serves none. */
  metricsPort: number | null
}

export class WorkloadConfigError extends Error {}

const usage =
  'usage: demo-workload --workload NAME --role frontend|details|reviews|ratings|loadgen [--version v1] ' +
  '[--port N] [--host IPV4] [--server xds|plain|none] [--upstream ROLE=TARGET]... [--error-rate 0..1] ' +
  '[--error-code UNAVAILABLE] [--latency-ms N] [--rps N] [--proto PATH] [--metrics-port N]'

/** Which upstreams each role calls: the shape of bookinfo. */
export const upstreamsOf: Record<WorkloadRole, (version: string) => WorkloadRole[]> = {
  frontend: () => ['details', 'reviews'],
  details: () => [],
  // reviews v1 shows no stars, so it never calls ratings; that is what makes v1/v2/v3 look different.
  reviews: (version) => (version === 'v1' ? [] : ['ratings']),
  ratings: () => [],
  loadgen: () => ['frontend'],
}

function isRole(value: string): value is WorkloadRole {
  return (workloadRoles as readonly string[]).includes(value)
}

function number(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new WorkloadConfigError(`${flag} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return value
}

/** Parses the workload's command line. Pure: no environment, no I/O, so it is unit-tested directly. */
export function parseWorkloadArgs(argv: readonly string[]): WorkloadConfig {
  const values = new Map<string, string>()
  const upstreams: Partial<Record<WorkloadRole, string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = argv[i + 1]
    if (!flag.startsWith('--') || value === undefined) throw new WorkloadConfigError(`unexpected argument ${flag}; ${usage}`)
    i++
    if (flag === '--upstream') {
      const eq = value.indexOf('=')
      const role = value.slice(0, eq)
      if (eq <= 0 || !isRole(role)) throw new WorkloadConfigError(`--upstream must be ROLE=TARGET with a known role, got ${value}`)
      upstreams[role] = value.slice(eq + 1)
    } else {
      values.set(flag, value)
    }
  }
  const known = ['--workload', '--role', '--version', '--port', '--host', '--server', '--error-rate', '--error-code', '--latency-ms', '--rps', '--proto', '--metrics-port']
  for (const flag of values.keys()) {
    if (!known.includes(flag)) throw new WorkloadConfigError(`unknown flag ${flag}; ${usage}`)
  }
  const role = values.get('--role') ?? ''
  if (!isRole(role)) throw new WorkloadConfigError(`--role is required and must be one of ${workloadRoles.join(', ')}; ${usage}`)
  const workload = values.get('--workload') ?? ''
  if (!/^[a-z0-9][a-z0-9-]*$/.test(workload)) throw new WorkloadConfigError(`--workload must be a DNS label like reviews-v2; ${usage}`)
  const version = values.get('--version') ?? 'v1'
  const server = (values.get('--server') ?? (role === 'loadgen' ? 'none' : 'xds')) as ServerMode
  if (!['xds', 'plain', 'none'].includes(server)) throw new WorkloadConfigError(`--server must be xds, plain or none`)
  const host = values.get('--host') ?? '127.0.0.1'
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (!octets || octets.slice(1).some((o) => Number(o) > 255) || host === '0.0.0.0') {
    throw new WorkloadConfigError(`--host must be one IPv4 address to serve on (127.0.0.1, or a pod's IP), got ${JSON.stringify(host)}`)
  }
  const rawPort = values.get('--port')
  const port = rawPort === undefined ? null : number('--port', rawPort, 1, 65535)
  if (server !== 'none' && port === null) throw new WorkloadConfigError(`--port is required to serve (an xDS server names its Listener by address:port)`)
  for (const needed of upstreamsOf[role](version)) {
    if (!upstreams[needed]) throw new WorkloadConfigError(`${role} ${version} calls ${needed}: pass --upstream ${needed}=TARGET`)
  }
  const code = faultCodeSchema.safeParse(values.get('--error-code') ?? noFault.errorCode)
  if (!code.success) throw new WorkloadConfigError(`--error-code must be one of ${faultCodeSchema.options.join(', ')}`)
  return {
    workload,
    role,
    version,
    port,
    host,
    server,
    upstreams,
    knobs: {
      errorRate: number('--error-rate', values.get('--error-rate') ?? '0', 0, 1),
      errorCode: code.data,
      latencyMs: Math.round(number('--latency-ms', values.get('--latency-ms') ?? '0', 0, 60_000)),
    },
    rps: number('--rps', values.get('--rps') ?? '0', 0, 1000),
    protoPath: values.get('--proto') ?? null,
    metricsPort: values.has('--metrics-port') ? number('--metrics-port', values.get('--metrics-port') as string, 0, 65535) : null,
  }
}

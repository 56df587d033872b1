import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { analyzeUsage, parseAnalyzeArgs, type AnalyzeArgs } from './analyze-args'
import { ClusterUsageError, clusterUsage, parseClusterArgs, type ClusterArgs } from './cluster-args'

export interface ServeArgs {
  command: 'serve'
  port: number
  host: string
  kubeconfig?: string
  context?: string
  demo: boolean
  open: boolean
  /** Folder of Istio YAML served by the embedded xDS control plane. */
  meshDir?: string
  /** Kubeconfig context whose cluster (Services, EndpointSlices, Istio CRDs) the control plane serves. */
  meshContext?: string
  xdsPort: number
  /** The trace store's byte budget (--trace-store-mb). */
  traceStoreBytes?: number
  /** Address the xDS server binds (default 127.0.0.1), e.g. the kind network's gateway for the kind sandbox. */
  xdsHost?: string
  /** The trace collector's port (OTLP/HTTP and Zipkin, 127.0.0.1); 0 picks a free one. */
  tracesPort: number
  /** Port of Meshdeck's own /metrics on 127.0.0.1 (istiod's 15014 by default); 0 picks a free one. */
  monitoringPort: number
  /** The Prometheus the local demo's numbers and canary analysis read (--prometheus URL). */
  prometheusUrl?: string
}

export interface BootstrapArgs {
  command: 'bootstrap'
  nodeId: string
  xdsPort: number
  /** Write here (atomically) instead of stdout. */
  out?: string
  /** Issue the workload's own SPIFFE certificate and name it in the bootstrap (--certs). */
  certs?: {
    namespace: string
    serviceAccount: string
    workload?: string
    trustDomain?: string
    /** Absolute (resolved against the working folder). */
    certsDir?: string
  }
}

export interface DemoArgs {
  command: 'demo'
  xdsPort: number
  /** The load generator's starting rate toward frontend. */
  rps?: number
}

export interface HelpArgs {
  command: 'help'
}

export type CliArgs = ServeArgs | BootstrapArgs | DemoArgs | ClusterArgs | AnalyzeArgs | HelpArgs

export class UsageError extends Error {}

export const usage = `Usage:
  meshdeck serve [--port N] [--host H] [--kubeconfig PATH] [--context NAME] [--demo]
      Serve the Meshdeck UI and API on http://127.0.0.1:PORT (default port 7420; 0 picks a free one).
      [--mesh-dir DIR] [--xds-port PORT]  also serve xDS for the Istio YAML in DIR on 127.0.0.1:PORT (default 15010).
      [--traces-port PORT]  the trace collector's port on 127.0.0.1 (default 4318, or a free one when taken; 0 picks a free one).
      [--monitoring-port PORT]  Meshdeck's own /metrics (istiod's names) on 127.0.0.1 (default 15014, or a free one when taken).
      [--prometheus URL]  the Prometheus the local demo's topology numbers and canary analysis may read (docs/metrics.md).
      [--xds-host ADDR]  bind xDS there instead of 127.0.0.1 (e.g. the kind network's gateway, for the kind sandbox).
      [--mesh-context NAME]  serve xDS for that kubeconfig context's cluster: its Services with EndpointSlice
          endpoints, and its Istio CRDs as config (with --mesh-dir, the folder's config instead). Refused when
          the cluster runs istiod.
      --demo  also run the local demo mesh (in <MESHDECK_HOME>/demo-mesh unless --mesh-dir is given).
      [--trace-store-mb N]  the trace store's memory budget (default 256); the oldest traces go past it.
  meshdeck demo [--xds-port PORT] [--rps N]
      Run the local demo mesh headless on the embedded control plane, printing its status; Ctrl+C stops it.
  meshdeck bootstrap --node-id ID [--xds-port PORT] [--out FILE]
      Print (or write) the gRPC xDS bootstrap JSON for a workload (set GRPC_XDS_BOOTSTRAP to the file).
      [--certs --namespace NS --service-account SA [--workload NAME] [--trust-domain TD] [--certs-dir DIR]]
          also issue the workload's SPIFFE certificate (spiffe://TD/ns/NS/sa/SA) from the mesh CA in
          MESHDECK_HOME into DIR (default <MESHDECK_HOME>/workload-certs/NS/NAME; NAME defaults to the node id)
          and name it in the bootstrap, so STRICT PeerAuthentication and ISTIO_MUTUAL work. A running
          Meshdeck (meshdeck serve, same MESHDECK_HOME) keeps it renewed.
${clusterUsage}${analyzeUsage}  meshdeck help
`

export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' }
  if (command === 'bootstrap') return parseBootstrapArgs(rest)
  if (command === 'demo') return parseDemoArgs(rest)
  if (command === 'analyze') return parseAnalyzeArgs(rest)
  if (command === 'cluster') {
    try {
      return parseClusterArgs(rest)
    } catch (err) {
      throw err instanceof ClusterUsageError ? new UsageError(err.message) : err
    }
  }
  if (command !== 'serve') throw new UsageError(`Unknown command "${command}".\n\n${usage}`)
  let values
  try {
    ;({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        demo: { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
        'mesh-dir': { type: 'string' },
        'mesh-context': { type: 'string' },
        'xds-port': { type: 'string' },
        'trace-store-mb': { type: 'string' },
        'xds-host': { type: 'string' },
        'traces-port': { type: 'string' },
        'monitoring-port': { type: 'string' },
        prometheus: { type: 'string' },
      },
    }))
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`)
  }
  const traceStoreMb = values['trace-store-mb'] === undefined ? undefined : Number(values['trace-store-mb'])
  if (traceStoreMb !== undefined && !(Number.isInteger(traceStoreMb) && traceStoreMb >= 16 && traceStoreMb <= 65_536)) {
    throw new UsageError(`--trace-store-mb must be a whole number of MiB from 16 to 65536, got "${values['trace-store-mb']}".`)
  }
  const port = values.port === undefined ? 7420 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}".`)
  }
  return {
    command: 'serve',
    port,
    host: values.host ?? '127.0.0.1',
    kubeconfig: values.kubeconfig,
    context: values.context,
    demo: values.demo ?? false,
    open: values.open ?? false,
    meshDir: values['mesh-dir'],
    meshContext: values['mesh-context'],
    xdsPort: parsePort('--xds-port', values['xds-port'], 15010),
    tracesPort: parsePort('--traces-port', values['traces-port'], 4318),
    monitoringPort: parsePort('--monitoring-port', values['monitoring-port'], 15014),
    ...(values.prometheus === undefined ? {} : { prometheusUrl: parsePrometheusUrl(values.prometheus) }),
    ...(traceStoreMb === undefined ? {} : { traceStoreBytes: traceStoreMb * 1024 * 1024 }),
    ...(values['xds-host'] ? { xdsHost: values['xds-host'] } : {}),
  }
}

/** An http(s) URL; whether it is Prometheus is checked when Meshdeck first asks it (docs/metrics.md). */
function parsePrometheusUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--prometheus must be a URL such as http://127.0.0.1:9090, got "${value}".`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--prometheus must be an http:// or https:// URL, got "${value}".`)
  return value
}

function parsePort(flag: string, value: string | undefined, fallback: number): number {
  const port = value === undefined ? fallback : Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} must be a whole number from 0 to 65535, got "${value}".`)
  }
  return port
}

function parseDemoArgs(rest: string[]): DemoArgs {
  let values
  try {
    ;({ values } = parseArgs({ args: rest, strict: true, options: { 'xds-port': { type: 'string' }, rps: { type: 'string' } } }))
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`)
  }
  const rps = values.rps === undefined ? undefined : Number(values.rps)
  if (rps !== undefined && (!Number.isFinite(rps) || rps < 0 || rps > 1000)) {
    throw new UsageError(`--rps must be a number from 0 to 1000 (requests per second), got "${values.rps}".`)
  }
  return { command: 'demo', xdsPort: parsePort('--xds-port', values['xds-port'], 15010), rps }
}

function parseBootstrapArgs(rest: string[]): BootstrapArgs {
  let values
  try {
    ;({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        'node-id': { type: 'string' },
        'xds-port': { type: 'string' },
        out: { type: 'string' },
        certs: { type: 'boolean', default: false },
        namespace: { type: 'string' },
        'service-account': { type: 'string' },
        workload: { type: 'string' },
        'trust-domain': { type: 'string' },
        'certs-dir': { type: 'string' },
      },
    }))
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`)
  }
  const nodeId = values['node-id']
  if (!nodeId) throw new UsageError(`bootstrap needs --node-id, the workload's name towards the control plane (e.g. reviews-v1).\n\n${usage}`)
  const xdsPort = parsePort('--xds-port', values['xds-port'], 15010)
  if (xdsPort === 0) throw new UsageError('--xds-port for a bootstrap must be the port the control plane listens on, not 0.')
  const args: BootstrapArgs = { command: 'bootstrap', nodeId, xdsPort, out: values.out }
  const certFlags = (['namespace', 'service-account', 'workload', 'trust-domain', 'certs-dir'] as const).filter((flag) => values[flag] !== undefined)
  if (!values.certs) {
    if (certFlags.length > 0) throw new UsageError(`${certFlags.map((f) => `--${f}`).join(', ')} only apply with --certs (issue the workload's certificate).\n\n${usage}`)
    return args
  }
  const { namespace, 'service-account': serviceAccount } = values
  if (!namespace || !serviceAccount) {
    throw new UsageError(`--certs needs --namespace and --service-account: the workload's identity is spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>.\n\n${usage}`)
  }
  const certsDir = values['certs-dir']
  args.certs = { namespace, serviceAccount, workload: values.workload, trustDomain: values['trust-domain'], certsDir: certsDir === undefined ? undefined : resolve(certsDir) }
  return args
}

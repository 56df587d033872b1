/**
 * One demo mesh workload: a proxyless gRPC server for its role (frontend, details, reviews,
 * ratings) that calls its upstreams through xds:/// targets, or the load generator. The supervisor
 * (src/main/demo/supervisor.ts) runs it as a child process with GRPC_XDS_BOOTSTRAP set and talks
 * to it over the Node IPC channel; run by hand, it takes its knobs from flags (see config.ts).
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js'
import { register, XdsServer, XdsServerCredentials } from '@grpc/grpc-js-xds'
import { childMessageSchema, parentMessageSchema, type ChildMessage, type FaultKnobs } from '../../ipc'
import { findDemoProto, loadDemoApi, type DemoApi, type ProductPage, type ProductRequest, type ServingRole } from './api'
import { exitConfigError } from './exit-codes'
import { parseWorkloadArgs, WorkloadConfigError, type WorkloadConfig } from '../../workload-config'
import { implementationFor, type HandlerContext } from './handlers'
import { LoadGenerator } from './load-generator'
import { pinBarePortListensToLoopback } from './loopback-only'
import { connectUpstream, type Upstream } from './upstream'
import { startWorkloadTracing } from './tracing'
import { startRequestMetrics, type RequestMetrics } from './request-metrics'
import { demoNamespace, demoHost } from '../../topology'
import type { PeerIdentity } from '../../istio-metrics'


const summaryEveryMs = 10_000

function send(message: ChildMessage): void {
  if (process.send && process.connected) process.send(childMessageSchema.parse(message))
}

function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** Failed RPCs, at most 20 lines a second (a 100% fault at high load must not flood the supervisor's buffer). */
function failureLog(): (line: string) => void {
  let second = 0
  let lines = 0
  let dropped = 0
  return (line) => {
    const now = Math.floor(Date.now() / 1000)
    if (now !== second) {
      if (dropped > 0) log(`(${dropped} more failed RPCs not logged in the last second)`)
      second = now
      lines = 0
      dropped = 0
    }
    if (++lines > 20) dropped++
    else log(line)
  }
}

function startServer(config: WorkloadConfig, api: DemoApi, ctx: HandlerContext, onServing: () => void): Server {
  const role = config.role as ServingRole
  const address = `${config.host}:${config.port}`
  if (config.server === 'plain') {
    // Fallback only: without xDS on the server side, no inbound policy (mTLS, RBAC) applies.
    const server = new Server()
    server.addService(api.service(role), implementationFor(role, ctx))
    server.bindAsync(address, ServerCredentials.createInsecure(), (err) => {
      if (err) {
        log(`cannot serve on ${address}: ${err.message}`)
        process.exit(1)
      }
      onServing()
    })
    return server
  }
  pinBarePortListensToLoopback(config.host)
  const server = new XdsServer()
  server.addService(api.service(role), implementationFor(role, ctx))
  log(`waiting for Listener grpc/server?xds.resource.listening_address=${address} from the control plane`)
  // XdsServer only opens its port once the control plane sent its Listener; say so if that is slow.
  const waiting = setInterval(() => log(`still waiting for the Listener for ${address} from the control plane`), summaryEveryMs)
  server.bindAsync(address, new XdsServerCredentials(ServerCredentials.createInsecure()), (err) => {
    clearInterval(waiting)
    if (err) {
      log(`cannot serve on ${address}: ${err.message}`)
      process.exit(1)
    }
    onServing()
  })
  server.addServingStateListener(address, (state) => {
    if (state.code !== status.OK) log(`not serving on ${address}: ${state.details}`)
  })
  return server
}

async function main(): Promise<void> {
  let config: WorkloadConfig
  try {
    config = parseWorkloadArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof WorkloadConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    process.exit(exitConfigError)
  }
  register()
  const api = loadDemoApi(config.protoPath ?? findDemoProto())
  let knobs: FaultKnobs = config.knobs
  // The supervisor sets the endpoint to Meshdeck's collector; without one the workload records no spans.
  const tracing = startWorkloadTracing({
    endpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    service: config.role,
    version: config.version,
    instance: config.workload,
  })
  // Istio's standard metrics on /metrics, both sides of every call: what Prometheus scrapes in a real mesh.
  const self: PeerIdentity = { workload: config.workload, namespace: demoNamespace, app: config.role, version: config.version }
  let metrics: RequestMetrics | null = null
  if (config.metricsPort !== null) {
    try {
      metrics = await startRequestMetrics(config.host, config.metricsPort, log)
    } catch (err) {
      // Traffic matters more than its metrics: serve on without them, and say why.
      log(`cannot serve metrics on ${config.host}:${config.metricsPort}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const record = metrics ? metrics.record : null
  const upstream = <Req, Res>(role: ServingRole): Upstream<Req, Res> | undefined => {
    const target = config.upstreams[role]
    return target ? connectUpstream<Req, Res>(api, role, target, tracing, record ? { self, record } : null) : undefined
  }

  let ok = 0
  let failed = 0
  const ctx: HandlerContext = {
    served: { workload: config.workload, service: config.role, version: config.version },
    knobs: () => knobs,
    record: (success) => (success ? ok++ : failed++),
    details: upstream('details'),
    reviews: upstream('reviews'),
    ratings: upstream('ratings'),
    tracing,
    reporting: record && config.role !== 'loadgen' ? { self, service: demoHost(config.role), record } : null,
    log: failureLog(),
  }
  const frontend = config.role === 'loadgen' ? upstream<ProductRequest, ProductPage>('frontend') : undefined
  const loadgen = frontend ? new LoadGenerator(frontend, config.rps) : null

  const server =
    config.server === 'none' || config.role === 'loadgen'
      ? null
      : startServer(config, api, ctx, () => {
          log(`serving ${config.role} ${config.version} on ${config.host}:${config.port}`)
          send({ type: 'serving', port: config.port as number })
        })
  log(
    `${config.workload} started (pid ${process.pid}); upstreams: ${
      Object.entries(config.upstreams)
        .map(([role, target]) => `${role}=${target}`)
        .join(', ') || 'none'
    }`,
  )
  send({ type: 'knobs', knobs, rps: loadgen ? config.rps : null })

  const summary = setInterval(() => {
    if (loadgen) {
      const s = loadgen.snapshot()
      log(`load: ${s.rps} rps target, ${s.ok} ok, ${s.failed} failed so far ${JSON.stringify(s.failedByCode)}`)
    } else if (ok + failed > 0) {
      log(`served ${ok} ok, ${failed} failed in the last ${summaryEveryMs / 1000}s`)
    }
    ok = 0
    failed = 0
  }, summaryEveryMs)
  const statsTimer = loadgen ? setInterval(() => send({ type: 'loadStats', stats: loadgen.snapshot() }), 1_000) : null

  process.on('message', (raw) => {
    const parsed = parentMessageSchema.safeParse(raw)
    if (!parsed.success) {
      log(`ignored a malformed message from the supervisor: ${parsed.error.message}`)
      return
    }
    const message = parsed.data
    if (message.type === 'setFault') {
      knobs = message.knobs
      log(`fault knobs: error rate ${knobs.errorRate} (${knobs.errorCode}), latency ${knobs.latencyMs} ms`)
    } else if (loadgen) {
      loadgen.setRps(message.rps)
      log(`load: ${message.rps} rps`)
    }
    send({ type: 'knobs', knobs, rps: loadgen ? loadgen.snapshot().rps : null })
  })

  let stopping = false
  const stop = (why: string): void => {
    if (stopping) return
    stopping = true
    log(`stopping (${why})`)
    clearInterval(summary)
    if (statsTimer) clearInterval(statsTimer)
    loadgen?.dispose()
    void metrics?.close()
    for (const u of [ctx.details, ctx.reviews, ctx.ratings, frontend]) u?.close()
    // Flush buffered spans, but never let a slow collector hold up the exit.
    const flushed = tracing ? Promise.race([tracing.shutdown().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 500))]) : Promise.resolve()
    const exit = (): void => void flushed.then(() => process.exit(0))
    if (!server) return exit()
    // In-flight RPCs get a moment to finish; the supervisor's SIGKILL is the backstop.
    const force = setTimeout(() => {
      server?.forceShutdown()
      exit()
    }, 2_000)
    server?.tryShutdown(() => {
      clearTimeout(force)
      exit()
    })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // The parent went away without stopping us (crash, SIGKILL): do not linger as an orphan.
  if (process.send) process.on('disconnect', () => stop('supervisor disconnected'))
}

void main()

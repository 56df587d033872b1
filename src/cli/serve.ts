import { join } from 'node:path'
import { startHttpTransport } from '../main/api/io'
import { createMeshdeck } from '../main/app'
import type { ServeArgs } from './args'

/** Web mode: the same services as the desktop app, served to a browser on loopback with a token. */
export async function serve(args: ServeArgs): Promise<void> {
  const meshdeck = await createMeshdeck({
    mode: 'web',
    kubeconfig: args.kubeconfig,
    context: args.context,
    meshDir: args.meshDir,
    meshContext: args.meshContext,
    xdsPort: args.xdsPort,
    traceStoreBytes: args.traceStoreBytes,
    xdsHost: args.xdsHost,
    tracesPort: args.tracesPort,
    monitoringPort: args.monitoringPort,
    prometheusUrl: args.prometheusUrl,
    demo: args.demo,
  })
  const transport = await startHttpTransport({
    router: meshdeck.router,
    bus: meshdeck.bus,
    staticDir: join(__dirname, '../renderer'),
    host: args.host,
    port: args.port,
  })
  if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
    console.error(`warning: serving on ${args.host}; anyone who can reach it and has the token controls this Meshdeck.`)
  }
  console.log(`Meshdeck listening on ${transport.url}`)
  if (meshdeck.monitoring) console.log(`Meshdeck's own metrics on ${meshdeck.monitoring.url}`)
  const controlPlane = meshdeck.controlPlane.appStatus()
  if (args.meshDir || args.meshContext || args.demo) {
    const status = meshdeck.controlPlane.status()
    if (controlPlane.state === 'running') {
      const config = status.configSource?.kind === 'directory' ? status.configSource.name : status.configSource?.detail
      const endpoints = status.endpointSource ? `; endpoints: ${status.endpointSource.detail}` : ''
      console.log(`xDS control plane on ${controlPlane.address} serving ${config}${endpoints}`)
      for (const problem of status.problems.filter((p) => p.severity === 'warning' && !p.kind)) console.error(`warning: ${problem.message}`)
    } else console.error(`warning: ${controlPlane.message ?? 'the xDS control plane did not start'}`)
  }

  if (meshdeck.demo.status().running) console.log(`demo mesh started: ${meshdeck.demo.status().workloads.length} workloads; spans to ${meshdeck.traces.collector.otlpUrl}`)
  else if (args.demo) console.error('warning: the demo mesh did not start because the control plane is not running; pick a free xDS port with --xds-port 0.')

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void (async () => {
      await transport.dispose()
      await meshdeck.dispose()
      process.exit(0)
    })()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

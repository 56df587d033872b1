import type { DemoStatus } from '@shared/contract'
import { createMeshdeck } from '../main/app'
import type { DemoArgs } from './args'

const statusEveryMs = 5_000

/** One line a person can read at a glance: who runs, and what the load generator sees. */
export function demoStatusLine(status: DemoStatus): string {
  const running = status.workloads.filter((w) => w.state === 'running').length
  const others = status.workloads.filter((w) => w.state !== 'running').map((w) => `${w.name} ${w.state}`)
  const load = status.load ? ` · load ${status.load.rps} rps target, ${status.load.ok} ok, ${status.load.failed} failed` : ''
  return `demo: ${running}/${status.workloads.length} running${others.length ? ` (${others.join(', ')})` : ''}${load}`
}

/** `meshdeck demo`: the demo mesh on the embedded control plane, with no UI; Ctrl+C stops it all. */
export async function runDemo(args: DemoArgs): Promise<void> {
  const meshdeck = await createMeshdeck({ mode: 'web', xdsPort: args.xdsPort, demo: true })
  const controlPlane = meshdeck.controlPlane.appStatus()
  if (controlPlane.state !== 'running') {
    await meshdeck.dispose()
    throw new Error(`${controlPlane.message ?? 'the xDS control plane did not start'} (try --xds-port 0 for a free port)`)
  }
  console.log(`xDS control plane on ${controlPlane.address} serving ${meshdeck.controlPlane.status().meshDir}`)
  console.log(`trace collector on ${meshdeck.traces.collector.otlpUrl}`)
  if (args.rps !== undefined) meshdeck.demo.setLoad(args.rps)
  const printer = setInterval(() => console.log(demoStatusLine(meshdeck.demo.status())), statusEveryMs)
  console.log(demoStatusLine(meshdeck.demo.status()))

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    clearInterval(printer)
    console.log('stopping the demo mesh…')
    void Promise.resolve(meshdeck.dispose()).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`meshdeck: stopping left something behind: ${err instanceof Error ? err.message : String(err)}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

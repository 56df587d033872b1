/**
 * xDS push benchmark: N real grpc-js-xds client channels (each its own node id and ADS stream) in
 * several child processes; change one route weight; measure how long until every client ACKs,
 * the control plane's CPU time for the push, and its memory per connected stream.
 *
 *   npm run bench:xds-push                 # 100, 500, 1000 clients
 *   npm run bench:xds-push -- 200 2        # 200 clients over 2 processes
 */
import { startChildClients, type ChildClients } from '../../test/support/xds-child'
import { startBackend } from '../../test/support/xds-grpc'
import { destinationRuleYaml, serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../../test/support/xds-mesh-fixtures'
import { createMeshDir } from '../../test/support/xds-mesh-dir'
import { startControlPlane, type ControlPlane } from '../../src/main/xds'

const host = 'reviews.demo.svc.cluster.local'

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

function split(v1: number): Record<string, unknown>[] {
  return [virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: v1 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 100 - v1 }] }] })]
}

async function settle(): Promise<void> {
  global.gc?.()
  await new Promise((resolve) => setTimeout(resolve, 300))
  global.gc?.()
}

async function round(cp: ControlPlane, write: (v1: number) => Promise<void>, clients: number, processes: number, weight: number): Promise<void> {
  await settle()
  const before = process.memoryUsage()
  const children: ChildClients[] = await Promise.all(Array.from({ length: processes }, () => startChildClients()))
  try {
    const per = Math.ceil(clients / processes)
    const opened = await Promise.all(
      children.map((child, p) => {
        const ids = Array.from({ length: Math.min(per, clients - p * per) }, (_, i) => `bench-${clients}-${p}-${i}`)
        return child.open('reviews:9080', ids, cp.bootstrap({ nodeId: 'bench' }))
      }),
    )
    const failedOpens = opened.flat().filter((code) => code !== 0).length
    const streams = (): number => cp.clients().filter((c) => c.nodeId.startsWith(`bench-${clients}-`)).length
    while (streams() < clients) await new Promise((resolve) => setTimeout(resolve, 100))
    await settle()
    const after = process.memoryUsage()

    // Push: one weight changes; only RDS of these clients is affected.
    const acks: number[] = []
    let pushStart = 0
    let version = ''
    const sub = cp.onEvent((event) => {
      if (event.kind === 'pushed' && event.type === 'RDS' && pushStart === 0) {
        pushStart = performance.now()
        version = event.version
      }
      if (event.kind === 'acked' && event.type === 'RDS' && event.version === version && pushStart > 0) acks.push(performance.now() - pushStart)
    })
    const cpuBefore = process.cpuUsage()
    const wall = performance.now()
    await write(weight)
    while (acks.length < clients) {
      if (performance.now() - wall > 60_000) throw new Error(`only ${acks.length}/${clients} ACKs after 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const cpu = process.cpuUsage(cpuBefore)
    sub.dispose()
    acks.sort((a, b) => a - b)
    console.log(
      [
        `clients=${clients}`.padEnd(13),
        `procs=${processes}`,
        `ack p50=${percentile(acks, 50).toFixed(1)}ms`,
        `p99=${percentile(acks, 99).toFixed(1)}ms`,
        `all=${(acks.at(-1) ?? 0).toFixed(1)}ms`,
        `cp cpu(user+sys)=${((cpu.user + cpu.system) / 1000).toFixed(1)}ms`,
        `heap/stream=${((after.heapUsed - before.heapUsed) / clients / 1024).toFixed(1)}KiB`,
        `rss/stream=${((after.rss - before.rss) / clients / 1024).toFixed(1)}KiB`,
        failedOpens > 0 ? `first calls not done within 30 s (slow start, stream still connected)=${failedOpens}` : '',
      ].join('  '),
    )
  } finally {
    await Promise.all(children.map((child) => child.dispose()))
  }
}

async function main(): Promise<void> {
  const [countArg, procArg] = process.argv.slice(2)
  const rounds = countArg ? [Number(countArg)] : [100, 500, 1000]
  const backends = await Promise.all([startBackend({ name: 'v1' }), startBackend({ name: 'v2' })])
  const meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [
    serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: backends[0].port }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: backends[1].port }),
    destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] }),
  ])
  await meshDir.write('vs.yaml', split(100))
  // Load reporting off: this measures config pushes only.
  const cp = await startControlPlane({ meshDir: meshDir.dir, loadReportIntervalMs: 0 })
  console.log(`xds-push: node ${process.version}, ${(await import('node:os')).cpus().length} cpus; control plane in this process, clients in child processes`)
  try {
    let weight = 90
    for (const clients of rounds) {
      const processes = procArg ? Number(procArg) : Math.max(2, Math.ceil(clients / 250))
      await round(cp, (v1) => meshDir.write('vs.yaml', split(v1)), clients, processes, weight)
      weight = weight === 90 ? 80 : 90
    }
  } finally {
    await cp.dispose()
    await Promise.all(backends.map((b) => b.dispose()))
    await meshDir.dispose()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})

/**
 * xDS push benchmark: N real grpc-js-xds client channels (each its own node id and ADS stream) in
 * several child processes; change one route weight; measure how long until every client ACKs,
 * where the CPU goes (the control plane in this process vs the clients in the children — they
 * share the machine's cores, so a push is only as fast as both together), and the control plane's
 * memory per connected stream.
 *
 *   npm run bench:xds-push                 # 100, 500, 1000 clients (2, 4, 8 processes)
 *   npm run bench:xds-push -- 1000 4       # 1000 clients over 4 processes
 *   XDS_BENCH_PUSHES=5 …                   # pushes per round (default 3)
 *   XDS_BENCH_PROFILE=/tmp/prof …          # CPU profiles of each push (control plane and children)
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { startChildClients, type ChildClients } from '../../test/support/xds-child'
import { reviewsSplitYaml, reviewsTwoVersionsYaml } from '../../test/support/xds-mesh-fixtures'
import { createMeshDir } from '../../test/support/xds-mesh-dir'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'

const pushesPerRound = Number(process.env.XDS_BENCH_PUSHES ?? 3)
const profileDir = process.env.XDS_BENCH_PROFILE
/** Pushes so far over all rounds: weights alternate 80 / 70 so every push changes the route. */
let pushes = 0

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

async function settle(): Promise<void> {
  global.gc?.()
  await new Promise((resolve) => setTimeout(resolve, 300))
  global.gc?.()
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')

/** A CPU profile of this process over one push (only with XDS_BENCH_PROFILE). */
async function startProfile(): Promise<Session | null> {
  if (!profileDir) return null
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return session
}

async function stopProfile(session: Session | null, file: string): Promise<void> {
  if (!session) return
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  await writeFile(file, JSON.stringify(profile))
}

interface PushResult {
  acks: number[]
  /** From the file write until the last stream was written. */
  writtenMs: number
  cpCpuMs: number
  clientCpuMs: number
  backendCpuMs: number
}

async function push(cp: ControlPlane, children: ChildClients[], backends: ChildClients, write: () => Promise<void>, clients: number, tag: string): Promise<PushResult> {
  const acks: number[] = []
  let wall = 0
  let lastPushed = 0
  let version = ''
  let allAcked = (): void => undefined
  const done = new Promise<void>((resolve) => (allAcked = resolve))
  // Event-driven, not polled: a polling loop would be counted as control-plane CPU.
  const sub = cp.onEvent((event) => {
    if (event.kind === 'applied') version = String(event.version)
    if (event.kind === 'pushed' && event.type === 'RDS') lastPushed = performance.now()
    if (event.kind === 'acked' && event.type === 'RDS' && event.version === version) {
      acks.push(performance.now() - wall)
      if (acks.length === clients) allAcked()
    }
  })
  const session = await startProfile()
  if (profileDir) await Promise.all(children.map((child) => child.profile('start')))
  const childBefore = await Promise.all(children.map((child) => child.usage()))
  const backendsBefore = await backends.usage()
  const cpuBefore = process.cpuUsage()
  wall = performance.now()
  await write()
  await cp.refresh() // do not wait for the watcher's debounce: this measures the push, not the debounce
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${acks.length}/${clients} ACKs after 60 s`)), 60_000)))
  await Promise.race([done, timeout])
  clearTimeout(timer)
  const cpu = process.cpuUsage(cpuBefore)
  const childAfter = await Promise.all(children.map((child) => child.usage()))
  const backendsAfter = await backends.usage()
  sub.dispose()
  await stopProfile(session, join(profileDir ?? '', `cp-${tag}.cpuprofile`))
  if (profileDir) await Promise.all(children.map((child, i) => child.profile('stop', join(profileDir, `client-${tag}-p${i}.cpuprofile`))))
  acks.sort((a, b) => a - b)
  return {
    acks,
    writtenMs: lastPushed - wall,
    cpCpuMs: (cpu.user + cpu.system) / 1000,
    clientCpuMs: childAfter.reduce((sum, usage, i) => sum + usage.cpuMicros - (childBefore[i]?.cpuMicros ?? 0), 0) / 1000,
    backendCpuMs: (backendsAfter.cpuMicros - backendsBefore.cpuMicros) / 1000,
  }
}

async function round(cp: ControlPlane, backends: ChildClients, write: (v1: number) => Promise<void>, clients: number, processes: number): Promise<void> {
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
    const connected = process.memoryUsage()
    const childMemory = await Promise.all(children.map((child) => child.usage()))
    console.log(
      [
        `clients=${clients}`,
        `procs=${processes}`,
        `client rss/channel=${(childMemory.reduce((sum, u) => sum + u.rss, 0) / clients / 1024).toFixed(0)}KiB`,
        failedOpens > 0 ? `first calls not done within 30 s (slow start, stream still connected)=${failedOpens}` : '',
      ].join('  '),
    )
    for (let i = 0; i < pushesPerRound; i++) {
      pushes += 1
      const weight = pushes % 2 === 1 ? 80 : 70
      const result = await push(cp, children, backends, () => write(weight), clients, `${clients}-${i}`)
      console.log(
        [
          `  push ${i + 1}:`,
          `ack p50=${percentile(result.acks, 50).toFixed(1)}ms`,
          `p99=${percentile(result.acks, 99).toFixed(1)}ms`,
          `all=${(result.acks.at(-1) ?? 0).toFixed(1)}ms`,
          `written=${result.writtenMs.toFixed(1)}ms`,
          `cp cpu=${result.cpCpuMs.toFixed(1)}ms (${((result.cpCpuMs * 1000) / clients).toFixed(0)}µs/stream)`,
          `clients cpu=${result.clientCpuMs.toFixed(1)}ms (${((result.clientCpuMs * 1000) / clients).toFixed(0)}µs/client)`,
          `backends cpu=${result.backendCpuMs.toFixed(1)}ms`,
          `load=${load()}`,
        ].join('  '),
      )
      await settle()
    }
    await settle()
    const afterPushes = process.memoryUsage()
    await Promise.all(children.splice(0).map((child) => child.dispose()))
    while (streams() > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    await settle()
    const gone = process.memoryUsage()
    // With the streams (after the pushes) minus without them, in the same warm process, so startup
    // and JIT do not blur it. RSS is left out: it rarely shrinks, so it says little per stream.
    const perStream = (bytes: number): string => `${(bytes / clients / 1024).toFixed(1)}KiB`
    console.log(
      [
        `  memory:`,
        `cp heap/stream=${perStream(afterPushes.heapUsed - gone.heapUsed)}`,
        `cp external/stream=${perStream(afterPushes.external - gone.external)}`,
        `cp rss growth/stream while connecting=${perStream(connected.rss - before.rss)}`,
      ].join('  '),
    )
  } finally {
    await Promise.all(children.map((child) => child.dispose()))
  }
}

async function main(): Promise<void> {
  const [countArg, procArg] = process.argv.slice(2)
  const rounds = countArg ? [Number(countArg)] : [100, 500, 1000]
  if (profileDir) await mkdir(profileDir, { recursive: true })
  // The echo backends live in a child of their own: grpc-js-xds 1.14 clients open new backend
  // connections on every route change (see docs/benchmarks.md), and accepting them is not the control plane's CPU.
  const backends = await startChildClients()
  const [v1Port = 0, v2Port = 0] = await backends.serve(['v1', 'v2'])
  const meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', reviewsTwoVersionsYaml({ v1: v1Port, v2: v2Port }))
  await meshDir.write('vs.yaml', reviewsSplitYaml(100))
  // Load reporting off: this measures config pushes only.
  const cp = await startControlPlane({ meshDir: meshDir.dir, loadReportIntervalMs: 0 })
  console.log(`xds-push: node ${process.version}, ${cpus().length} cpus, load ${load()}; control plane in this process, clients in child processes`)
  try {
    for (const clients of rounds) {
      // ~125 channels a process: more per process makes each client slower (GC, timers, one event loop).
      const processes = procArg ? Number(procArg) : Math.max(2, Math.ceil(clients / 125))
      await round(cp, backends, (v1) => meshDir.write('vs.yaml', reviewsSplitYaml(v1)), clients, processes)
    }
  } finally {
    await cp.dispose()
    await backends.dispose()
    await meshDir.dispose()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})

/**
 * The embedded default's cost: start the built `meshdeck serve --demo --xds-port 0` (fresh
 * MESHDECK_HOME), and measure how long until every demo workload runs and until the topology shows
 * a non-zero frontend → reviews rate (and a p99 from spans), then the resident memory of serve and
 * each workload after a steady period, and that SIGTERM leaves no process behind.
 *
 *   npx electron-vite build && npm run bench:demo            # steady period 30 s
 *   npm run bench:demo -- 60                                  # steady period 60 s
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { callApi, startServe, type ServeProcess } from '../../test/support/serve-process'

type Workload = { name: string; state: string; pid: number | null }
type Edge = { id: string; stats: { rps: number; p99Ms: number | null } }

const steadySeconds = Number(process.argv[2] ?? 30)
const frontendToReviews = 'req:ver:demo/frontend/v1->svc:reviews.demo.svc.cluster.local'

async function result<T>(serve: ServeProcess, method: string): Promise<T> {
  const { body } = await callApi(serve, method)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

/** Resident set size in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-demo-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  const started = Date.now()
  const serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
  const listening = Date.now() - started
  let allRunning: number | null = null
  let firstRate: number | null = null
  let firstP99: number | null = null
  while (Date.now() - started < 120_000 && (allRunning === null || firstRate === null || firstP99 === null)) {
    const status = await result<{ workloads: Workload[] }>(serve, 'demo.status')
    if (allRunning === null && status.workloads.length > 0 && status.workloads.every((w) => w.state === 'running')) allRunning = Date.now() - started
    const edge = (await result<{ edges: Edge[] }>(serve, 'topology.get')).edges.find((e) => e.id === frontendToReviews)
    if (firstRate === null && edge && edge.stats.rps > 0) firstRate = Date.now() - started
    if (firstP99 === null && edge && edge.stats.p99Ms !== null) firstP99 = Date.now() - started
    await new Promise((r) => setTimeout(r, 200))
  }
  console.log(`serve listening after        ${listening} ms`)
  console.log(`all 7 workloads running after ${allRunning ?? 'never'} ms`)
  console.log(`first non-zero frontend → reviews rate after ${firstRate ?? 'never'} ms; first p99 after ${firstP99 ?? 'never'} ms`)

  await new Promise((r) => setTimeout(r, steadySeconds * 1000))
  const status = await result<{ workloads: Workload[]; load: unknown }>(serve, 'demo.status')
  const edge = (await result<{ edges: Edge[] }>(serve, 'topology.get')).edges.find((e) => e.id === frontendToReviews)
  console.log(`after ${steadySeconds} s more: frontend → reviews ${JSON.stringify(edge?.stats)}; load ${JSON.stringify(status.load)}`)
  const serveMb = rssMb(serve.child.pid as number)
  let workloadsMb = 0
  for (const w of status.workloads) {
    if (w.pid === null) continue
    const mb = rssMb(w.pid)
    workloadsMb += mb
    console.log(`  RSS ${w.name.padEnd(12)} ${mb.toFixed(0)} MB`)
  }
  console.log(`RSS serve ${serveMb.toFixed(0)} MB + workloads ${workloadsMb.toFixed(0)} MB = ${(serveMb + workloadsMb).toFixed(0)} MB`)

  const stopAt = Date.now()
  await serve.stop()
  const left = status.workloads.flatMap((w) => (w.pid !== null && alive(w.pid) ? [w.name] : []))
  console.log(`SIGTERM → serve exited after ${Date.now() - stopAt} ms; workloads left running: ${left.length === 0 ? 'none' : left.join(', ')}`)
  rmSync(home, { recursive: true, force: true })
  if (left.length > 0) process.exitCode = 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})

/**
 * How long a big file in the mesh folder stalls the main thread: a mesh folder source (and then a
 * whole control plane) re-reads a folder holding one big file of valid ServiceEntries, while
 * perf_hooks' monitorEventLoopDelay and a 10 ms ticker record the longest stall. A stall is what
 * every API call (and every xDS stream) waits through.
 *
 *   npm run bench:mesh-folder                 # 20 MB and 4 MB files
 *   npm run bench:mesh-folder -- 1 8          # other sizes, in MB
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startDirectorySource } from '../../src/main/mesh/io'
import { startControlPlane } from '../../src/main/xds/io'

const sizesMb = process.argv.slice(2).map(Number).filter((n) => n > 0)

/** Valid ServiceEntries, one document each, up to `bytes` (just under, so a 4 MB file fits a 4 MB limit). */
function serviceEntries(bytes: number): string {
  const parts: string[] = []
  let size = 0
  for (let n = 0; ; n++) {
    const doc =
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: s${n}, namespace: demo }\nspec:\n` +
      `  hosts: [s${n}.demo.svc.cluster.local]\n  location: MESH_INTERNAL\n  ports:\n    - { number: 9080, name: grpc, protocol: GRPC }\n` +
      `  resolution: STATIC\n  workloadSelector:\n    labels: { app: s${n} }\n---\n`
    if (size + doc.length > bytes) break
    parts.push(doc)
    size += doc.length
  }
  return parts.join('')
}

interface Stall {
  maxMs: number
  p99Ms: number
  tickerMaxGapMs: number
  totalMs: number
}

async function measure(work: () => Promise<unknown>): Promise<Stall> {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  let last = performance.now()
  let maxGap = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
  }, 10)
  histogram.enable()
  const started = performance.now()
  await work()
  const totalMs = performance.now() - started
  // A stall at the very end shows only once the loop turns again: let the timers fire first.
  await new Promise((resolve) => setTimeout(resolve, 50))
  histogram.disable()
  clearInterval(ticker)
  return { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, tickerMaxGapMs: maxGap, totalMs }
}

const row = (what: string, s: Stall): string =>
  `${what.padEnd(44)} longest stall ${s.maxMs.toFixed(0).padStart(6)} ms (p99 ${s.p99Ms.toFixed(0)} ms, ticker gap ${s.tickerMaxGapMs.toFixed(0)} ms), reload took ${s.totalMs.toFixed(0)} ms`

async function main(): Promise<void> {
  for (const mb of sizesMb.length > 0 ? sizesMb : [20, 4]) {
    const text = serviceEntries(mb * 1024 * 1024)
    const dir = mkdtempSync(join(tmpdir(), 'meshdeck-bench-folder-'))
    try {
      const source = await startDirectorySource({ dir, onChange: () => undefined, debounceMs: 60_000 })
      writeFileSync(join(dir, 'big.yaml'), text)
      const stall = await measure(() => source.refresh())
      const served = source.current()
      console.log(row(`folder source, ${mb} MB file`, stall), `→ ${served.snapshot.serviceEntries.length} objects, ${served.problems.length} problem(s)`)
      await source.dispose()
      rmSync(join(dir, 'big.yaml'))

      const plane = await startControlPlane({ meshDir: dir, debounceMs: 60_000 })
      writeFileSync(join(dir, 'big.yaml'), text)
      const planeStall = await measure(() => plane.refresh())
      console.log(row(`control plane (+ validate, translate, encode), ${mb} MB`, planeStall), `→ ${plane.snapshot().serviceEntries.length} served`)
      await plane.dispose()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)

/**
 * How long the analysis of a big mesh takes: 1,000 services and 3,000 Istio objects (routes with
 * matches and weights, subsets, workload entries, mTLS and authorization policies, a few planted
 * mistakes), analysed in process (what the app does on every config change) and through the
 * built CLI (what CI runs). Goal: under 1 s for the analysis.
 *
 *   npm run bench:analyze               # 1,000 services
 *   npm run bench:analyze -- 2000       # another size
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { analyzeMesh, countLevels, type AnalysisResult } from '../../src/main/analysis'
import { createSnapshot, parseMeshYaml, type MeshObject } from '../../src/main/mesh'
import { syntheticMesh } from './synthetic-mesh'

const services = Number(process.argv[2] ?? 1000)
const goalMs = 1000
const warmRuns = 5

const ms = (n: number): string => `${Math.round(n)} ms`
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
/** CPU time this process spent since `since` (ms): on a machine shared with other work, wall time also counts the waits for a core. */
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

function main(): void {
  const mesh = syntheticMesh(services)
  let started = performance.now()
  const objects: MeshObject[] = mesh.files.flatMap((f) => parseMeshYaml(f.text, f.name).objects)
  const parseMs = performance.now() - started

  // The first analysis in a fresh process (what one CLI run costs), then the same snapshot warm
  // (what the app costs on each change: its code is compiled by then).
  let result: AnalysisResult | undefined
  started = performance.now()
  let cpu = process.cpuUsage()
  result = analyzeMesh({ snapshot: createSnapshot(1, objects) })
  const coldMs = performance.now() - started
  const coldCpuMs = cpuMs(cpu)
  const warm: number[] = []
  const warmCpu: number[] = []
  for (let i = 0; i < warmRuns; i++) {
    // A new snapshot each time, as a config change brings: nothing resolved for the last one is reused.
    const snapshot = createSnapshot(i + 2, objects)
    started = performance.now()
    cpu = process.cpuUsage()
    result = analyzeMesh({ snapshot })
    warm.push(performance.now() - started)
    warmCpu.push(cpuMs(cpu))
  }
  const counts = countLevels(result.findings)
  const byCode = new Map<string, number>()
  for (const f of result.findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1)

  console.log(`mesh: ${mesh.services} services, ${result.objects} objects in ${mesh.files.length} files (parsed in ${ms(parseMs)})`)
  console.log(`analysis, ${result.analyzers.length} analyzers: first run ${ms(coldMs)}, then median ${ms(median(warm))} of ${warmRuns} (goal < ${ms(goalMs)}) — ${coldMs < goalMs && median(warm) < goalMs ? 'within' : 'OVER'} the goal`)
  console.log(`  CPU time: first run ${ms(coldCpuMs)}, then median ${ms(median(warmCpu))}; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} core(s)`)
  console.log(`findings: ${result.findings.length} (${counts.Error} errors, ${counts.Warning} warnings, ${counts.Info} info): ${[...byCode].map(([code, n]) => `${code}×${n}`).join(', ')}`)

  const cli = join(__dirname, '..', '..', 'bin', 'meshdeck.cjs')
  if (!existsSync(join(__dirname, '..', '..', 'out', 'main', 'cli.js'))) {
    console.log('meshdeck analyze (CLI): not built; run `npm run build` first to time it end to end.')
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'meshdeck-bench-analyze-'))
    try {
      for (const f of mesh.files) writeFileSync(join(dir, f.name), f.text)
      started = performance.now()
      const run = spawnSync(process.execPath, [cli, 'analyze', dir, '-o', 'json', '-v'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      const wallMs = performance.now() - started
      const printed = run.stdout ? (JSON.parse(run.stdout) as unknown[]).length : 0
      console.log(`meshdeck analyze (CLI, files → findings, process start included): ${ms(wallMs)}, exit ${run.status}, ${printed} findings printed`)
      if (run.stderr) console.log(`  ${run.stderr.trim().split('\n')[0]}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  console.log(
    'istioctl analyze side by side: not measured. istioctl cannot be downloaded here (no network beyond the npm and Debian registries), ' +
      'and building it from istio/istio needs Go 1.26 and its modules (this machine has Go 1.19 and no module proxy).',
  )
}

main()

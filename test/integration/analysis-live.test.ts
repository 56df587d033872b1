import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MeshdeckError, type EventPayload } from '@shared/contract'
import { AnalysisService } from '../../src/main/analysis/io'
import { CanaryRuntime } from '../../src/main/canary/io'
import { EdgeLatency } from '../../src/main/traces'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { eventually } from '../support/xds-grpc'
import { destinationRuleYaml, reviewsSplitYaml, serviceEntryYaml, toYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// The analysis, live, on a real control plane reading a real mesh folder: what a person editing the
// folder sees on the Control plane page, and what stops a weight edit on the Canary page.
const folderDebounceMs = 50
const analysisDebounceMs = 100
let meshDir: MeshDir | undefined
let cp: ControlPlane | undefined
let service: AnalysisService | undefined
let dataDir: string | undefined
const target = { namespace: 'demo', name: 'reviews', route: { index: 0 } }

afterEach(async () => {
  service?.dispose()
  await cp?.dispose()
  await meshDir?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  service = cp = meshDir = dataDir = undefined
})

/** reviews with subsets v1 and v2 served by a WorkloadEntry each, and v3 defined with no workload yet. */
function reviewsYaml(): Record<string, unknown>[] {
  return [
    serviceEntryYaml({ name: 'reviews', host: 'reviews.demo.svc.cluster.local', port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: 1001 }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: 1002 }),
    destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2', 'v3'] }),
  ]
}

async function start(): Promise<{ plane: ControlPlane; dir: MeshDir; changes: { at: number; payload: EventPayload<'analysis.changed'> }[]; analysis: AnalysisService }> {
  const dir = (meshDir = await createMeshDir())
  await dir.write('reviews.yaml', reviewsYaml())
  await dir.write('reviews-vs.yaml', reviewsSplitYaml(80))
  const plane = (cp = await startControlPlane({ meshDir: dir.dir, debounceMs: folderDebounceMs }))
  const changes: { at: number; payload: EventPayload<'analysis.changed'> }[] = []
  const analysis = (service = new AnalysisService({ controlPlane: () => plane, debounceMs: analysisDebounceMs, onChanged: (payload) => changes.push({ at: performance.now(), payload }) }))
  await analysis.start()
  return { plane, dir, changes, analysis }
}

const brokenRoute = [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v9' }, weight: 20 }] }]

describe('live findings of the mesh folder the control plane reads', () => {
  it('shows a broken edit as a finding on its file and line within one debounce of the read, before anything is served', async () => {
    const { plane, dir, changes, analysis } = await start()
    // Only the subset v3 without a workload (nothing routes to it yet): Istio's IST0173.
    expect(analysis.findings().findings.map((f) => `${f.level} ${f.code}`)).toEqual(['Error IST0173'])

    const written = performance.now()
    await dir.write('reviews-vs.yaml', [virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: brokenRoute })])
    const change = await eventually(() => changes.find((c) => c.at > written && c.payload.counts.Error > 1), 5000, 'analysis.changed with a second Error')
    const latency = change.at - written
    const state = analysis.findings()
    const finding = state.findings.find((f) => f.code === 'IST0101')
    expect(finding).toMatchObject({
      level: 'Error',
      kind: 'VirtualService',
      namespace: 'demo',
      name: 'reviews',
      file: 'reviews-vs.yaml',
      message: 'Referenced host+subset in destinationrule not found: "reviews+v9"',
    })
    // The subset's own line in the file (the document starts at line 1; its subset v9 is further down).
    expect(readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8').split('\n')[finding!.line! - 1]).toContain('subset: v9')
    // The folder settles for its debounce, then the analysis waits one debounce of its own.
    console.log(`broken edit → analysis.changed in ${latency.toFixed(0)} ms (folder debounce ${folderDebounceMs} ms + analysis debounce ${analysisDebounceMs} ms)`)
    expect(latency).toBeLessThan(folderDebounceMs + analysisDebounceMs + 1000)
    // Validation keeps it back: its last good version keeps serving, so no client is sent it to NACK.
    expect(plane.status().rejected).toContain('VirtualService/demo/reviews')
    expect(plane.snapshot().virtualServices.find((v) => v.name === 'reviews')?.spec.http?.[0]?.route?.map((d) => d.destination?.subset)).toEqual(['v1', 'v2'])

    await dir.write('reviews-vs.yaml', reviewsSplitYaml(70))
    await eventually(() => (analysis.findings().counts.Error === 1 && analysis.findings().state === 'ready' ? true : undefined), 5000, 'the finding to clear')
    expect(analysis.findings().findings.map((f) => f.code)).toEqual(['IST0173'])
  })

  it('reports a file that does not parse on its line, and keeps analysing the rest', async () => {
    const { dir, analysis } = await start()
    await dir.writeText('broken.yaml', 'kind: VirtualService\nmetadata: { name: x\n')
    const read = await eventually(() => analysis.findings().findings.find((f) => f.file === 'broken.yaml'), 5000, 'a finding on broken.yaml')
    expect(read).toMatchObject({ level: 'Error', code: 'MDK0007' })
    expect(read.line).toBeGreaterThan(0)
    expect(analysis.findings().findings.map((f) => f.code)).toContain('IST0173')
  })
})

describe('weight edits are analysed before they are written', () => {
  async function runtime(): Promise<{ canary: CanaryRuntime; dir: MeshDir; analysis: AnalysisService }> {
    const { plane, dir, analysis } = await start()
    dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-analysis-canary-'))
    return { canary: new CanaryRuntime({ controlPlane: () => plane, edges: new EdgeLatency(), dataDir, onRollout: () => undefined, analysis }), dir, analysis }
  }

  it('refuses weights that send traffic to a subset no workload serves, naming the finding, and writes nothing', async () => {
    const { canary, dir } = await runtime()
    const before = readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8')
    const preview = await canary.preview(target, { v1: 50, v2: 25, v3: 25 })
    expect(preview.findings?.map((f) => `${f.level} ${f.code}`)).toEqual(['Error MDK0019'])

    const error = await canary.apply(target, { v1: 50, v2: 25, v3: 25 }).then(
      () => null,
      (err: unknown) => err,
    )
    expect(error).toBeInstanceOf(MeshdeckError)
    expect(error).toMatchObject({ code: 'analysis_blocked', message: expect.stringContaining('Error [MDK0019] on VirtualService demo/reviews') })
    expect((error as MeshdeckError).hint).toContain('Nothing was written.')
    expect(readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8')).toBe(before)
  })

  it('refuses a rollout whose canary no workload serves before its first step', async () => {
    const { canary, dir } = await runtime()
    const before = readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8')
    const plan = { steps: [10, 50], intervalSeconds: 5, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 1 } }
    await expect(canary.start(target, 'v1', 'v3', plan)).rejects.toMatchObject({ code: 'analysis_blocked', message: expect.stringContaining('This rollout (v3 at 10%)') })
    expect(readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8')).toBe(before)
    expect(await canary.list()).toEqual([])
  })

  it('blocks only on an Error the edit adds: never on one already there, nor on a Warning it adds', async () => {
    const { canary, dir, analysis } = await runtime()
    // The Error on v3 (IST0173) is there before and after: it is not this edit's, so it is applied.
    expect(analysis.findings().counts).toEqual({ Error: 1, Warning: 0, Info: 0 })
    expect((await canary.apply(target, { v1: 40, v2: 60, v3: 0 })).outcome).toBe('applied')
    expect(readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8')).toContain('weight: 60')

    // A timeout shorter than its retries is a Warning (MDK0012; retries are MDK0002 for proxyless gRPC): reported, never blocking.
    const slowRetries = toYaml([
      virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ timeout: '1s', retries: { attempts: 3, perTryTimeout: '2s' }, route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }),
    ])
    const check = analysis.checkFileEdit('reviews-vs.yaml', readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8'), slowRetries)
    expect(check?.introduced.map((f) => `${f.level} ${f.code}`).sort()).toEqual(['Warning MDK0002', 'Warning MDK0012'])
    expect(check?.blocking).toEqual([])
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MeshdeckError } from '@shared/contract'
import type { RolloutStateDto } from '@shared/contract/canary'
import { CanaryRuntime } from '../../src/main/canary/io'
import { EdgeLatency } from '../../src/main/traces'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { reviewsSplitYaml, reviewsTwoVersionsYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// A running rollout owns its route: a real control plane watching a real mesh folder, a real
// rollout runner. A hand edit of the file mid-rollout pauses it; canary.apply is refused meanwhile.
let meshDir: MeshDir | undefined
let cp: ControlPlane | undefined
let runtime: CanaryRuntime | undefined
let dataDir: string | undefined
const target = { namespace: 'demo', name: 'reviews', route: { index: 0 } }
// A long step: the rollout sits in "analysing" while the test acts on the route.
const plan = { steps: [20, 100], intervalSeconds: 600, analysis: { maxErrorRate: 0.05, maxP99Ms: 2000, minRequests: 1 } }

afterEach(async () => {
  runtime?.dispose()
  await cp?.dispose()
  await meshDir?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

async function startAnalysing(): Promise<{ updates: RolloutStateDto[]; id: string; dir: MeshDir; latest: () => RolloutStateDto }> {
  const dir = await createMeshDir()
  meshDir = dir
  await dir.write('mesh.yaml', reviewsTwoVersionsYaml({ v1: 50061, v2: 50062 }))
  await dir.write('vs.yaml', reviewsSplitYaml(100))
  // The folder watcher is on, as in the app: an edit is read without anyone calling refresh().
  const plane = await startControlPlane({ meshDir: dir.dir, debounceMs: 20 })
  cp = plane
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-route-owner-'))
  const updates: RolloutStateDto[] = []
  runtime = new CanaryRuntime({ controlPlane: () => plane, edges: new EdgeLatency(), dataDir, onRollout: (s) => updates.push(s) })
  const started = await runtime.start(target, 'v1', 'v2', plan)
  const latest = (): RolloutStateDto => [...updates].reverse().find((u) => u.spec.id === started.spec.id) ?? started
  await until('the first step to be analysed', () => latest().phase === 'analysing')
  return { updates, id: started.spec.id, dir, latest }
}

describe('a running rollout owns its route', () => {
  it('pauses, saying the route was changed outside the rollout, when the mesh file is edited by hand mid-step', async () => {
    const { latest, dir } = await startAnalysing()
    expect(latest().timeline.some((t) => t.what === 'paused')).toBe(false)

    // Someone puts all traffic back on v1 in their editor; the folder watcher reloads the config.
    await dir.write('vs.yaml', reviewsSplitYaml(100))

    await until('the rollout to pause', () => latest().phase === 'paused', 5_000)
    const paused = latest().timeline.at(-1)!
    expect(paused.what).toBe('paused')
    expect(paused.detail).toMatch(/^Paused: the route was changed outside the rollout \(it now has v1 100, v2 0\)\./)
    // Nothing was judged on traffic the rollout did not set.
    expect(latest().timeline.some((t) => t.what === 'passed' || t.what === 'failed')).toBe(false)
  })

  it('does not pause for its own writes: a step written by the rollout is not an outside change', async () => {
    const { latest } = await startAnalysing()
    // Its first step (v1 80, v2 20) went through the same watcher; wait past the debounce and a reload.
    await cp!.refresh()
    await new Promise((r) => setTimeout(r, 300))
    expect(latest().phase).toBe('analysing')
  })

  it('refuses canary.apply on the route with rollout_running while the rollout runs, and allows it once paused', async () => {
    const { id, latest } = await startAnalysing()
    const refused = await runtime!.apply(target, { v1: 100, v2: 0 }).then(
      () => null,
      (err: unknown) => err,
    )
    expect(refused).toBeInstanceOf(MeshdeckError)
    expect((refused as MeshdeckError).code).toBe('rollout_running')
    expect((refused as MeshdeckError).message).toMatch(/owns this route; nothing was written/)
    expect((refused as MeshdeckError).hint).toBe('Rollout in progress — pause or abort it to edit the weights.')
    expect(cp!.snapshot().virtualServices[0]!.spec.http![0]!.route!.map((d) => d.weight)).toEqual([80, 20])

    await runtime!.control(id, 'pause')
    expect(latest().phase).toBe('paused')
    const applied = await runtime!.apply(target, { v1: 90, v2: 10 })
    expect(applied.outcome).toBe('applied')
  })
})

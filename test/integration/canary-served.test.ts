import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MeshdeckError } from '@shared/contract'
import { CanaryRuntime } from '../../src/main/canary/io'
import { EdgeLatency } from '../../src/main/traces'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { destinationRuleYaml, reviewsSplitYaml, reviewsTwoVersionsYaml, toYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// canary.apply on the embedded control plane: the weights are written, and then they must also be
// what the control plane serves, or the person is told why they are not.
let meshDir: MeshDir | undefined
let cp: ControlPlane | undefined
let dataDir: string | undefined
const target = { namespace: 'demo', name: 'reviews', route: { index: 0 } }

afterEach(async () => {
  await cp?.dispose()
  await meshDir?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function start(): Promise<{ runtime: CanaryRuntime; plane: ControlPlane; dir: MeshDir }> {
  const dir = await createMeshDir()
  meshDir = dir
  await dir.write('reviews.yaml', reviewsTwoVersionsYaml({ v1: 1001, v2: 1002 }))
  await dir.write('reviews-vs.yaml', reviewsSplitYaml(80))
  // Only refresh() reads the folder here, as canary.apply does right after its write.
  const plane = await startControlPlane({ meshDir: dir.dir, debounceMs: 60_000 })
  cp = plane
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-canary-served-'))
  const runtime = new CanaryRuntime({ controlPlane: () => plane, edges: new EdgeLatency(), dataDir, onRollout: () => undefined })
  return { runtime, plane, dir }
}

const servedWeights = (plane: ControlPlane): number[] | undefined =>
  plane.snapshot().virtualServices.find((v) => v.name === 'reviews')?.spec.http?.[0]?.route?.map((d) => d.weight ?? 0)

describe('canary.apply on the local mesh folder', () => {
  it('returns once the written weights are served', async () => {
    const { runtime, plane } = await start()
    const result = await runtime.apply(target, { v1: 30, v2: 70 })
    expect(result.outcome).toBe('applied')
    expect(servedWeights(plane)).toEqual([30, 70])
  })

  it('reports an error, naming the reason, when the written weights are not what is served', async () => {
    const { runtime, plane, dir } = await start()
    // Someone has just removed subset v2 from the DestinationRule; the control plane has not read it yet.
    const rule = readFileSync(join(dir.dir, 'reviews.yaml'), 'utf8').replace(toYaml([destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] })]), toYaml([destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1'] })]))
    expect(rule).not.toContain('name: v2')
    writeFileSync(join(dir.dir, 'reviews.yaml'), rule)
    const error = await runtime.apply(target, { v1: 50, v2: 50 }).then(
      () => null,
      (err: unknown) => err,
    )
    // The file holds the new weights, but the VirtualService that names v2 cannot be served.
    expect(readFileSync(join(dir.dir, 'reviews-vs.yaml'), 'utf8')).toContain('weight: 50')
    expect(servedWeights(plane)).not.toEqual([50, 50])
    expect(error).toBeInstanceOf(MeshdeckError)
    expect((error as MeshdeckError).code).toBe('not_served')
    expect((error as MeshdeckError).message).toMatch(/reviews-vs\.yaml now holds v1 50, v2 50, but the control plane .*subset "v2" is not defined/)
    expect((error as MeshdeckError).hint).toMatch(/Traffic has not moved/)
  })
})

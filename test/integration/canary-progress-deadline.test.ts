import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RolloutStateDto } from '@shared/contract/canary'
import { CanaryRuntime } from '../../src/main/canary/io'
import { EdgeLatency } from '../../src/main/traces'
import { maxNackMessageBytes, typeUrls } from '../../src/main/xds'
import { startControlPlane, type ControlPlane, type ControlPlaneEvent } from '../../src/main/xds/io'
import { reviewsSplitYaml, reviewsTwoVersionsYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'
import { openRawAds, type RawAds } from '../support/xds-raw-ads'

// A real control plane on a mesh folder, a real rollout runner, and raw ADS clients that behave
// as no good client does: one subscribes and never ACKs, one NACKs with a 100 kB error text.
let meshDir: MeshDir
let dataDir: string
let cp: ControlPlane
let canary: CanaryRuntime
const streams: RawAds[] = []
const updates: RolloutStateDto[] = []
const events: ControlPlaneEvent[] = []
const target = { namespace: 'demo', name: 'reviews', route: { index: 0 } }
const routeNames = ['reviews.demo.svc.cluster.local:9080']
const analysis = { maxErrorRate: 0.05, maxP99Ms: 2000, minRequests: 1 }

const latest = (id: string): RolloutStateDto | undefined => [...updates].reverse().find((u) => u.spec.id === id)
async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
const weights = (): Record<string, number> => Object.fromEntries(canary.targets()[0]!.destinations.map((d) => [d.key, d.weight]))

/** A client that ACKs every response it gets, as grpc-js-xds does. */
function ackingClient(nodeId: string): RawAds {
  const ads = openRawAds(cp.address, nodeId)
  streams.push(ads)
  ads.send({ type_url: typeUrls.RDS, resource_names: routeNames })
  void (async () => {
    for (;;) {
      const response = await ads.next()
      ads.send({ type_url: typeUrls.RDS, resource_names: routeNames, response_nonce: response.nonce, version_info: response.version_info })
    }
  })()
  return ads
}

beforeAll(async () => {
  meshDir = await createMeshDir()
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-deadline-'))
  await meshDir.write('mesh.yaml', reviewsTwoVersionsYaml({ v1: 50051, v2: 50052 }))
  await meshDir.write('vs.yaml', reviewsSplitYaml(100))
  cp = await startControlPlane({ meshDir: meshDir.dir, debounceMs: 20 })
  cp.onEvent((event) => events.push(event))
  canary = new CanaryRuntime({ controlPlane: () => cp, edges: new EdgeLatency(), dataDir, onRollout: (s) => updates.push(s) })
  ackingClient('acks-fine')
})

afterAll(async () => {
  canary?.dispose()
  for (const stream of streams) stream.close()
  await cp?.dispose()
  await meshDir?.dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a rollout step never waits forever', () => {
  let silent: RawAds

  it('pauses past the progress deadline, naming the client that subscribed and never ACKed', async () => {
    silent = openRawAds(cp.address, 'never-acks')
    streams.push(silent)
    silent.send({ type_url: typeUrls.RDS, resource_names: routeNames })
    await silent.next() // it has the config, and never says so
    const started = await canary.start(target, 'v1', 'v2', { steps: [50, 100], intervalSeconds: 1, analysis, progressDeadlineSeconds: 2 })
    expect(started.phase).toBe('applying')
    await until('the deadline pause', () => latest(started.spec.id)?.phase === 'paused')
    const paused = latest(started.spec.id)!
    expect(paused.timeline.at(-1)).toMatchObject({ what: 'paused', detail: 'Paused: No ACK within the 2 s progress deadline from never-acks.' })
    expect(paused.timeline.some((t) => t.what === 'acked')).toBe(false)
    // It paused after the deadline, not before.
    expect(paused.timeline.at(-1)!.at - paused.timeline[0]!.at).toBeGreaterThanOrEqual(2000)
    expect(weights()).toEqual({ v1: 50, v2: 50 })
    await canary.control(started.spec.id, 'abort')
    expect(weights()).toEqual({ v1: 100, v2: 0 })
  })

  it('rolls back instead when the plan says so, with the deadline as the failure', async () => {
    const started = await canary.start(target, 'v1', 'v2', { steps: [50, 100], intervalSeconds: 1, analysis, progressDeadlineSeconds: 1, onProgressDeadline: 'rollback' })
    await until('the deadline rollback', () => latest(started.spec.id)?.phase === 'rolledBack')
    const final = latest(started.spec.id)!
    expect(final.failure).toMatchObject({ metric: 'progressDeadline', threshold: 1, message: 'No ACK within the 1 s progress deadline from never-acks.' })
    // The state is saved (and announced) before its weights are written.
    await until('the stable weights written back', () => weights().v1 === 100)
    expect(weights()).toEqual({ v1: 100, v2: 0 })
  })

  it('keeps a NACK of 100 kB as 4 KiB that says it was cut, in client status, events and the paused rollout', async () => {
    silent?.close()
    const nacking = openRawAds(cp.address, 'nacks-long')
    streams.push(nacking)
    nacking.send({ type_url: typeUrls.RDS, resource_names: routeNames })
    const first = await nacking.next()
    nacking.send({ type_url: typeUrls.RDS, resource_names: routeNames, response_nonce: first.nonce, version_info: first.version_info })
    const started = await canary.start(target, 'v1', 'v2', { steps: [50, 100], intervalSeconds: 1, analysis })
    const push = await nacking.next()
    nacking.send({ type_url: typeUrls.RDS, resource_names: routeNames, response_nonce: push.nonce, error_detail: { code: 3, message: 'é'.repeat(50_000) } })
    await until('the NACK pause', () => latest(started.spec.id)?.phase === 'paused')

    const cut = ' … [cut: the client sent 100000 bytes]'
    const kept = cp.clients().find((c) => c.nodeId === 'nacks-long')!.types.find((t) => t.type === 'RDS')!.nack!.message
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(maxNackMessageBytes)
    expect(kept.endsWith(cut)).toBe(true)
    expect(kept.startsWith('éé')).toBe(true)
    expect(kept).not.toContain('\uFFFD')
    const event = events.find((e) => e.kind === 'nacked' && e.nodeId === 'nacks-long')
    expect(event && 'message' in event ? event.message : '').toBe(kept)
    expect(latest(started.spec.id)!.timeline.at(-1)!.detail).toBe(`Paused: nacks-long rejected RDS: ${kept}`)
    await canary.control(started.spec.id, 'abort')
  })
})

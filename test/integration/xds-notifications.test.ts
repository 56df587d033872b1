import type { EventPayload } from '@shared/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typeUrls } from '../../src/main/xds'
import { ControlPlaneService } from '../../src/main/xds/io'
import { eventually } from '../support/xds-grpc'
import { serviceEntryYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'
import { openRawAds, type RawAds } from '../support/xds-raw-ads'

// What the renderer hears when many clients act at once: every ACK or NACK must not become a
// renderer event (each one makes the Control plane page re-read the whole client list).
let meshDir: MeshDir
let service: ControlPlaneService
const nacks: EventPayload<'controlPlane.clientNacked'>[] = []
const changes: EventPayload<'controlPlane.changed'>[] = []
const streams: RawAds[] = []

beforeAll(async () => {
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [serviceEntryYaml({ name: 'reviews', host: 'reviews.demo', port: 9080 }), workloadEntryYaml({ name: 'r1', app: 'reviews', port: 50051 })])
  service = new ControlPlaneService({ meshDir: meshDir.dir }, { changed: (p) => changes.push(p), clientNacked: (p) => nacks.push(p), sourceChanged: () => undefined, statusChanged: () => undefined })
  await service.start()
})

afterAll(async () => {
  for (const stream of streams) stream.close()
  await service?.dispose()
  await meshDir?.dispose()
})

describe('control plane notifications', () => {
  it('turn 30 NACKs of one push into the first at once and a few more, while the client list has every one', async () => {
    const plane = service.running()
    const count = 30
    for (let i = 0; i < count; i++) streams.push(openRawAds(plane.address, `nacker-${i}`))
    for (const ads of streams) ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'] })
    const responses = await Promise.all(streams.map((ads) => ads.next()))
    changes.length = 0
    streams.forEach((ads, i) => ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'], response_nonce: responses[i]?.nonce, error_detail: { code: 3, message: `client ${i} says no` } }))
    await eventually(() => (service.status().byStatus.NACKED === count ? true : undefined), 5000, `${count} streams NACKED`)
    expect(nacks.length).toBeGreaterThanOrEqual(1)
    expect(nacks[0]).toMatchObject({ type: 'LDS', message: expect.stringMatching(/^client \d+ says no$/) })
    await new Promise((resolve) => setTimeout(resolve, 700))
    // All 30 arrive within a window or two: the first, then at most one per 250 ms window.
    expect(nacks.length).toBeLessThanOrEqual(4)
    expect(changes.length).toBeLessThanOrEqual(4)
    expect(changes.at(-1)).toMatchObject({ streams: count })
    expect(plane.clients().filter((c) => c.types.find((t) => t.type === 'LDS')?.status === 'NACKED')).toHaveLength(count)
  })
})

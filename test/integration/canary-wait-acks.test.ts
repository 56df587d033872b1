import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitForClientAcks } from '../../src/main/canary/io/local-environment'
import { typeUrls } from '../../src/main/xds'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'
import { openRawAds, type RawAds } from '../support/xds-raw-ads'

// A rollout step waits on the real control plane for raw ADS clients that ACK or NACK on cue.
let meshDir: MeshDir
let cp: ControlPlane
const streams: RawAds[] = []
const route = (timeout: string) => [virtualServiceYaml({ name: 'reviews', hosts: ['reviews.demo'], http: [{ route: [{ destination: { host: 'reviews.demo' } }], timeout }] })]
const names = ['reviews.demo:9080']

beforeAll(async () => {
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [serviceEntryYaml({ name: 'reviews', host: 'reviews.demo', port: 9080 }), workloadEntryYaml({ name: 'r1', app: 'reviews', port: 50051 })])
  await meshDir.write('vs.yaml', route('1s'))
  cp = await startControlPlane({ meshDir: meshDir.dir })
})

afterAll(async () => {
  for (const stream of streams) stream.close()
  await cp?.dispose()
  await meshDir?.dispose()
})

async function subscribed(nodeId: string): Promise<RawAds> {
  const ads = openRawAds(cp.address, nodeId)
  streams.push(ads)
  ads.send({ type_url: typeUrls.RDS, resource_names: names })
  const first = await ads.next()
  ads.send({ type_url: typeUrls.RDS, resource_names: names, response_nonce: first.nonce, version_info: first.version_info })
  return ads
}

describe('waiting for a rollout step’s ACKs on the embedded control plane', () => {
  it('waits while a client is STALE, resolves when it ACKs, and ends with the words of a NACK', async () => {
    const [a, b] = [await subscribed('wait-a'), await subscribed('wait-b')]
    await meshDir.write('vs.yaml', route('2s'))
    await cp.refresh()
    const [pushA, pushB] = await Promise.all([a.next(), b.next()])
    let settled = false
    const waiting = waitForClientAcks(cp, new AbortController().signal, 10).then(() => void (settled = true))
    a.send({ type_url: typeUrls.RDS, resource_names: names, response_nonce: pushA.nonce, version_info: pushA.version_info })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(settled).toBe(false) // b has not ACKed yet
    b.send({ type_url: typeUrls.RDS, resource_names: names, response_nonce: pushB.nonce, version_info: pushB.version_info })
    await waiting
    expect(settled).toBe(true)

    await meshDir.write('vs.yaml', route('3s'))
    await cp.refresh()
    const [nextA, nextB] = await Promise.all([a.next(), b.next()])
    const rejected = waitForClientAcks(cp, new AbortController().signal, 10)
    a.send({ type_url: typeUrls.RDS, resource_names: names, response_nonce: nextA.nonce, version_info: nextA.version_info })
    b.send({ type_url: typeUrls.RDS, resource_names: names, response_nonce: nextB.nonce, error_detail: { code: 3, message: 'b cannot take a 3 s timeout' } })
    await expect(rejected).rejects.toThrow('wait-b rejected RDS: b cannot take a 3 s timeout')
  })
})

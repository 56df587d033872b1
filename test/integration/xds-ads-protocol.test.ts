import { credentials, makeGenericClientConstructor, type ClientDuplexStream } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlPlane, type ControlPlane, typeUrls } from '../../src/main/xds'
import type { DiscoveryRequest, DiscoveryResponse } from '../../src/main/xds/ads-server'
import { xdsServices } from '../../src/main/xds/protos'
import { eventually } from '../support/xds-grpc'
import { serviceEntryYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// The ADS protocol edges a well-behaved grpc-js-xds client never shows (no ACK, stale nonces,
// wildcard), driven by a plain grpc-js client speaking ADS over the same Envoy protos.
let meshDir: MeshDir
let cp: ControlPlane
const streams: ClientDuplexStream<Partial<DiscoveryRequest>, DiscoveryResponse>[] = []

interface RawAds {
  send(request: Partial<DiscoveryRequest>): void
  next(): Promise<DiscoveryResponse>
  /** Resolves false if nothing arrives within ms. */
  nothingWithin(ms: number): Promise<boolean>
}

function rawAds(nodeId: string): RawAds {
  const Client = makeGenericClientConstructor(xdsServices().ads, 'AggregatedDiscoveryService')
  const client = new Client(cp.address, credentials.createInsecure())
  const stream = (client as unknown as { StreamAggregatedResources(): ClientDuplexStream<Partial<DiscoveryRequest>, DiscoveryResponse> }).StreamAggregatedResources()
  streams.push(stream)
  const queue: DiscoveryResponse[] = []
  const waiters: ((r: DiscoveryResponse) => void)[] = []
  stream.on('data', (response: DiscoveryResponse) => (waiters.length > 0 ? waiters.shift()?.(response) : queue.push(response)))
  stream.on('error', () => undefined)
  let first = true
  return {
    send: (request) => {
      stream.write({ version_info: '', resource_names: [], response_nonce: '', ...request, ...(first ? { node: { id: nodeId, cluster: 'raw', locality: { region: '', zone: '', sub_zone: '' } } as DiscoveryRequest['node'] } : {}) })
      first = false
    },
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift() as DiscoveryResponse) : new Promise((resolve) => waiters.push(resolve))),
    nothingWithin: (ms) =>
      new Promise((resolve) => {
        if (queue.length > 0) return resolve(false)
        const waiter = (r: DiscoveryResponse): void => {
          clearTimeout(timer)
          queue.push(r)
          resolve(false)
        }
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          resolve(true)
        }, ms)
        waiters.push(waiter)
      }),
  }
}

function status(nodeId: string, type: string) {
  return cp.clients().find((c) => c.nodeId === nodeId)?.types.find((t) => t.type === type)
}

beforeAll(async () => {
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [serviceEntryYaml({ name: 'reviews', host: 'reviews.demo', port: 9080 }), workloadEntryYaml({ name: 'r1', app: 'reviews', port: 50051 })])
  cp = await startControlPlane({ meshDir: meshDir.dir })
})

afterAll(async () => {
  for (const stream of streams) stream.cancel()
  await cp?.dispose()
  await meshDir?.dispose()
})

describe('ADS protocol', () => {
  it('is STALE until ACKed, NACKED with the text on error_detail, and ignores replies to old nonces', async () => {
    const ads = rawAds('raw-1')
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'] })
    const first = await ads.next()
    expect(first.resources).toHaveLength(1)
    await eventually(() => (status('raw-1', 'LDS')?.status === 'STALE' ? true : undefined))
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'], response_nonce: first.nonce, error_detail: { code: 3, message: 'listener looks wrong to me' } })
    await eventually(() => (status('raw-1', 'LDS')?.status === 'NACKED' ? true : undefined))
    expect(status('raw-1', 'LDS')?.nack).toMatchObject({ version: first.version_info, message: 'listener looks wrong to me' })
    // The same content is not resent after a NACK.
    expect(await ads.nothingWithin(300)).toBe(true)
    // Subscribing to one more name gets a fresh response; an ACK of the old nonce is ignored.
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080', 'reviews.demo:9080'], response_nonce: first.nonce, version_info: first.version_info })
    const second = await ads.next()
    expect(second.resources).toHaveLength(2)
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080', 'reviews.demo:9080'], response_nonce: first.nonce, version_info: first.version_info })
    expect(await ads.nothingWithin(200)).toBe(true)
    expect(status('raw-1', 'LDS')?.status).not.toBe('SYNCED')
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080', 'reviews.demo:9080'], response_nonce: second.nonce, version_info: second.version_info })
    await eventually(() => (status('raw-1', 'LDS')?.status === 'SYNCED' ? true : undefined))
    expect(await ads.nothingWithin(200)).toBe(true)
  })

  it('answers a first empty LDS/CDS request with everything (legacy wildcard)', async () => {
    const ads = rawAds('raw-2')
    ads.send({ type_url: typeUrls.CDS })
    const response = await ads.next()
    expect(response.type_url).toBe(typeUrls.CDS)
    expect(response.resources.length).toBe(1)
    expect(status('raw-2', 'CDS')?.subscribed).toEqual(['*'])
  })

  it('answers a subscription to names that do not exist with an empty response at once', async () => {
    const ads = rawAds('raw-3')
    ads.send({ type_url: typeUrls.LDS, resource_names: ['nope:1'] })
    const response = await ads.next()
    expect(response.resources).toEqual([])
  })
})

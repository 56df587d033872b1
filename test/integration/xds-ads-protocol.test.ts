import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typeUrls } from '../../src/main/xds'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { eventually } from '../support/xds-grpc'
import { serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'
import { openRawAds, type RawAds } from '../support/xds-raw-ads'

// The ADS protocol edges a well-behaved grpc-js-xds client never shows (no ACK, stale nonces,
// wildcard), driven by a plain grpc-js client speaking ADS over the same Envoy protos.
let meshDir: MeshDir
let cp: ControlPlane
const streams: RawAds[] = []
const rawAds = (nodeId: string): RawAds => {
  const ads = openRawAds(cp.address, nodeId)
  streams.push(ads)
  return ads
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
  for (const stream of streams) stream.close()
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

  it('answers a first empty LDS/CDS request with everything (legacy wildcard), and an ACK with no names keeps it', async () => {
    const ads = rawAds('raw-2')
    ads.send({ type_url: typeUrls.CDS })
    const response = await ads.next()
    expect(response.type_url).toBe(typeUrls.CDS)
    expect(response.resources.length).toBe(1)
    expect(status('raw-2', 'CDS')?.subscribed).toEqual(['*'])
    // A legacy client ACKs with an empty list again: still everything, and nothing is re-sent.
    ads.send({ type_url: typeUrls.CDS, response_nonce: response.nonce, version_info: response.version_info })
    await eventually(() => (status('raw-2', 'CDS')?.status === 'SYNCED' ? true : undefined))
    expect(status('raw-2', 'CDS')?.subscribed).toEqual(['*'])
    expect(await ads.nothingWithin(200)).toBe(true)
  })

  it('sends streams with the same subscriptions byte-identical responses, and keeps each stream’s ACK and NACK its own', async () => {
    const [a, b] = [rawAds('shared-a'), rawAds('shared-b')]
    a.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'] })
    b.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'] })
    const [fromA, fromB] = await Promise.all([a.next(), b.next()])
    expect(fromA.resources).toHaveLength(1)
    expect(fromB.bytes.equals(fromA.bytes)).toBe(true)
    expect(fromB.nonce).toBe(fromA.nonce)
    // One stream rejects what both were sent; the other accepts it.
    a.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'], response_nonce: fromA.nonce, error_detail: { code: 3, message: 'a does not like it' } })
    b.send({ type_url: typeUrls.LDS, resource_names: ['reviews:9080'], response_nonce: fromB.nonce, version_info: fromB.version_info })
    await eventually(() => (status('shared-a', 'LDS')?.status === 'NACKED' && status('shared-b', 'LDS')?.status === 'SYNCED' ? true : undefined), 5000, 'a NACKED, b SYNCED')
    expect(status('shared-b', 'LDS')?.nack).toBeNull()
    expect(status('shared-a', 'LDS')?.nack?.message).toBe('a does not like it')
  })

  it('ignores an ACK of the previous version’s nonce after a push, on each stream', async () => {
    const [a, b] = [rawAds('stale-a'), rawAds('stale-b')]
    for (const ads of [a, b]) ads.send({ type_url: typeUrls.RDS, resource_names: ['reviews.demo:9080'] })
    const [firstA, firstB] = await Promise.all([a.next(), b.next()])
    for (const [ads, first] of [[a, firstA], [b, firstB]] as const) ads.send({ type_url: typeUrls.RDS, resource_names: ['reviews.demo:9080'], response_nonce: first.nonce, version_info: first.version_info })
    await eventually(() => (status('stale-a', 'RDS')?.status === 'SYNCED' && status('stale-b', 'RDS')?.status === 'SYNCED' ? true : undefined))
    // A route change: both are sent the new RouteConfiguration, the same bytes.
    await meshDir.write('vs.yaml', [virtualServiceYaml({ name: 'reviews', hosts: ['reviews.demo'], http: [{ route: [{ destination: { host: 'reviews.demo' } }], timeout: '3s' }] })])
    await cp.refresh()
    const [secondA, secondB] = await Promise.all([a.next(), b.next()])
    expect(secondA.nonce).not.toBe(firstA.nonce)
    expect(secondB.bytes.equals(secondA.bytes)).toBe(true)
    // a answers late, still about the first response: stale, so a stays STALE; b ACKs the new one.
    a.send({ type_url: typeUrls.RDS, resource_names: ['reviews.demo:9080'], response_nonce: firstA.nonce, version_info: firstA.version_info })
    b.send({ type_url: typeUrls.RDS, resource_names: ['reviews.demo:9080'], response_nonce: secondB.nonce, version_info: secondB.version_info })
    await eventually(() => (status('stale-b', 'RDS')?.status === 'SYNCED' ? true : undefined))
    expect(status('stale-a', 'RDS')).toMatchObject({ status: 'STALE', ackedVersion: firstA.version_info })
    a.send({ type_url: typeUrls.RDS, resource_names: ['reviews.demo:9080'], response_nonce: secondA.nonce, version_info: secondA.version_info })
    await eventually(() => (status('stale-a', 'RDS')?.status === 'SYNCED' ? true : undefined))
  })

  it('answers a subscription to names that do not exist with an empty response at once', async () => {
    const ads = rawAds('raw-3')
    ads.send({ type_url: typeUrls.LDS, resource_names: ['nope:1'] })
    const response = await ads.next()
    expect(response.resources).toEqual([])
  })

  it('shows a client that ACKed but asks for names not served as NOT SERVED, with the names, until they are', async () => {
    const ads = rawAds('raw-4')
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews.demo:9080', 'ratings.demo:9080'] })
    const first = await ads.next()
    expect(first.resources).toHaveLength(1)
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews.demo:9080', 'ratings.demo:9080'], response_nonce: first.nonce, version_info: first.version_info })
    await eventually(() => (status('raw-4', 'LDS')?.status === 'NOT SERVED' ? true : undefined), 5000, 'NOT SERVED')
    expect(status('raw-4', 'LDS')?.notServed).toEqual(['ratings.demo:9080'])
    expect(cp.status().byStatus['NOT SERVED']).toBeGreaterThanOrEqual(1)
    // The service appears: the response carries both, and once ACKed the client is SYNCED.
    await meshDir.write('ratings.yaml', [serviceEntryYaml({ name: 'ratings', host: 'ratings.demo', port: 9080 }), workloadEntryYaml({ name: 'ra1', app: 'ratings', port: 50052 })])
    await cp.refresh()
    const second = await ads.next()
    expect(second.resources).toHaveLength(2)
    ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews.demo:9080', 'ratings.demo:9080'], response_nonce: second.nonce, version_info: second.version_info })
    await eventually(() => (status('raw-4', 'LDS')?.status === 'SYNCED' ? true : undefined), 5000, 'SYNCED')
    expect(status('raw-4', 'LDS')?.notServed).toEqual([])
  })
})

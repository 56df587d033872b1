import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml } from '../../src/main/mesh'
import { translate } from '../../src/main/xds'
import { SnapshotEncoder } from '../../src/main/xds/io/encoded-snapshot'
import { decodeResource, xdsServices } from '../../src/main/xds/io/protos'
import { ResponseCache } from '../../src/main/xds/io/response-cache'
import { typeUrls } from '../../src/main/xds/resource-types'
import { destinationRuleYaml, serviceEntryYaml, toYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'

const reviews = 'reviews.demo.svc.cluster.local'
const ratings = 'ratings.demo.svc.cluster.local'
const route = `${reviews}:9080`

function resources(v1Weight: number) {
  const docs = [
    serviceEntryYaml({ name: 'reviews', host: reviews, port: 9080 }),
    serviceEntryYaml({ name: 'ratings', host: ratings, port: 9081 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: 1 }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: 2 }),
    workloadEntryYaml({ name: 'ratings-1', app: 'ratings', port: 3 }),
    destinationRuleYaml({ name: 'reviews', host: reviews, subsets: ['v1', 'v2'] }),
    virtualServiceYaml({ name: 'reviews', hosts: [reviews], http: [{ route: [{ destination: { host: reviews, subset: 'v1' }, weight: v1Weight }, { destination: { host: reviews, subset: 'v2' }, weight: 100 - v1Weight }] }] }),
  ]
  return translate(createSnapshot(1, parseMeshYaml(toYaml(docs), 'm.yaml').objects))
}

/** What a client's proto-loader makes of the bytes: the same deserialiser grpc-js-xds uses. */
function decodeResponse(bytes: Buffer): { version_info: string; type_url: string; nonce: string; resources: { type_url: string; value: Buffer }[] } {
  return xdsServices().ads.StreamAggregatedResources?.responseDeserialize(bytes) as ReturnType<typeof decodeResponse>
}

function cacheAt(version: string, v1Weight: number, encoder = new SnapshotEncoder(), cache = new ResponseCache()): ResponseCache {
  cache.setSnapshot(encoder.encode(version, resources(v1Weight)))
  return cache
}

describe('ResponseCache', () => {
  it('gives streams with the same names (in any order) one subscription and one response, byte for byte', () => {
    const cache = cacheAt('1', 20)
    const names = [route, `${ratings}:9081`]
    const a = cache.acquire('RDS', names)
    const b = cache.acquire('RDS', [...names].reverse())
    expect(b).toBe(a)
    expect(cache.size()).toBe(1)
    const response = cache.response(a)
    expect(cache.response(b)).toBe(response)
    expect(response.bytes).toBe(cache.response(b).bytes)
    const decoded = decodeResponse(response.bytes)
    expect(decoded).toMatchObject({ version_info: '1', type_url: typeUrls.RDS, nonce: response.nonce })
    expect(decoded.resources.map((r) => (decodeResource(r.type_url, r.value) as { name: string }).name)).toEqual([`${ratings}:9081`, route])
  })

  it('gives different names their own response and nonce', () => {
    const cache = cacheAt('1', 20)
    const one = cache.response(cache.acquire('RDS', [route]))
    const two = cache.response(cache.acquire('RDS', [route, `${ratings}:9081`]))
    expect(two).not.toBe(one)
    expect(two.nonce).not.toBe(one.nonce)
    expect(two.fingerprint).not.toBe(one.fingerprint)
  })

  it('keeps the same fingerprint string across versions when a subscription’s content did not change', () => {
    const encoder = new SnapshotEncoder()
    const cache = cacheAt('1', 20, encoder)
    const rds = cache.acquire('RDS', [route])
    const cds = cache.acquire('CDS', null)
    const [rds1, cds1] = [cache.response(rds), cache.response(cds)]
    cacheAt('2', 30, encoder, cache)
    const [rds2, cds2] = [cache.response(rds), cache.response(cds)]
    // The route changed: new content, new nonce.
    expect(rds2.fingerprint).not.toBe(rds1.fingerprint)
    expect(rds2.nonce).not.toBe(rds1.nonce)
    // The clusters did not: a new response for version 2, but the identical fingerprint, so a
    // stream that has version 1's clusters is sent nothing.
    expect(cds2).not.toBe(cds1)
    expect(cds2.version).toBe('2')
    expect(Object.is(cds2.fingerprint, cds1.fingerprint)).toBe(true)
    expect(cds2.resources.map((r) => r.name)).toEqual([...cds2.resources.map((r) => r.name)].sort())
  })

  it('compares a request’s names without caring for order or repeats, and keeps the wildcard for empty lists', () => {
    const cache = cacheAt('1', 20)
    const sub = cache.acquire('LDS', ['b', 'a'])
    expect(ResponseCache.sameNames(sub, ['a', 'b'])).toBe(true)
    expect(ResponseCache.sameNames(sub, ['a', 'b', 'a'])).toBe(true)
    expect(ResponseCache.sameNames(sub, ['a'])).toBe(false)
    expect(ResponseCache.sameNames(sub, ['a', 'a'])).toBe(false)
    expect(ResponseCache.sameNames(sub, ['a', 'b', 'c'])).toBe(false)
    expect(ResponseCache.sameNames(sub, [])).toBe(false)
    const wildcard = cache.acquire('CDS', null)
    expect(ResponseCache.sameNames(wildcard, [])).toBe(true)
    expect(ResponseCache.sameNames(wildcard, ['x'])).toBe(false)
  })

  it('forgets a subscription when its last stream lets go', () => {
    const cache = cacheAt('1', 20)
    const first = cache.acquire('EDS', ['x'])
    cache.acquire('EDS', ['x'])
    cache.release(first)
    expect(cache.size()).toBe(1)
    cache.release(first)
    expect(cache.size()).toBe(0)
    expect(() => cache.response(first)).toThrow(/released/)
    expect(cache.acquire('EDS', ['x'])).not.toBe(first)
  })
})

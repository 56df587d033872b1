import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml } from '../../src/main/mesh'
import { translate } from '../../src/main/xds'
import { SnapshotEncoder } from '../../src/main/xds/io/encoded-snapshot'
import { decodeResource } from '../../src/main/xds/io/protos'
import { serviceEntryYaml, toYaml, virtualServiceYaml, workloadEntryYaml, destinationRuleYaml } from '../support/xds-mesh-fixtures'

const host = 'reviews.demo.svc.cluster.local'
function resources(v1Weight: number) {
  const docs = [
    serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: 1 }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: 2 }),
    destinationRuleYaml({ name: 'reviews', host, subsets: ['v1', 'v2'] }),
    virtualServiceYaml({ name: 'reviews', hosts: [host], http: [{ route: [{ destination: { host, subset: 'v1' }, weight: v1Weight }, { destination: { host, subset: 'v2' }, weight: 100 - v1Weight }] }] }),
  ]
  return translate(createSnapshot(1, parseMeshYaml(toYaml(docs), 'm.yaml').objects))
}

describe('SnapshotEncoder', () => {
  it('encodes a resource once and re-encodes only what changed', () => {
    const encoder = new SnapshotEncoder()
    const first = encoder.encode('1', resources(20))
    const total = ['LDS', 'RDS', 'CDS', 'EDS'].reduce((sum, t) => sum + first.resources[t as 'LDS'].size, 0)
    expect(encoder.lastEncodedCount).toBe(total)
    const second = encoder.encode('2', resources(30))
    expect(encoder.lastEncodedCount).toBe(1) // the one RouteConfiguration
    expect(second.resources.RDS.get(`${host}:9080`)?.hash).not.toBe(first.resources.RDS.get(`${host}:9080`)?.hash)
    // Unchanged resources are the very same encoded objects, shared by every client.
    expect(second.resources.CDS.get(`outbound|9080|v1|${host}`)).toBe(first.resources.CDS.get(`outbound|9080|v1|${host}`))
  })

  it('encodes what the config dump shows', () => {
    const encoded = new SnapshotEncoder().encode('1', resources(20))
    const route = encoded.resources.RDS.get(`${host}:9080`)
    const decoded = decodeResource(route?.any.type_url ?? '', route?.any.value ?? new Uint8Array()) as { virtual_hosts: { routes: { route: { weighted_clusters: { clusters: { weight: { value: number } }[] } } }[] }[] }
    expect(decoded.virtual_hosts[0]?.routes[0]?.route.weighted_clusters.clusters.map((c) => c.weight.value)).toEqual([20, 80])
  })
})

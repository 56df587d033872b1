import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { callMany, eventually, startBackend, xdsClient, type Backend, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// Load reports (LRS) from real grpc-js-xds clients to the real control plane.
const host = 'reviews.demo.svc.cluster.local'
let meshDir: MeshDir
let cp: ControlPlane
let good: Backend
let flaky: Backend
let client: XdsTestClient

beforeAll(async () => {
  ;[good, flaky] = await Promise.all([startBackend({ name: 'v1' }), startBackend({ name: 'v2', failFirstAttempt: true })])
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [
    serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: good.port }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: flaky.port }),
    destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] }),
    virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 50 }] }] }),
  ])
  cp = await startControlPlane({ meshDir: meshDir.dir, loadReportIntervalMs: 500 })
  client = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'productpage-1' }))
})

afterAll(async () => {
  client?.close()
  await cp?.dispose()
  await Promise.all([good, flaky].map((b) => b?.dispose()))
  await meshDir?.dispose()
})

describe('load reports', () => {
  it('gives request and error rates per subset, as the callers saw them', async () => {
    await callMany(client, 400, 10)
    const loads = await eventually(() => {
      const all = cp.loadStats()
      const issued = all.reduce((sum, l) => sum + l.requestRate, 0)
      return all.length === 2 && issued > 0 ? all : undefined
    }, 5000, 'load reports for both subsets')
    const v1 = loads.find((l) => l.subset === 'v1')
    const v2 = loads.find((l) => l.subset === 'v2')
    expect(v1).toMatchObject({ host, port: 9080, errorRate: 0, callers: ['productpage-1'] })
    // v2 fails every call (each request id is new): the callers report all of them as errors.
    expect(v2?.errorRate).toBe(1)
    expect(v1?.requestRate).toBeGreaterThan(0)
  })
})

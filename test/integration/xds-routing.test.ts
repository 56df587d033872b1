import { status } from '@grpc/grpc-js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { callMany, countBy, eventually, startBackend, xdsClient, type Backend, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// Real parts only: a real control plane on loopback, real grpc-js servers, real grpc-js-xds clients.
const host = 'reviews.demo.svc.cluster.local'
let meshDir: MeshDir
let cp: ControlPlane
let v1: Backend
let v2: Backend
let flaky: Backend
const clients: XdsTestClient[] = []
let nodeCounter = 0

function client(target = 'reviews:9080'): XdsTestClient {
  const c = xdsClient(target, cp.bootstrap({ nodeId: `routing-${++nodeCounter}`, cluster: 'test' }))
  clients.push(c)
  return c
}

function baseDocs(): Record<string, unknown>[] {
  return [
    serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: v1.port }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: v2.port }),
    workloadEntryYaml({ name: 'reviews-flaky', app: 'reviews', version: 'flaky', port: flaky.port }),
    destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2', 'flaky'] }),
  ]
}

async function applyRoutes(http: Record<string, unknown>[]): Promise<void> {
  const before = cp.status().servedVersion
  await meshDir.write('reviews-vs.yaml', [virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http })])
  await eventually(() => (cp.status().servedVersion > before ? true : undefined), 5000, 'the new config to be served')
}

beforeAll(async () => {
  ;[v1, v2, flaky] = await Promise.all([startBackend({ name: 'v1' }), startBackend({ name: 'v2' }), startBackend({ name: 'flaky', failFirstAttempt: true })])
  meshDir = await createMeshDir()
  await meshDir.write('reviews.yaml', baseDocs())
  cp = await startControlPlane({ meshDir: meshDir.dir })
  expect(cp.status().problems).toEqual([])
})

afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

afterAll(async () => {
  await cp?.dispose()
  await Promise.all([v1, v2, flaky].map((b) => b?.dispose()))
  await meshDir?.dispose()
})

describe('xDS routing with real grpc-js-xds clients', () => {
  it('splits 20/80 by weight over 1,000 RPCs within ±4 points', async () => {
    await applyRoutes([{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 20 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 80 }] }])
    const outcomes = await callMany(client(), 1000)
    const counts = countBy(outcomes, (o) => o.backend ?? `error ${o.code}`)
    expect(Object.keys(counts).sort()).toEqual(['v1', 'v2'])
    expect(Math.abs((counts.v1 ?? 0) / 10 - 20)).toBeLessThanOrEqual(4)
  })

  it('routes by header: exact, and presence, before the default route', async () => {
    await applyRoutes([
      { match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { match: [{ headers: { 'x-beta': {} } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ])
    const c = client(host + ':9080')
    expect(countBy(await callMany(c, 50, 10, { 'x-canary': 'yes' }), (o) => o.backend ?? 'error')).toEqual({ v2: 50 })
    expect(countBy(await callMany(c, 50, 10, { 'x-canary': 'no' }), (o) => o.backend ?? 'error')).toEqual({ v1: 50 })
    expect(countBy(await callMany(c, 50, 10, { 'x-beta': 'anything' }), (o) => o.backend ?? 'error')).toEqual({ v2: 50 })
  })

  it('injects an abort at 50 % with the configured code, and a delay', async () => {
    await applyRoutes([
      { match: [{ headers: { 'x-fault': { exact: 'abort' } } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }], fault: { abort: { grpcStatus: 'RESOURCE_EXHAUSTED', percentage: { value: 50 } } } },
      { match: [{ headers: { 'x-fault': { exact: 'delay' } } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }], fault: { delay: { fixedDelay: '300ms', percentage: { value: 100 } } } },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ])
    const c = client()
    const aborted = await callMany(c, 400, 20, { 'x-fault': 'abort' })
    const codes = countBy(aborted, (o) => String(o.code))
    expect(Object.keys(codes).sort()).toEqual([String(status.OK), String(status.RESOURCE_EXHAUSTED)])
    expect(codes[String(status.RESOURCE_EXHAUSTED)]).toBeGreaterThan(140)
    expect(codes[String(status.RESOURCE_EXHAUSTED)]).toBeLessThan(260)
    const delayed = await callMany(c, 5, 5, { 'x-fault': 'delay' })
    for (const outcome of delayed) {
      expect(outcome.code).toBe(status.OK)
      expect(outcome.ms).toBeGreaterThanOrEqual(290)
    }
    const plain = await c.call()
    expect(plain.ms).toBeLessThan(250)
  })

  it('retries turn failing first attempts into successes', async () => {
    await applyRoutes([{ route: [{ destination: { host: 'reviews', subset: 'flaky' } }] }])
    const c = client()
    const without = await callMany(c, 20, 5)
    expect(countBy(without, (o) => String(o.code))).toEqual({ [String(status.UNAVAILABLE)]: 20 })
    await applyRoutes([{ route: [{ destination: { host: 'reviews', subset: 'flaky' } }], retries: { attempts: 2, retryOn: 'unavailable' } }])
    const withRetries = await callMany(c, 50, 5)
    expect(withRetries.every((o) => o.code === status.OK && o.backend === 'flaky' && o.attempt === 2)).toBe(true)
  })

  it('moves traffic on a weight change without one failed RPC', async () => {
    await applyRoutes([{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 0 }] }])
    const c = client()
    expect(countBy(await callMany(c, 50, 10), (o) => o.backend ?? 'error')).toEqual({ v1: 50 })
    // Keep calling while the weights flip; every call must succeed.
    let running = true
    const during: Promise<ReturnType<typeof countBy>> = (async () => {
      const all = []
      while (running) all.push(...(await callMany(c, 20, 10)))
      return countBy(all, (o) => (o.code === status.OK ? 'ok' : `error ${o.code} ${o.details}`))
    })()
    await applyRoutes([{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 0 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 100 }] }])
    await eventually(async () => ((await c.call()).backend === 'v2' ? true : undefined), 5000, 'traffic to move to v2')
    running = false
    const counts = await during
    expect(Object.keys(counts)).toEqual(['ok'])
    expect(countBy(await callMany(c, 50, 10), (o) => o.backend ?? 'error')).toEqual({ v2: 50 })
  })
})

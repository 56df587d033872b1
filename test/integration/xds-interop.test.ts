import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { ServerCredentials, status } from '@grpc/grpc-js'
import { XdsServer } from '@grpc/grpc-js-xds'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { checkClientRegex } from '../../src/main/mesh/regex'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { startChildClients, type ChildClients } from '../support/xds-child'
import { callMany, countBy, eventually, perChannelBootstrapOption, startBackend, xdsClient, type Backend, type CallOutcome, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'
import { within } from '../support/wait'

/*
 * Interop cases in the spirit of gRPC's psm-interop suite: real grpc-js-xds clients and servers
 * against the embedded control plane, each a case where Meshdeck must do what istiod would (or
 * refuse what the clients cannot take) rather than push something the clients break on.
 */

let meshDir: MeshDir
let cp: ControlPlane
const backends: Backend[] = []
const clients: XdsTestClient[] = []
const children: ChildClients[] = []
let nodeCounter = 0

function client(target: string): XdsTestClient {
  const c = xdsClient(target, cp.bootstrap({ nodeId: `interop-${++nodeCounter}` }))
  clients.push(c)
  return c
}

async function backend(name: string): Promise<Backend> {
  const b = await startBackend({ name })
  backends.push(b)
  return b
}

async function served(change: () => Promise<void>): Promise<void> {
  const before = cp.status().servedVersion
  await change()
  await eventually(() => (cp.status().servedVersion > before ? true : undefined), 5000, 'the change to be served')
}

async function freePort(host: string): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, host, resolve))
  const address = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

function typeState(nodeId: string, type: string): { status: string; sentVersion: string | null; nack: unknown } | undefined {
  return cp.clients().find((c) => c.nodeId === nodeId)?.types.find((t) => t.type === type)
}

const byBackend = (outcomes: readonly CallOutcome[]): Record<string, number> => countBy(outcomes, (o) => o.backend ?? `error ${o.code}`)

beforeAll(async () => {
  meshDir = await createMeshDir()
  cp = await startControlPlane({ meshDir: meshDir.dir })
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(children.splice(0).map((c) => c.dispose()))
})

afterAll(async () => {
  await cp?.dispose()
  await Promise.all(backends.map((b) => b.dispose()))
  await meshDir?.dispose()
})

describe('consistentHash without a VirtualService repeating it (istiod sets the route hash policy)', () => {
  const host = 'shop.demo.svc.cluster.local'
  let shop: Backend[]

  beforeAll(async () => {
    shop = await Promise.all(['shop-a', 'shop-b', 'shop-c'].map(backend))
    await served(() => meshDir.write('shop.yaml', [serviceEntryYaml({ name: 'shop', host, port: 9101 }), ...shop.map((b) => workloadEntryYaml({ name: b.name, app: 'shop', version: 'v1', port: b.port }))]))
  })

  async function expectSticky(c: XdsTestClient): Promise<void> {
    // The same x-user lands on one backend every time...
    const alice = byBackend(await callMany(c, 60, 10, { 'x-user': 'alice' }))
    expect(Object.values(alice)).toEqual([60])
    expect(Object.keys(alice)[0]).toMatch(/^shop-/)
    // ...and different users spread over the backends.
    const users = new Set<string>()
    for (let u = 0; u < 30; u++) users.add((await c.call({ 'x-user': `user-${u}` })).backend ?? 'error')
    expect(users.has('error')).toBe(false)
    expect(users.size).toBeGreaterThan(1)
  }

  it('hashes by the header named at rule level when no VirtualService exists', async () => {
    await served(() => meshDir.write('shop-dr.yaml', [destinationRuleYaml({ name: 'shop', host: 'shop', subsets: ['v1'], trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } })]))
    await expectSticky(client('shop:9101'))
  })

  it('hashes by the header named on the subset a VirtualService routes to, which does not repeat it', async () => {
    await served(async () => {
      await meshDir.write('shop-dr.yaml', [{ ...destinationRuleYaml({ name: 'shop', host: 'shop', subsets: [] }), spec: { host: 'shop', subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } }] } }])
      await meshDir.write('shop-vs.yaml', [virtualServiceYaml({ name: 'shop', hosts: ['shop'], http: [{ route: [{ destination: { host: 'shop', subset: 'v1' } }] }] })])
    })
    expect(cp.status().problems).toEqual([])
    await expectSticky(client('shop:9101'))
  })
})

describe('regexes the clients cannot compile are refused, not pushed', () => {
  const host = 'reviews.demo.svc.cluster.local'
  let v1: Backend
  let v2: Backend

  beforeAll(async () => {
    ;[v1, v2] = await Promise.all([backend('reviews-v1'), backend('reviews-v2')])
    await served(() =>
      meshDir.write('reviews.yaml', [
        serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
        workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: v1.port }),
        workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: v2.port }),
        destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] }),
      ]),
    )
  })

  const routes = (regex: string): Record<string, unknown>[] => [
    virtualServiceYaml({
      name: 'reviews',
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'x-canary': { regex } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    }),
  ]

  it('keeps the last good routes for a lookahead, and a grpc-js-xds client stays up and routing', async () => {
    await served(() => meshDir.write('reviews-vs.yaml', routes('yes|true')))
    // A client process of its own: a regex its engine throws on ends that process.
    const child = await startChildClients()
    children.push(child)
    await child.open('reviews:9080', ['interop-regex'], cp.bootstrap({ nodeId: 'interop-regex' }))
    expect(byBackend(await child.call(0, 20))).toEqual({ 'reviews-v1': 20 })

    await served(() => meshDir.write('reviews-vs.yaml', routes('(?=a)a[a-z]*')))
    // Still up and routing by the last good table, after a push would have had time to reach it.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(byBackend(await child.call(0, 40))).toEqual({ 'reviews-v1': 40 })
    expect(child.exitCode()).toBeNull()
    expect(typeState('interop-regex', 'RDS')?.status).toBe('SYNCED')
    expect(cp.status().rejected).toContain('VirtualService/demo/reviews')
    const problem = cp.status().problems.find((p) => p.name === 'reviews' && p.kind === 'VirtualService')
    expect(problem).toMatchObject({ severity: 'error', field: 'spec.http[0].match[0].headers.x-canary.regex', message: expect.stringContaining('lookahead is not RE2') })
    await served(() => meshDir.write('reviews-vs.yaml', routes('yes|true')))
    expect(cp.status().problems).toEqual([])
  })

  it('refuses what grpc-js-xds’s regex engine cannot hold, which really aborts that engine', async () => {
    const compile = async (regex: string): Promise<string> => {
      // The engine grpc-js-xds compiles route regexes with, as it does (anchored, unicode), in a fresh process.
      const script = `const { RE2 } = require('re2-wasm'); try { new RE2('^' + process.argv[1] + '$', 'u'); console.log('ok') } catch (e) { console.log('failed: ' + String(e.message).slice(0, 60)) }`
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, regex], { cwd: process.cwd() })
      return stdout.trim()
    }
    expect(checkClientRegex('\\pL{100}')?.severity).toBe('error')
    expect(await compile('\\pL{100}')).toMatch(/^failed: abort\(Cannot enlarge memory/)
    // The largest repetition of \pL validation lets through (with a warning) compiles.
    expect(checkClientRegex('\\pL{19}')?.severity).toBe('warning')
    expect(checkClientRegex('\\pL{20}')?.severity).toBe('error')
    expect(await compile('\\pL{19}')).toBe('ok')
  })
})

describe('an xDS server bound to a wildcard address', () => {
  it('gets the listener for its WorkloadEntry’s port when it binds 0.0.0.0, as istiod matches by port', async () => {
    const port = await freePort('0.0.0.0')
    await served(() => meshDir.write('details.yaml', [serviceEntryYaml({ name: 'details', host: 'details.demo.svc.cluster.local', port: 9102 }), workloadEntryYaml({ name: 'details-1', app: 'details', port })]))
    const server = new XdsServer({ [perChannelBootstrapOption]: JSON.stringify(cp.bootstrap({ nodeId: 'details-wildcard' })) })
    try {
      server.register('/demo.Echo/Call', (_call: unknown, cb: (e: null, v: object) => void) => cb(null, { backend: 'details' }), (v: object) => Buffer.from(JSON.stringify(v)), (b: Buffer) => JSON.parse(b.toString()) as object, 'unary')
      // bindAsync calls back once the server has its listener and serves.
      const serving = new Promise<void>((resolve, reject) => server.bindAsync(`0.0.0.0:${port}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())))
      await within('the xDS server never got its listener', serving, 10_000)
      const outcome = await client('details:9102').call({}, 10_000)
      expect(outcome).toMatchObject({ code: status.OK, backend: 'details' })
      expect(typeState('details-wildcard', 'LDS')?.status).toBe('SYNCED')
      const sent = cp.configDump('details-wildcard').streams[0]?.types.find((t) => t.type === 'LDS')?.resources ?? []
      expect(sent).toEqual([expect.objectContaining({ name: `grpc/server?xds.resource.listening_address=0.0.0.0:${port}` })])
    } finally {
      server.forceShutdown()
    }
  })
})

describe('weights past UINT32_MAX', () => {
  it('refuses the endpoint that takes the sum over, names its field, and the client neither NACKs nor stops', async () => {
    const host = 'ratings.demo.svc.cluster.local'
    const [r1, r2, r3] = await Promise.all([backend('ratings-1'), backend('ratings-2'), backend('ratings-3')])
    const entry = (b: Backend, weight: number, locality: string): Record<string, unknown> => workloadEntryYaml({ name: b.name, app: 'ratings', port: b.port, weight, locality })
    await served(() => meshDir.write('ratings.yaml', [serviceEntryYaml({ name: 'ratings', host, port: 9103 }), entry(r1, 4_294_967_294, 'eu/a')]))
    const c = client('ratings:9103')
    expect(byBackend(await callMany(c, 10, 5))).toEqual({ 'ratings-1': 10 })
    const nodeId = `interop-${nodeCounter}`

    // ratings-3 fits (the sum is exactly UINT32_MAX); ratings-2, in another locality, does not.
    await served(() => meshDir.write('ratings.yaml', [serviceEntryYaml({ name: 'ratings', host, port: 9103 }), entry(r1, 4_294_967_294, 'eu/a'), entry(r2, 5, 'eu/b'), entry(r3, 1, 'eu/a')]))
    // The push that carried ratings-3 reached the client and was applied (not NACKed).
    await eventually(async () => (byBackend(await callMany(c, 20, 5))['ratings-3'] ? true : undefined), 10_000, 'ratings-3 to get traffic')
    const outcomes = byBackend(await callMany(c, 40, 5))
    expect(Object.keys(outcomes).sort()).toEqual(['ratings-1', 'ratings-3'])
    expect(typeState(nodeId, 'EDS')).toMatchObject({ status: 'SYNCED', nack: null })
    expect(cp.status().problems.filter((p) => p.severity === 'error').map((p) => `${p.kind} ${p.name} ${p.field}`)).toEqual(['WorkloadEntry ratings-2 spec.weight'])
    await served(() => meshDir.write('ratings.yaml', []))
  })
})

describe('outlier detection added to a running client', () => {
  it('ejects a backend that starts failing once outlier detection is added, though the client first had none', async () => {
    const host = 'catalog.demo.svc.cluster.local'
    const [good, bad] = await Promise.all([backend('catalog-good'), backend('catalog-bad')])
    await served(() => meshDir.write('catalog.yaml', [serviceEntryYaml({ name: 'catalog', host, port: 9104 }), ...[good, bad].map((b) => workloadEntryYaml({ name: b.name, app: 'catalog', port: b.port }))]))
    const c = client('catalog:9104')
    expect(Object.keys(byBackend(await callMany(c, 20, 5))).sort()).toEqual(['catalog-bad', 'catalog-good'])
    const nodeId = `interop-${nodeCounter}`

    bad.failing = true
    expect(byBackend(await callMany(c, 20, 5))[`error ${status.UNAVAILABLE}`]).toBeGreaterThan(0)
    await served(() => meshDir.write('catalog-dr.yaml', [destinationRuleYaml({ name: 'catalog', host: 'catalog', subsets: [], trafficPolicy: { outlierDetection: { consecutive5xxErrors: 3, interval: '1s', baseEjectionTime: '60s', maxEjectionPercent: 50 } } })]))
    const version = String(cp.status().servedVersion)
    await eventually(() => (typeState(nodeId, 'CDS')?.status === 'SYNCED' && typeState(nodeId, 'CDS')?.sentVersion === version ? true : undefined), 5000, 'the client to ACK the cluster with outlier detection')

    // Keep calling: within a few intervals the failing backend is ejected and every call succeeds.
    await eventually(async () => {
      const outcomes = byBackend(await callMany(c, 30, 3))
      return outcomes['catalog-good'] === 30 ? true : undefined
    }, 15_000, 'the failing backend to be ejected')
    await served(() => meshDir.write('catalog-dr.yaml', []))
  })
})

import { status } from '@grpc/grpc-js'
import { createServer } from 'node:net'
import { ServerCredentials } from '@grpc/grpc-js'
import { XdsServer } from '@grpc/grpc-js-xds'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startControlPlane, type ControlPlane, type ControlPlaneEvent } from '../../src/main/xds/io'
import { startChildClients, type ChildClients } from '../support/xds-child'
import { callMany, countBy, eventually, perChannelBootstrapOption, startBackend, xdsClient, type Backend, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, reviewsSplitYaml, serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// Real control plane, real grpc-js servers, real grpc-js-xds clients (in this process and in a child).
const reviews = 'reviews.demo.svc.cluster.local'
const ratings = 'ratings.demo.svc.cluster.local'
let meshDir: MeshDir
let cp: ControlPlane
let v1: Backend
let v2: Backend
let ratingsBackend: Backend
const clients: XdsTestClient[] = []
const children: ChildClients[] = []
let nodeCounter = 0

function client(target: string, nodeId = `status-${++nodeCounter}`): XdsTestClient {
  const c = xdsClient(target, cp.bootstrap({ nodeId }))
  clients.push(c)
  return c
}

async function served(change: () => Promise<void>): Promise<number> {
  const before = cp.status().servedVersion
  await change()
  return eventually(() => (cp.status().servedVersion > before ? cp.status().servedVersion : undefined), 5000, 'the change to be served')
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

function typeStatus(nodeId: string, type: string): string | undefined {
  return cp.clients().find((c) => c.nodeId === nodeId)?.types.find((t) => t.type === type)?.status
}

beforeAll(async () => {
  ;[v1, v2, ratingsBackend] = await Promise.all([startBackend({ name: 'v1' }), startBackend({ name: 'v2' }), startBackend({ name: 'ratings' })])
  meshDir = await createMeshDir()
  await meshDir.write('services.yaml', [
    serviceEntryYaml({ name: 'reviews', host: reviews, port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: v1.port }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: v2.port }),
    serviceEntryYaml({ name: 'ratings', host: ratings, port: 9081 }),
    workloadEntryYaml({ name: 'ratings-1', app: 'ratings', port: ratingsBackend.port }),
  ])
  await meshDir.write('reviews-dr.yaml', [destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] })])
  await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(100))
  cp = await startControlPlane({ meshDir: meshDir.dir })
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(children.splice(0).map((c) => c.dispose()))
})

afterAll(async () => {
  await cp?.dispose()
  await Promise.all([v1, v2, ratingsBackend].map((b) => b?.dispose()))
  await meshDir?.dispose()
})

describe('proxy status', () => {
  it('shows each client SYNCED per type with its node metadata, and dumps exactly what was sent', async () => {
    const c = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'productpage-1', cluster: 'productpage', metadata: { app: 'productpage' } }))
    clients.push(c)
    expect((await c.call()).backend).toBe('v1')
    const entry = await eventually(() => {
      const found = cp.clients().find((x) => x.nodeId === 'productpage-1')
      return found && found.types.length === 4 && found.types.every((t) => t.status === 'SYNCED') ? found : undefined
    }, 5000, 'all four types SYNCED')
    expect(entry).toMatchObject({ cluster: 'productpage', metadata: { app: 'productpage' }, peer: expect.stringContaining('127.0.0.1') })
    expect(entry.types.find((t) => t.type === 'LDS')?.subscribed).toEqual(['reviews:9080'])
    // A second channel with the same node id is a second stream of that node.
    const twin = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'productpage-1', cluster: 'productpage' }))
    clients.push(twin)
    expect((await twin.call()).backend).toBe('v1')
    await eventually(() => (cp.clients().filter((x) => x.nodeId === 'productpage-1').length === 2 ? true : undefined), 5000, 'two streams for one node')
    expect(cp.configDump('productpage-1').streams).toHaveLength(2)
    const dump = cp.configDump('productpage-1')
    const rds = dump.streams[0]?.types.find((t) => t.type === 'RDS')
    expect(rds?.resources[0]).toMatchObject({ name: `${reviews}:9080` })
    expect(JSON.stringify(rds?.resources)).toContain(`outbound|9080|v1|${reviews}`)
  })

  it('sends nothing to clients a change does not touch', async () => {
    const onReviews = client('reviews:9080', 'touch-reviews')
    const onRatings = client('ratings:9081', 'touch-ratings')
    expect((await onReviews.call()).code).toBe(status.OK)
    expect((await onRatings.call()).backend).toBe('ratings')
    await eventually(() => (typeStatus('touch-ratings', 'EDS') === 'SYNCED' ? true : undefined))
    const pushes: string[] = []
    const sub = cp.onEvent((e) => e.kind === 'pushed' && pushes.push(e.nodeId))
    const version = await served(() => meshDir.write('reviews-vs.yaml', reviewsSplitYaml(50)))
    await eventually(() => (cp.clients().find((c) => c.nodeId === 'touch-reviews')?.types.find((t) => t.type === 'RDS')?.ackedVersion === String(version) ? true : undefined))
    sub.dispose()
    expect(pushes).toContain('touch-reviews')
    expect(pushes).not.toContain('touch-ratings')
    expect(cp.clients().find((c) => c.nodeId === 'touch-ratings')?.types.every((t) => t.status === 'SYNCED')).toBe(true)
  })

  it('shows NACKED with the client’s own text for a client that rejects config, while others stay SYNCED', async () => {
    // An older-style client: ring hash switched off in grpc-js-xds (read once per process, so a child).
    const old = await startChildClients({ GRPC_XDS_EXPERIMENTAL_ENABLE_RING_HASH: 'false' })
    children.push(old)
    expect(await old.open('reviews:9080', ['old-client'], cp.bootstrap({ nodeId: 'old-client' }))).toEqual([status.OK])
    const modern = client('reviews:9080', 'modern-client')
    expect((await modern.call()).code).toBe(status.OK)
    const nacks: ControlPlaneEvent[] = []
    const sub = cp.onEvent((e) => e.kind === 'nacked' && nacks.push(e))
    await served(() => meshDir.write('reviews-dr.yaml', [destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'], trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } })]))
    await eventually(() => (typeStatus('old-client', 'CDS') === 'NACKED' && typeStatus('modern-client', 'CDS') === 'SYNCED' ? true : undefined), 5000, 'old NACKED, modern SYNCED')
    sub.dispose()
    const cds = cp.clients().find((c) => c.nodeId === 'old-client')?.types.find((t) => t.type === 'CDS')
    expect(cds?.nack?.message).toMatch(/RING_HASH/)
    expect(nacks[0]).toMatchObject({ nodeId: 'old-client', type: 'CDS', message: expect.stringMatching(/RING_HASH/) })
    expect(cp.status().byStatus.NACKED).toBeGreaterThanOrEqual(1)
    // The old client keeps working on the config it last accepted.
    expect(countBy(await old.call(0, 10), (o) => String(o.code))).toEqual({ [String(status.OK)]: 10 })
    await served(() => meshDir.write('reviews-dr.yaml', [destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] })]))
    await eventually(() => (typeStatus('old-client', 'CDS') === 'SYNCED' ? true : undefined), 5000, 'old client SYNCED again')
  })

  it('reports an invalid file with file and line and keeps serving the last good config', async () => {
    const c = client('reviews:9080')
    await served(() => meshDir.write('reviews-vs.yaml', reviewsSplitYaml(100)))
    expect((await c.call()).backend).toBe('v1')
    const good = cp.status().servedVersion
    await meshDir.writeText('reviews-vs.yaml', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews\n  http: []\n')
    const problem = await eventually(() => cp.status().problems.find((p) => p.file === 'reviews-vs.yaml'), 5000, 'the YAML problem')
    expect(problem).toMatchObject({ severity: 'error', line: expect.any(Number), message: expect.stringMatching(/YAML/) })
    expect(cp.status().servedVersion).toBe(good)
    expect(countBy(await callMany(c, 20, 5), (o) => o.backend ?? 'error')).toEqual({ v1: 20 })
    // Valid YAML that names a subset nobody defined: rejected before any push; the old routes stay.
    const rejected = new Promise<ControlPlaneEvent>((resolve) => {
      const sub = cp.onEvent((e) => {
        if (e.kind === 'rejected') {
          sub.dispose()
          resolve(e)
        }
      })
    })
    await meshDir.write('reviews-vs.yaml', [virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }] })])
    const event = await rejected
    expect(event).toMatchObject({ kind: 'rejected', objects: ['VirtualService/demo/reviews'] })
    expect(event.kind === 'rejected' && event.problems.some((p) => p.field === 'spec.http[0].route[0].destination.subset' && p.source?.file === 'reviews-vs.yaml')).toBe(true)
    expect(cp.status().rejected).toEqual(['VirtualService/demo/reviews'])
    expect(countBy(await callMany(c, 20, 5), (o) => o.backend ?? 'error')).toEqual({ v1: 20 })
    // A new object with errors is left out while valid changes next to it still apply.
    await served(() => meshDir.write('extra.yaml', [virtualServiceYaml({ name: 'ghost', hosts: ['ghost'], http: [{ route: [{ destination: { host: 'ghost' } }] }] }), workloadEntryYaml({ name: 'reviews-v1b', app: 'reviews', version: 'v1', port: v2.port, address: '127.0.0.1' })]))
    expect(cp.status().rejected).toEqual(['VirtualService/demo/ghost', 'VirtualService/demo/reviews'])
    await eventually(async () => (countBy(await callMany(c, 40, 5), (o) => o.backend ?? 'error').v2 ? true : undefined), 5000, 'the new v1 endpoint (served by the v2 backend) to get traffic')
    await served(() => meshDir.write('extra.yaml', []))
    await served(() => meshDir.write('reviews-vs.yaml', reviewsSplitYaml(100)))
    expect(cp.status().problems).toEqual([])
  })

  it('serves server listeners to xDS-enabled gRPC servers', async () => {
    const backendPort = await freePort() // declared in the mesh before the xDS server binds it
    await served(() => meshDir.write('xds-server.yaml', [serviceEntryYaml({ name: 'details', host: 'details.demo.svc.cluster.local', port: 9082 }), workloadEntryYaml({ name: 'details-1', app: 'details', port: backendPort })]))
    const server = new XdsServer({ [perChannelBootstrapOption]: JSON.stringify(cp.bootstrap({ nodeId: 'details-1' })) })
    try {
      server.register('/demo.Echo/Call', (_call: unknown, cb: (e: null, v: object) => void) => cb(null, { backend: 'details' }), (v: object) => Buffer.from(JSON.stringify(v)), (b: Buffer) => JSON.parse(b.toString()) as object, 'unary')
      await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${backendPort}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())))
      await eventually(() => (typeStatus('details-1', 'LDS') === 'SYNCED' ? true : undefined), 5000, 'server LDS SYNCED')
      const c = client('details:9082')
      const outcome = await eventually(async () => {
        const o = await c.call()
        return o.code === status.OK ? o : undefined
      }, 10_000, 'the xDS server to serve')
      expect(outcome.backend).toBe('details')
      expect(cp.configDump('details-1').streams[0]?.types.find((t) => t.type === 'LDS')?.resources[0]).toMatchObject({ name: `grpc/server?xds.resource.listening_address=127.0.0.1:${backendPort}` })
    } finally {
      server.forceShutdown()
      await served(() => meshDir.write('xds-server.yaml', []))
    }
  })
})

// Many clients at once: xds-fleet.test.ts.
describe('restarts', () => {
  it('clients reconnect to a restarted control plane and converge on its config', async () => {
    const c = client('reviews:9080', 'restart-client')
    expect((await c.call()).backend).toBe('v1')
    const port = cp.port
    await cp.dispose()
    // While it is down, clients keep the config they have.
    expect((await c.call()).backend).toBe('v1')
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(0))
    cp = await startControlPlane({ meshDir: meshDir.dir, port })
    await eventually(() => (cp.clients().find((x) => x.nodeId === 'restart-client')?.types.every((t) => t.status === 'SYNCED') ? true : undefined), 20_000, 'the client to reconnect')
    await eventually(async () => ((await c.call()).backend === 'v2' ? true : undefined), 5000, 'the new config to take effect')
  })
})

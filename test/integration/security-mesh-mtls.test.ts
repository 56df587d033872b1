import { existsSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServerCredentials, credentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// grpc-js-xds reads its feature switches once, when it loads: RBAC (AuthorizationPolicy) must be on
// before the imports below run, exactly as the demo supervisor sets it for its workloads.
vi.hoisted(() => {
  process.env.GRPC_XDS_EXPERIMENTAL_RBAC = 'true'
})

import { XdsChannelCredentials, XdsServer, XdsServerCredentials } from '@grpc/grpc-js-xds'
import { MeshSecurityBinding, SecurityService, type WorkloadSecurity } from '../../src/main/security/io'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { eventually, perChannelBootstrapOption, xdsClient, type CallOutcome, type XdsTestClient } from '../support/xds-grpc'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// The Embedded CA and mTLS end to end, with real parts only: Istio YAML in a watched folder
// (PeerAuthentication, DestinationRule, AuthorizationPolicy) → MeshSecurityBinding → the control
// plane's TLS contexts and RBAC → a real grpc-js-xds XdsServer and real grpc-js-xds clients
// holding certificates from Meshdeck's CA (file_watcher providers, re-read every second).

let dir: string
let meshDir: MeshDir
let cp: ControlPlane
let security: SecurityService
let binding: MeshSecurityBinding
let server: XdsServer
let port: number
const clients: XdsTestClient[] = []
const identities = new Map<string, WorkloadSecurity>()

// Short-lived certificates: every workload's certificate is renewed every 2–3 s while the tests run.
const certificateTtlMs = 5_000

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

const serviceEntry = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'reviews', namespace: 'demo' },
  spec: { hosts: ['reviews.demo.svc.cluster.local'], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 9080, name: 'grpc', protocol: 'GRPC' }], workloadSelector: { labels: { app: 'reviews' } } },
}
const workloadEntry = (p: number): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'WorkloadEntry',
  metadata: { name: 'reviews-1', namespace: 'demo' },
  spec: { address: '127.0.0.1', ports: { grpc: p }, labels: { app: 'reviews' }, serviceAccount: 'reviews' },
})
const peerAuthentication = (mode: string): Record<string, unknown> => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'demo' },
  spec: { mtls: { mode } },
})
const onlyProductpage = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'reviews-callers', namespace: 'demo' },
  spec: { selector: { matchLabels: { app: 'reviews' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/demo/sa/productpage'] } }] }] },
}

function bootstrap(nodeId: string, workload: string): object {
  const identity = identities.get(workload)
  return cp.bootstrap({ nodeId, metadata: { NAMESPACE: 'demo', WORKLOAD_NAME: workload }, certificateProviders: identity?.certificateProviders })
}

function mtlsClient(nodeId: string, workload: string): XdsTestClient {
  const c = xdsClient('reviews.demo.svc.cluster.local:9080', bootstrap(nodeId, workload), new XdsChannelCredentials(credentials.createInsecure()))
  clients.push(c)
  return c
}

async function applyMesh(docs: Record<string, unknown>[]): Promise<void> {
  await meshDir.write('mesh.yaml', [serviceEntry, workloadEntry(port), ...docs])
  await cp.refresh()
}

const ok = async (c: XdsTestClient, what: string): Promise<CallOutcome> =>
  eventually(async () => {
    const o = await c.call({}, 3000)
    return o.code === status.OK ? o : undefined
  }, 20_000, what)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshdeck-mesh-mtls-'))
  security = new SecurityService({ dataDir: dir, certificateTtlMs, refreshIntervalSeconds: 1, bundlePropagationMs: 2_500 })
  for (const [workload, serviceAccount] of [
    ['reviews-1', 'reviews'],
    ['productpage-1', 'productpage'],
    ['ratings-1', 'ratings'],
  ] as const) {
    identities.set(workload, await security.workloadSecurity({ namespace: 'demo', serviceAccount, name: workload }))
  }
  port = await freePort()
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [serviceEntry, workloadEntry(port), peerAuthentication('STRICT')])
  cp = await startControlPlane({ meshDir: meshDir.dir, loadReportIntervalMs: 300 })
  binding = await MeshSecurityBinding.bind(security, cp)
  server = new XdsServer({ [perChannelBootstrapOption]: JSON.stringify(bootstrap('reviews-1', 'reviews-1')) })
  server.register(
    '/demo.Echo/Call',
    (call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>) => {
      const auth = call.getAuthContext()
      callback(null, { backend: 'reviews', peer: `${auth.transportSecurityType ?? 'plaintext'} ${auth.sslPeerCertificate?.subjectaltname ?? ''}`.trim() })
    },
    (value: object) => Buffer.from(JSON.stringify(value)),
    (buffer: Buffer) => JSON.parse(buffer.toString()) as object,
    'unary',
  )
  await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, new XdsServerCredentials(ServerCredentials.createInsecure()), (err) => (err ? reject(err) : resolve())))
})

afterAll(async () => {
  for (const c of clients) c.close()
  server?.forceShutdown()
  binding?.dispose()
  await cp?.dispose()
  security?.dispose()
  await meshDir?.dispose()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('mTLS from PeerAuthentication and DestinationRule YAML', () => {
  it('STRICT: an mTLS client gets through with its SPIFFE identity, a plaintext client is refused', async () => {
    const outcome = await ok(mtlsClient('productpage-1', 'productpage-1'), 'an mTLS call to succeed')
    expect(outcome.peer).toBe('ssl URI:spiffe://cluster.local/ns/demo/sa/productpage')

    const plain = xdsClient('reviews.demo.svc.cluster.local:9080', bootstrap('plain-1', 'plain-1'))
    clients.push(plain)
    const refused = await plain.call({}, 3000)
    expect(refused.code).toBe(status.UNAVAILABLE)
  })

  it('pins the destination’s SPIFFE identity in the clients’ TLS settings', () => {
    const dump = cp.configDump('productpage-1')
    const text = JSON.stringify(dump)
    expect(text).toContain('spiffe://cluster.local/ns/demo/sa/reviews')
    expect(text).not.toContain('"prefix":"spiffe://cluster.local/"')
  })

  it('shows the port as STRICT/mtls with its certificate, and the observed edge as mutual TLS once acknowledged', async () => {
    const c = mtlsClient('productpage-2', 'productpage-1')
    await ok(c, 'traffic for the load report')
    const edge = await eventually(async () => {
      await c.call({}, 2000)
      return binding.status().edges.find((e) => e.caller === 'productpage-2' && e.mtls !== null)
    }, 15_000, 'a load-reported edge from productpage-2')
    expect(edge).toMatchObject({ callerWorkload: 'demo/productpage-1', host: 'reviews.demo.svc.cluster.local', port: 9080, clientMtls: true, serverMtls: true, synced: true, mtls: true })
    expect(binding.mtlsForEdge({ source: { workload: { namespace: 'demo', name: 'productpage-1' } }, destinationHost: 'reviews.demo.svc.cluster.local', subset: null })).toBe(true)

    const status = binding.status()
    const reviews = status.workloads.find((w) => w.name === 'reviews-1')
    expect(reviews).toMatchObject({ namespace: 'demo', serviceAccount: 'reviews', spiffeId: 'spiffe://cluster.local/ns/demo/sa/reviews' })
    expect(reviews?.ports).toEqual([
      expect.objectContaining({ port, mode: 'STRICT', modeSource: 'namespace', modePolicy: 'PeerAuthentication demo/default', serves: 'mtls', callers: [expect.objectContaining({ mode: 'ISTIO_MUTUAL', source: 'auto-mtls' })] }),
    ])
    expect(reviews?.certificate?.spiffeId).toBe('spiffe://cluster.local/ns/demo/sa/reviews')
  })

  it('PERMISSIVE serves plaintext (gRPC cannot sniff TLS), and an ISTIO_MUTUAL DestinationRule towards it is a conflict with a fix', async () => {
    await applyMesh([
      peerAuthentication('PERMISSIVE'),
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'demo' }, spec: { host: 'reviews.demo.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } },
    ])
    const conflict = security.conflicts().conflicts.find((c) => c.code === 'proxyless-permissive-mtls-client')
    expect(conflict).toMatchObject({ severity: 'error', workload: 'demo/reviews-1', resources: expect.arrayContaining(['DestinationRule demo/reviews']) })
    expect(conflict?.hint).toContain('STRICT')
    expect(binding.status().conflicts.map((c) => c.code)).toContain('proxyless-permissive-mtls-client')

    // Without the rule, auto mTLS follows the server: plaintext, and a plaintext client gets through.
    await applyMesh([peerAuthentication('PERMISSIVE')])
    const plain = xdsClient('reviews.demo.svc.cluster.local:9080', bootstrap('plain-2', 'plain-2'))
    clients.push(plain)
    expect((await ok(plain, 'a plaintext call to a PERMISSIVE server')).peer).toBe('plaintext')
    expect(binding.status().workloads.find((w) => w.name === 'reviews-1')?.ports[0]).toMatchObject({ mode: 'PERMISSIVE', serves: 'plaintext' })
  })
})

describe('AuthorizationPolicy as RBAC on the xDS server', () => {
  it('allows only the named identity; another mTLS identity gets PERMISSION_DENIED', async () => {
    await applyMesh([peerAuthentication('STRICT'), onlyProductpage])
    const productpage = mtlsClient('productpage-3', 'productpage-1')
    const ratings = mtlsClient('ratings-1', 'ratings-1')
    const denied = await eventually(async () => {
      const o = await ratings.call({}, 3000)
      return o.code === status.PERMISSION_DENIED ? o : undefined
    }, 20_000, 'ratings to be denied')
    expect(denied.code).toBe(status.PERMISSION_DENIED)
    expect((await ok(productpage, 'productpage to be allowed')).peer).toBe('ssl URI:spiffe://cluster.local/ns/demo/sa/productpage')
    expect(binding.status().workloads.find((w) => w.name === 'reviews-1')?.ports[0]?.authorization).toEqual(['AuthorizationPolicy demo/reviews-callers'])

    // Removing the policy lets ratings in again.
    await applyMesh([peerAuthentication('STRICT')])
    expect((await ok(ratings, 'ratings to be allowed again')).peer).toBe('ssl URI:spiffe://cluster.local/ns/demo/sa/ratings')
  })
})

describe('certificates under steady traffic', () => {
  it('renews short-lived certificates and rotates the CA while no RPC fails; the status counts down and shows the renewed certificate', async () => {
    await applyMesh([peerAuthentication('STRICT')])
    const c = mtlsClient('productpage-4', 'productpage-1')
    await ok(c, 'the first mTLS call')
    const certOf = (): { notAfter: string; notBefore: string } | null | undefined =>
      binding.status().workloads.find((w) => w.name === 'reviews-1')?.certificate
    const first = certOf()
    expect(first).toBeTruthy()
    // It expires within the certificate lifetime: the Security page counts this down.
    expect(Date.parse(first!.notAfter) - Date.now()).toBeLessThanOrEqual(certificateTtlMs)

    let okCount = 0
    const failures: string[] = []
    let running = true
    const steady = (async () => {
      while (running) {
        const o = await c.call({}, 3000)
        if (o.code === status.OK) okCount++
        else failures.push(`${o.code} ${o.details ?? ''}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    // At least one scheduled renewal (50–80 % of 5 s) and a CA rotation with its bundle overlap.
    await eventually(() => (certOf()?.notAfter !== first!.notAfter ? true : undefined), 10_000, 'the certificate to be renewed')
    const rotation = await security.rotateCa()
    await rotation.done
    await new Promise((r) => setTimeout(r, 2_500))
    running = false
    await steady
    expect(failures).toEqual([])
    expect(okCount).toBeGreaterThan(50)
    expect(Date.parse(certOf()!.notAfter)).toBeGreaterThan(Date.parse(first!.notAfter))
    console.log(`steady xDS mTLS traffic: ${okCount} RPCs, ${failures.length} failed, across renewals and a CA rotation`)
  })
})

describe('a damaged CA key', () => {
  it('fails with the file named and the fix, and never makes a new CA', async () => {
    const keyFile = join(dir, 'ca', 'gen-2', 'ca-key.pem')
    expect(existsSync(keyFile)).toBe(true)
    writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n')
    const again = new SecurityService({ dataDir: dir })
    try {
      const failure = await again.workloadSecurity({ namespace: 'demo', serviceAccount: 'details', name: 'details-1' }).catch((err: unknown) => err)
      expect(failure).toMatchObject({ code: 'ca_unreadable', message: expect.stringContaining(keyFile), hint: expect.stringContaining('will not replace the CA') })
      expect(existsSync(join(dir, 'ca', 'gen-3'))).toBe(false)
    } finally {
      again.dispose()
    }
  })
})

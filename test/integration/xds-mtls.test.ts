import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServerCredentials, credentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js'
import { XdsChannelCredentials, XdsServer, XdsServerCredentials } from '@grpc/grpc-js-xds'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateProviders, type CertificateProviders } from '../../src/main/security'
import { CertificateAuthority, workloadCertificateFiles, writeWorkloadCertificate } from '../../src/main/security/io'
import type { MeshSecurity } from '../../src/main/xds'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { eventually, perChannelBootstrapOption, xdsClient, type XdsTestClient } from '../support/xds-grpc'
import { serviceEntryYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// mTLS end to end with real parts: the Meshdeck CA issues SPIFFE certificates into files, workload
// bootstraps name them as certificate_providers, the control plane's clusters and server listener
// refer to them, and real grpc-js-xds clients and an xDS server do the handshake.
let dir: string
let meshDir: MeshDir
let cp: ControlPlane
let server: XdsServer
let port: number
const clients: XdsTestClient[] = []
let providers: { reviews: CertificateProviders; productpage: CertificateProviders }

const strict: MeshSecurity = {
  providerInstance: 'meshdeck',
  trustedSanPrefix: 'spiffe://cluster.local/',
  clientMtls: () => true,
  serverRequiresMtls: () => true,
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshdeck-mtls-'))
  const ca = new CertificateAuthority({ dir: join(dir, 'ca'), trustDomain: 'cluster.local' })
  const issue = async (serviceAccount: string): Promise<CertificateProviders> => {
    const ref = { namespace: 'demo', serviceAccount }
    const files = workloadCertificateFiles(join(dir, 'workloads'), ref)
    await writeWorkloadCertificate(files, await ca.issue(ref))
    return certificateProviders(files, { refreshIntervalSeconds: 1 })
  }
  providers = { reviews: await issue('reviews'), productpage: await issue('productpage') }
  port = await freePort()
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', [serviceEntryYaml({ name: 'reviews', host: 'reviews.demo.svc.cluster.local', port: 9080 }), workloadEntryYaml({ name: 'reviews-1', app: 'reviews', port })])
  cp = await startControlPlane({ meshDir: meshDir.dir, security: strict })
  server = new XdsServer({ [perChannelBootstrapOption]: JSON.stringify(cp.bootstrap({ nodeId: 'reviews-1', certificateProviders: providers.reviews })) })
  server.register(
    '/demo.Echo/Call',
    (call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>) => {
      const auth = call.getAuthContext()
      callback(null, { backend: 'reviews', peer: `${auth.transportSecurityType ?? 'plaintext'} ${auth.sslPeerCertificate?.subjectaltname ?? ''}` })
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
  await cp?.dispose()
  await meshDir?.dispose()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function typeStatus(nodeId: string, type: string) {
  return cp.clients().find((c) => c.nodeId === nodeId)?.types.find((t) => t.type === type)
}

describe('mTLS from the control plane', () => {
  it('has clients and servers authenticate each other with the CA’s SPIFFE certificates', async () => {
    const c = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'productpage-1', certificateProviders: providers.productpage }), new XdsChannelCredentials(credentials.createInsecure()))
    clients.push(c)
    const outcome = await eventually(async () => {
      const o = await c.call()
      return o.code === status.OK ? o : undefined
    }, 15_000, 'an mTLS call to succeed')
    expect(outcome.peer).toBe('ssl URI:spiffe://cluster.local/ns/demo/sa/productpage')
  })

  it('refuses a plaintext client at a STRICT server', async () => {
    const plain = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'plain-1', certificateProviders: providers.productpage }))
    clients.push(plain)
    const outcome = await plain.call({}, 3000)
    expect(outcome.code).not.toBe(status.OK)
  })

  it('shows NACKED on CDS, with gRPC’s text, for a client whose bootstrap has no certificates', async () => {
    const bare = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'no-certs-1' }), new XdsChannelCredentials(credentials.createInsecure()))
    clients.push(bare)
    void bare.call({}, 2000)
    const cds = await eventually(() => (typeStatus('no-certs-1', 'CDS')?.status === 'NACKED' ? typeStatus('no-certs-1', 'CDS') : undefined), 10_000, 'CDS NACKED')
    expect(cds?.nack?.message).toMatch(/Unmatched UpstreamTlsContext.tls_certificate_provider_instance.instance_name: meshdeck/)
    expect(typeStatus('productpage-1', 'CDS')?.status).toBe('SYNCED')
  })

  it('turns mTLS off everywhere when security is cleared, and plaintext clients get through', async () => {
    cp.setSecurity(null)
    const plain = xdsClient('reviews:9080', cp.bootstrap({ nodeId: 'plain-2' }))
    clients.push(plain)
    const outcome = await eventually(async () => {
      const o = await plain.call({}, 3000)
      return o.code === status.OK ? o : undefined
    }, 15_000, 'a plaintext call to succeed')
    expect(outcome.peer?.trim()).toBe('plaintext')
    await eventually(() => (typeStatus('no-certs-1', 'CDS')?.status === 'SYNCED' ? true : undefined), 10_000, 'the certificate-less client to be SYNCED again')
    // And back: the running server requires client certificates again.
    cp.setSecurity(strict)
    await eventually(async () => ((await plain.call({}, 1000)).code !== status.OK ? true : undefined), 10_000, 'plaintext to be refused again')
  })
})

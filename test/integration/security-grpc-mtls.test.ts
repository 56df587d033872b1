import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerCertificate } from 'node:tls'
import * as grpc from '@grpc/grpc-js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { checkSpiffeServerIdentity, spiffeIdsOf } from '../../src/main/security'
import { SecurityService, type WorkloadSecurity } from '../../src/main/security/io'

// Real grpc-js servers and clients on loopback, using the certificates Meshdeck's CA issues.

const identity = (b: Buffer): Buffer => b
const whoAmIPath = '/meshdeck.test.Echo/WhoAmI'
const echoService: grpc.ServiceDefinition = {
  WhoAmI: {
    path: whoAmIPath,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
}

/** A server that answers with the SPIFFE IDs of the client certificate it saw. */
async function startServer(credentials: grpc.ServerCredentials): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server()
  server.addService(echoService, {
    WhoAmI: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const peer = call.getAuthContext().sslPeerCertificate
      callback(null, Buffer.from(JSON.stringify({ client: spiffeIdsOf(peer) })))
    },
  })
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))),
  )
  return { server, address: `127.0.0.1:${port}` }
}

function whoAmI(client: grpc.Client): Promise<{ client: string[] }> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(whoAmIPath, identity, identity, Buffer.alloc(0), { deadline: Date.now() + 5000 }, (err, value) =>
      err || !value ? reject(err ?? new Error('no response')) : resolve(JSON.parse(value.toString()) as { client: string[] }),
    ),
  )
}

const read = (file: string): Buffer => readFileSync(file)
function staticServerCredentials(w: WorkloadSecurity): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(read(w.files.caCertificateFile), [{ cert_chain: read(w.files.certificateFile), private_key: read(w.files.privateKeyFile) }], true)
}

const dirs: string[] = []
const services: SecurityService[] = []
const servers: grpc.Server[] = []
const clients: grpc.Client[] = []
function newService(options: Partial<ConstructorParameters<typeof SecurityService>[0]> = {}): SecurityService {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-mtls-'))
  dirs.push(dir)
  const service = new SecurityService({ dataDir: dir, ...options })
  services.push(service)
  return service
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))))
  for (const s of services.splice(0)) s.dispose()
})
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('mutual TLS with Meshdeck-issued SPIFFE certificates (real grpc-js)', () => {
  let mesh: SecurityService
  let server: WorkloadSecurity
  let client: WorkloadSecurity
  let address: string

  beforeAll(async () => {
    mesh = newService()
    server = await mesh.workloadSecurity({ namespace: 'shop', serviceAccount: 'checkout' })
    client = await mesh.workloadSecurity({ namespace: 'web', serviceAccount: 'frontend' })
  })

  async function serve(): Promise<void> {
    const started = await startServer(staticServerCredentials(server))
    servers.push(started.server)
    address = started.address
  }

  function dial(creds: grpc.ChannelCredentials): grpc.Client {
    const c = new grpc.Client(address, creds)
    clients.push(c)
    return c
  }

  it('connects both ways authenticated: the server sees the client SPIFFE ID, the client checks the server one', async () => {
    await serve()
    const seen: string[][] = []
    const check = checkSpiffeServerIdentity('spiffe://cluster.local/ns/shop/sa/checkout')
    const creds = grpc.credentials.createSsl(read(client.files.caCertificateFile), read(client.files.privateKeyFile), read(client.files.certificateFile), {
      checkServerIdentity: (host: string, cert: PeerCertificate) => {
        seen.push(spiffeIdsOf(cert))
        return check(host, cert)
      },
    })
    expect(await whoAmI(dial(creds))).toEqual({ client: ['spiffe://cluster.local/ns/web/sa/frontend'] })
    expect(seen).toEqual([['spiffe://cluster.local/ns/shop/sa/checkout']])
  })

  it('refuses a server whose SPIFFE ID is not the one expected', async () => {
    await serve()
    const creds = grpc.credentials.createSsl(read(client.files.caCertificateFile), read(client.files.privateKeyFile), read(client.files.certificateFile), {
      checkServerIdentity: checkSpiffeServerIdentity('spiffe://cluster.local/ns/shop/sa/payments'),
    })
    await expect(whoAmI(dial(creds))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE })
  })

  it('rejects a client whose certificate comes from another CA, and a client with no certificate', async () => {
    await serve()
    const stranger = await newService().workloadSecurity({ namespace: 'web', serviceAccount: 'frontend' })
    const check = { checkServerIdentity: checkSpiffeServerIdentity('spiffe://cluster.local/ns/shop/sa/checkout') }
    // The stranger trusts our CA, so only the server's check of the client certificate can stop it.
    const foreign = grpc.credentials.createSsl(read(client.files.caCertificateFile), read(stranger.files.privateKeyFile), read(stranger.files.certificateFile), check)
    await expect(whoAmI(dial(foreign))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE })
    const anonymous = grpc.credentials.createSsl(read(client.files.caCertificateFile), null, null, check)
    await expect(whoAmI(dial(anonymous))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE })
    // …while our own client on the same server still gets through.
    const own = grpc.credentials.createSsl(read(client.files.caCertificateFile), read(client.files.privateKeyFile), read(client.files.certificateFile), check)
    expect((await whoAmI(dial(own))).client).toEqual(['spiffe://cluster.local/ns/web/sa/frontend'])
  })
})

describe('certificate renewal and CA rotation under steady traffic (file-watching grpc-js credentials)', () => {
  it('fails no RPC while the server certificate is renewed and the CA is rotated, and new connections pick up the new certificates', async () => {
    // The server re-reads its files often, the client rarely: a new root must reach the slow
    // reader before any server presents a certificate from it, which is what the two-phase
    // rotation (bundle first, certificates after two refresh intervals) guarantees.
    const refreshIntervalMs = 100
    const clientRefreshIntervalMs = 600
    const mesh = newService({ bundlePropagationMs: 2 * clientRefreshIntervalMs + 100 })
    const server = await mesh.workloadSecurity({ namespace: 'shop', serviceAccount: 'checkout' })
    const client = await mesh.workloadSecurity({ namespace: 'web', serviceAccount: 'frontend' })
    // The same file-watching provider gRPC's xDS bootstrap configures (plugin file_watcher).
    const watch = (w: WorkloadSecurity, everyMs: number): grpc.experimental.FileWatcherCertificateProvider =>
      new grpc.experimental.FileWatcherCertificateProvider({ ...w.files, refreshIntervalMs: everyMs })
    const serverFiles = watch(server, refreshIntervalMs)
    const started = await startServer(grpc.experimental.createCertificateProviderServerCredentials(serverFiles, serverFiles, true))
    servers.push(started.server)

    const serverCertsSeen: X509Certificate[] = []
    const clientFiles = watch(client, clientRefreshIntervalMs)
    const check = checkSpiffeServerIdentity('spiffe://cluster.local/ns/shop/sa/checkout')
    const clientCreds = grpc.experimental.createCertificateProviderChannelCredentials(clientFiles, clientFiles, {
      checkServerIdentity: (host, cert) => {
        serverCertsSeen.push(new X509Certificate(cert.raw))
        return check(host, cert)
      },
    })

    let ok = 0
    const failures: string[] = []
    let running = true
    const longLived = new grpc.Client(started.address, clientCreds)
    clients.push(longLived)
    const steady = (async () => {
      while (running) {
        await whoAmI(longLived).then(() => ok++, (err: Error) => failures.push(`long-lived: ${err.message}`))
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    const freshConnections = (async () => {
      while (running) {
        // A new channel with its own credentials object forces a new TLS handshake each time.
        const creds = grpc.experimental.createCertificateProviderChannelCredentials(clientFiles, clientFiles, {
          checkServerIdentity: (host, cert) => {
            serverCertsSeen.push(new X509Certificate(cert.raw))
            return check(host, cert)
          },
        })
        const fresh = new grpc.Client(started.address, creds)
        await whoAmI(fresh).then(() => ok++, (err: Error) => failures.push(`new connection: ${err.message}`))
        fresh.close()
        await new Promise((r) => setTimeout(r, 40))
      }
    })()
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 2 * clientRefreshIntervalMs))
    const lastServerCert = (): X509Certificate => serverCertsSeen[serverCertsSeen.length - 1]!

    await settle()
    const original = lastServerCert()
    expect(BigInt(`0x${original.serialNumber}`)).toBe(BigInt(`0x${server.certificate.serial}`))

    // 1. A scheduled renewal of every workload.
    const [renewedServer] = (await mesh.renewer.renewAll('scheduled')).filter((c) => c.workload === 'shop/checkout')
    await settle()
    expect(BigInt(`0x${lastServerCert().serialNumber}`)).toBe(BigInt(`0x${renewedServer!.serial}`))

    // 2. A CA rotation: new root, bundle handed out first, certificates switched after.
    const rotation = await mesh.rotateCa()
    await rotation.done
    await settle()
    const newRoot = new X509Certificate(readFileSync(join(mesh.ca.dir, rotation.ca.generation, 'root-cert.pem')))
    expect(lastServerCert().checkIssued(newRoot)).toBe(true)
    expect(lastServerCert().verify(newRoot.publicKey)).toBe(true)
    expect(original.verify(newRoot.publicKey)).toBe(false)

    running = false
    await Promise.all([steady, freshConnections])
    expect(failures).toEqual([])
    expect(ok).toBeGreaterThan(30)
    console.log(`steady traffic: ${ok} RPCs, ${failures.length} failed, ${new Set(serverCertsSeen.map((c) => c.serialNumber)).size} server certificates seen`)
  })
})

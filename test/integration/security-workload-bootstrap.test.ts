import { spawn } from 'node:child_process'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServerCredentials, credentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// grpc-js-xds reads its feature switches once, when it loads: the user's server must run with RBAC
// on (GRPC_XDS_EXPERIMENTAL_RBAC, as docs/security.md says) for AuthorizationPolicy to apply.
vi.hoisted(() => {
  process.env.GRPC_XDS_EXPERIMENTAL_RBAC = 'true'
})

import { XdsChannelCredentials, XdsServer, XdsServerCredentials } from '@grpc/grpc-js-xds'
import type { BootstrapCertificatesDto } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { eventually, perChannelBootstrapOption, xdsClient, type CallOutcome, type XdsTestClient } from '../support/xds-grpc'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// A user's own workloads (not the demo's) on mTLS: a real grpc-js-xds server whose bootstrap comes
// from the `meshdeck bootstrap --certs` command and real grpc-js-xds clients whose bootstraps come
// from the mesh.bootstrap method, all served by a real Meshdeck's control plane with STRICT
// PeerAuthentication, an ISTIO_MUTUAL DestinationRule and an AuthorizationPolicy naming one caller.

const root = join(__dirname, '..', '..')
const host = 'echo.shop.svc.cluster.local'
let dataDir: string
let meshDir: MeshDir
let meshdeck: Meshdeck
let server: XdsServer
let serverPort: number
let xdsPort: number
let cli: { code: number | null; stdout: string; stderr: string }
let serverBootstrapFile: string
const clients: XdsTestClient[] = []

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

/** The real CLI entry (src/cli/meshdeck.ts), run as a person runs it, in a process of its own. */
function runCli(args: string[], home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'meshdeck.ts'), ...args], {
      cwd: root,
      env: { ...process.env, MESHDECK_HOME: home, TSX_TSCONFIG_PATH: join(root, 'tsconfig.node.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const meshYaml = (port: number): Record<string, unknown>[] => [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'echo', namespace: 'shop' },
    spec: { hosts: [host], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 9080, name: 'grpc', protocol: 'GRPC' }], workloadSelector: { labels: { app: 'echo' } } },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: 'echo-server-1', namespace: 'shop' },
    spec: { address: '127.0.0.1', ports: { grpc: port }, labels: { app: 'echo' }, serviceAccount: 'echo-server' },
  },
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec: { mtls: { mode: 'STRICT' } } },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'echo', namespace: 'shop' },
    spec: { host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'echo-callers', namespace: 'shop' },
    spec: { selector: { matchLabels: { app: 'echo' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/echo-client'] } }] }] },
  },
]

async function apiBootstrap(nodeId: string, serviceAccount: string): Promise<{ bootstrap: Record<string, unknown>; certificates?: BootstrapCertificatesDto }> {
  return meshdeck.router.invoke('mesh.bootstrap', { nodeId, certificates: { namespace: 'shop', serviceAccount } })
}

function client(bootstrap: object): XdsTestClient {
  const c = xdsClient(`${host}:9080`, bootstrap, new XdsChannelCredentials(credentials.createInsecure()))
  clients.push(c)
  return c
}

const outcome = (c: XdsTestClient, code: number, what: string): Promise<CallOutcome> =>
  eventually(async () => {
    const o = await c.call({}, 3000)
    return o.code === code ? o : undefined
  }, 30_000, what)

const leafOf = (file: string): X509Certificate => new X509Certificate(readFileSync(file, 'utf8'))

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-own-mtls-'))
  writeFileSync(join(dataDir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  ;[serverPort, xdsPort] = [await freePort(), await freePort()]
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', meshYaml(serverPort))

  // The server's bootstrap, made the way a user makes it before any Meshdeck runs.
  serverBootstrapFile = join(dataDir, 'echo-server.bootstrap.json')
  cli = await runCli(
    ['bootstrap', '--node-id', 'echo-server-1', '--certs', '--namespace', 'shop', '--service-account', 'echo-server', '--xds-port', String(xdsPort), '--out', serverBootstrapFile],
    dataDir,
  )
  if (cli.code !== 0) throw new Error(`meshdeck bootstrap failed (${cli.code}):\n${cli.stderr}`)

  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: join(dataDir, 'kubeconfig'), dataDir, meshDir: meshDir.dir, xdsPort })
  server = new XdsServer({ [perChannelBootstrapOption]: readFileSync(serverBootstrapFile, 'utf8') })
  server.register(
    '/demo.Echo/Call',
    (call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>) => {
      const auth = call.getAuthContext()
      callback(null, { backend: 'echo', peer: `${auth.transportSecurityType ?? 'plaintext'} ${auth.sslPeerCertificate?.subjectaltname ?? ''}`.trim() })
    },
    (value: object) => Buffer.from(JSON.stringify(value)),
    (buffer: Buffer) => JSON.parse(buffer.toString()) as object,
    'unary',
  )
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${serverPort}`, new XdsServerCredentials(ServerCredentials.createInsecure()), (err) => (err ? reject(err) : resolve())),
  )
}, 120_000)

afterAll(async () => {
  for (const c of clients) c.close()
  server?.forceShutdown()
  await meshdeck?.dispose()
  await meshDir?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('meshdeck bootstrap --certs (the CLI)', () => {
  it('issues the workload’s SPIFFE certificate with a 0600 key, names it in the bootstrap, and says who renews it', () => {
    const bootstrap = JSON.parse(readFileSync(serverBootstrapFile, 'utf8')) as {
      node: { metadata: Record<string, unknown> }
      certificate_providers: Record<string, { plugin_name: string; config: Record<string, string> }>
    }
    const dir = join(dataDir, 'workload-certs', 'shop', 'echo-server-1')
    expect(bootstrap.certificate_providers).toEqual({
      meshdeck: {
        plugin_name: 'file_watcher',
        config: { certificate_file: join(dir, 'cert-chain.pem'), private_key_file: join(dir, 'key.pem'), ca_certificate_file: join(dir, 'root-cert.pem'), refresh_interval: '30s' },
      },
    })
    expect(bootstrap.node.metadata).toEqual({ NAMESPACE: 'shop', WORKLOAD_NAME: 'echo-server-1' })
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600)
    const leaf = leafOf(join(dir, 'cert-chain.pem'))
    expect(leaf.subjectAltName).toBe('URI:spiffe://cluster.local/ns/shop/sa/echo-server')
    expect(leaf.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'key.pem'))))).toBe(true)
    expect(leaf.verify(leafOf(join(dir, 'root-cert.pem')).publicKey)).toBe(true)

    expect(cli.stderr).toContain('issued spiffe://cluster.local/ns/shop/sa/echo-server')
    expect(cli.stderr).toMatch(/the certificate lives 24 h: it expires at \d{4}-/)
    expect(cli.stderr).toContain(`Renewal needs a running Meshdeck on the same data folder: \`meshdeck serve\` (or the desktop app) with MESHDECK_HOME=${dataDir}`)
  })

  it('is taken over by the Meshdeck started later on the same data folder: renewed there, for the same key', () => {
    const dir = join(dataDir, 'workload-certs', 'shop', 'echo-server-1')
    const cert = meshdeck.security.certificateDtos().find((c) => c.workload === 'shop/echo-server-1')
    expect(cert).toMatchObject({ spiffeId: 'spiffe://cluster.local/ns/shop/sa/echo-server', directory: dir, lastError: null })
    // The running Meshdeck wrote a certificate of its own (its serial), certifying the CLI's key.
    const leaf = leafOf(join(dir, 'cert-chain.pem'))
    expect(BigInt(`0x${leaf.serialNumber}`)).toBe(BigInt(`0x${cert!.serial}`))
    expect(leaf.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'key.pem'))))).toBe(true)
  })
})

describe('mesh.bootstrap with certificates (the API)', () => {
  it('returns paths and the identity, never key material, and writes a 0600 key', async () => {
    const result = await apiBootstrap('echo-client-1', 'echo-client')
    const dir = join(dataDir, 'workload-certs', 'shop', 'echo-client-1')
    expect(result.certificates).toMatchObject({
      spiffeId: 'spiffe://cluster.local/ns/shop/sa/echo-client',
      workload: 'echo-client-1',
      directory: dir,
      privateKeyFile: join(dir, 'key.pem'),
      registrationFile: join(dataDir, 'registered-workloads', 'shop', 'echo-client-1.json'),
    })
    expect(result.bootstrap).toMatchObject({ certificate_providers: { meshdeck: { plugin_name: 'file_watcher', config: { private_key_file: join(dir, 'key.pem') } } } })
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600)
    const text = JSON.stringify(result)
    expect(text).not.toContain('PRIVATE KEY')
    expect(text).not.toContain('BEGIN')
  })

  it('refuses a bad identity, any folder choice (API) and another trust domain with the field and the fix, writing nothing', async () => {
    const call = (certificates: Record<string, unknown>): Promise<unknown> => meshdeck.router.call('mesh.bootstrap', { nodeId: 'bad-1', certificates })
    expect(await call({ namespace: 'Shop', serviceAccount: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_identity', message: 'namespace "Shop" is not a valid Kubernetes name.', hint: expect.stringContaining('lowercase letters') },
    })
    expect(await call({ namespace: 'shop', serviceAccount: 'a_b' })).toMatchObject({ ok: false, error: { code: 'invalid_identity', message: 'serviceAccount "a_b" is not a valid Kubernetes name.' } })
    // The API never lets a caller choose where keys are written (only the CLI's --certs-dir does).
    expect(await call({ namespace: 'shop', serviceAccount: 'a', certsDir: '/tmp/elsewhere' })).toMatchObject({ ok: false, error: { code: 'invalid_params', message: expect.stringContaining('certsDir') } })
    expect(await call({ namespace: 'shop', serviceAccount: 'a', trustDomain: 'example.org' })).toMatchObject({
      ok: false,
      error: { code: 'trust_domain_mismatch', message: expect.stringContaining('"cluster.local", not "example.org"') },
    })
    expect(existsSync(join(dataDir, 'workload-certs', 'shop', 'bad-1'))).toBe(false)
    expect(existsSync(join(dataDir, 'registered-workloads', 'shop', 'bad-1.json'))).toBe(false)
    expect(existsSync(join(dataDir, 'workload-certs', 'Shop'))).toBe(false)
  })
})

describe('the user’s own workloads on mTLS', () => {
  it('STRICT + ISTIO_MUTUAL: the named caller gets through and the server sees its SPIFFE ID; another identity is denied, plaintext refused', async () => {
    const allowed = client((await apiBootstrap('echo-client-2', 'echo-client')).bootstrap)
    const ok = await outcome(allowed, status.OK, 'the echo-client call to succeed over mTLS')
    expect(ok.peer).toBe('ssl URI:spiffe://cluster.local/ns/shop/sa/echo-client')

    // A workload with a certificate of its own, but not the identity the AuthorizationPolicy names.
    const intruder = client((await apiBootstrap('intruder-1', 'intruder')).bootstrap)
    expect((await outcome(intruder, status.PERMISSION_DENIED, 'the intruder to be denied')).code).toBe(status.PERMISSION_DENIED)

    // A bootstrap without certificates cannot speak mTLS to a STRICT server at all.
    const { bootstrap } = await meshdeck.router.invoke('mesh.bootstrap', { nodeId: 'plain-1' })
    const plain = client(bootstrap)
    expect((await plain.call({}, 3000)).code).toBe(status.UNAVAILABLE)

    // The Security page sees the server's port as STRICT, served with mTLS, with its certificate.
    const echo = (await meshdeck.router.invoke('security.mtlsStatus', {})).workloads.find((w) => w.name === 'echo-server-1')
    expect(echo).toMatchObject({ namespace: 'shop', spiffeId: 'spiffe://cluster.local/ns/shop/sa/echo-server' })
    expect(echo?.ports[0]).toMatchObject({ mode: 'STRICT', serves: 'mtls', authorization: ['AuthorizationPolicy shop/echo-callers'] })
    expect(echo?.certificate?.spiffeId).toBe('spiffe://cluster.local/ns/shop/sa/echo-server')
  })
})

describe('without a control plane', () => {
  it('mesh.bootstrap with certificates answers unavailable and writes no key', async () => {
    const home = mkdtempSync(join(tmpdir(), 'meshdeck-own-mtls-off-'))
    writeFileSync(join(home, 'kubeconfig'), 'apiVersion: v1\nkind: Config\ncontexts: []\n')
    const off = await createMeshdeck({ mode: 'web', kubeconfig: join(home, 'kubeconfig'), dataDir: home })
    try {
      expect(await off.router.call('mesh.bootstrap', { nodeId: 'x', certificates: { namespace: 'shop', serviceAccount: 'x' } })).toMatchObject({
        ok: false,
        error: { code: 'unavailable', hint: expect.stringMatching(/--mesh-dir/) },
      })
      expect(existsSync(join(home, 'ca'))).toBe(false)
      expect(existsSync(join(home, 'workload-certs'))).toBe(false)
    } finally {
      await off.dispose()
      rmSync(home, { recursive: true, force: true })
    }
  })
})

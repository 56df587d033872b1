import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { SecurityService, bootstrapWorkloadName, type RenewalReason, type WorkloadCertificate } from '../../src/main/security/io'

// Workloads given their own certificates (`meshdeck bootstrap --certs`, mesh.bootstrap) are
// registered in the data folder; whichever Meshdeck runs on it keeps their files renewed.

const root = mkdtempSync(join(tmpdir(), 'meshdeck-registry-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const fresh = (): string => join(root, `t-${++n}`)
const services: SecurityService[] = []
afterEach(() => {
  for (const s of services.splice(0)) s.dispose()
})
function service(options: ConstructorParameters<typeof SecurityService>[0]): SecurityService {
  const s = new SecurityService(options)
  services.push(s)
  return s
}

const leafOf = (file: string): X509Certificate => new X509Certificate(readFileSync(file, 'utf8'))
const serialOf = (file: string): string => BigInt(`0x${leafOf(file).serialNumber}`).toString(16)

function renewals(s: SecurityService, count: number): Promise<{ cert: WorkloadCertificate; reason: RenewalReason }[]> {
  const seen: { cert: WorkloadCertificate; reason: RenewalReason }[] = []
  return new Promise((resolve) => {
    const sub = s.onCertificateRenewed((cert, reason) => {
      seen.push({ cert, reason })
      if (seen.length === count) {
        sub.dispose()
        resolve(seen)
      }
    })
  })
}

async function until<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('registered workloads', () => {
  it('a Meshdeck started later on the data folder takes the workload over and writes renewed certificates for the same key', async () => {
    const dataDir = fresh()
    const certsDir = join(fresh(), 'my-certs')
    // What `meshdeck bootstrap --certs --certs-dir DIR` does, then exits.
    const cli = new SecurityService({ dataDir })
    const issued = await cli.registerWorkload({ namespace: 'shop', serviceAccount: 'checkout', workload: 'checkout-1', certsDir })
    cli.dispose()
    expect(issued.files.dir).toBe(certsDir)
    const key = readFileSync(join(certsDir, 'key.pem'), 'utf8')
    expect(statSync(join(certsDir, 'key.pem')).mode & 0o777).toBe(0o600)

    // `meshdeck serve` on the same data folder, with 3 s certificates so renewals come quickly.
    const serve = service({ dataDir, certificateTtlMs: 3000 })
    const seen = renewals(serve, 3)
    await serve.renewRegisteredWorkloads()
    const [takeover, first, second] = await seen
    expect(takeover!.reason).toBe('issued')
    expect([first!.reason, second!.reason]).toEqual(['scheduled', 'scheduled'])
    expect(second!.cert.serial).not.toBe(takeover!.cert.serial)
    expect(second!.cert.spiffeId).toBe('spiffe://cluster.local/ns/shop/sa/checkout')
    // The renewed certificate is on disk in the folder the user chose, for the key the workload holds.
    expect(serialOf(join(certsDir, 'cert-chain.pem'))).toBe(BigInt(`0x${second!.cert.serial}`).toString(16))
    expect(readFileSync(join(certsDir, 'key.pem'), 'utf8')).toBe(key)
    expect(statSync(join(certsDir, 'key.pem')).mode & 0o777).toBe(0o600)
    expect(leafOf(join(certsDir, 'cert-chain.pem')).checkPrivateKey(createPrivateKey(key))).toBe(true)
    expect(serve.certificateDtos().map((c) => [c.workload, c.directory])).toEqual([['shop/checkout-1', certsDir]])
  })

  it('a running Meshdeck picks up a workload registered by another process, and stops on a deleted registration', async () => {
    const dataDir = fresh()
    const serve = service({ dataDir })
    await serve.renewRegisteredWorkloads({ scanIntervalMs: 100 })
    expect(serve.certificateDtos()).toEqual([])

    const cli = new SecurityService({ dataDir })
    const issued = await cli.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1' })
    cli.dispose()
    const key = readFileSync(issued.files.privateKeyFile, 'utf8')
    const taken = await until(() => serve.certificateDtos().find((c) => c.workload === 'shop/cart-1'), 'the running Meshdeck to take cart-1 over')
    expect(taken).toMatchObject({ spiffeId: 'spiffe://cluster.local/ns/shop/sa/cart', directory: join(dataDir, 'workload-certs', 'shop', 'cart-1') })
    expect(readFileSync(issued.files.privateKeyFile, 'utf8')).toBe(key)

    rmSync(issued.registrationFile)
    await until(() => (serve.certificateDtos().length === 0 ? true : undefined), 'cart-1 to be released')
  })

  it('registering the same workload again certifies the key it already has', async () => {
    const s = service({ dataDir: fresh() })
    const first = await s.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1' })
    const key = readFileSync(first.files.privateKeyFile, 'utf8')
    const again = await s.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1' })
    expect(again.certificate.serial).not.toBe(first.certificate.serial)
    expect(readFileSync(first.files.privateKeyFile, 'utf8')).toBe(key)
    expect(leafOf(first.files.certificateFile).checkPrivateKey(createPrivateKey(key))).toBe(true)
  })

  it('refuses a folder whose key.pem it cannot certify, naming the file, and overwrites nothing', async () => {
    const s = service({ dataDir: fresh() })
    const certsDir = fresh()
    mkdirSync(certsDir, { recursive: true })
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    writeFileSync(join(certsDir, 'key.pem'), rsa, { mode: 0o600 })
    await expect(s.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1', certsDir })).rejects.toMatchObject({
      code: 'workload_key_unusable',
      message: expect.stringContaining(`${join(certsDir, 'key.pem')} is not a key Meshdeck can certify`),
    })
    expect(readFileSync(join(certsDir, 'key.pem'), 'utf8')).toBe(rsa)
    expect(existsSync(join(certsDir, 'cert-chain.pem'))).toBe(false)
    expect(s.certificateDtos()).toEqual([])

    chmodSync(join(certsDir, 'key.pem'), 0o644)
    await expect(s.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1', certsDir })).rejects.toMatchObject({
      code: 'workload_key_insecure',
      hint: `Run: chmod 600 ${join(certsDir, 'key.pem')}`,
    })
  })

  it('reports a registration it cannot serve (once) and keeps serving the others', async () => {
    const dataDir = fresh()
    const cli = new SecurityService({ dataDir })
    const good = await cli.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1' })
    const bad = await cli.registerWorkload({ namespace: 'shop', serviceAccount: 'pay', workload: 'pay-1' })
    cli.dispose()
    chmodSync(bad.files.privateKeyFile, 0o644)
    const damaged = join(dataDir, 'registered-workloads', 'shop', 'broken.json')
    writeFileSync(damaged, '{ not json')

    const problems: string[] = []
    const serve = service({ dataDir })
    await serve.renewRegisteredWorkloads({ scanIntervalMs: 50, onProblem: (m) => problems.push(m) })
    await new Promise((r) => setTimeout(r, 300))
    expect(serve.certificateDtos().map((c) => c.workload)).toEqual(['shop/cart-1'])
    expect(serve.certificateDtos()[0]!.directory).toBe(good.files.dir)
    expect(problems).toEqual([
      `workload registration ${damaged}: is not a valid workload registration (damaged JSON)`,
      `workload registration ${bad.registrationFile}: The workload key ${bad.files.privateKeyFile} can be read by other users (mode 644). Run: chmod 600 ${bad.files.privateKeyFile}`,
    ])

    // Fixed while running: taken over on the next scan.
    chmodSync(bad.files.privateKeyFile, 0o600)
    await until(() => serve.certificateDtos().find((c) => c.workload === 'shop/pay-1'), 'pay-1 to be taken over once its key is private')
  })

  it('makes a new CA with the trust domain asked for, and refuses another one afterwards, before writing anything', async () => {
    const dataDir = fresh()
    const first = service({ dataDir, trustDomain: 'example.org' })
    const issued = await first.registerWorkload({ namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1', trustDomain: 'example.org' })
    expect(leafOf(issued.files.certificateFile).subjectAltName).toBe('URI:spiffe://example.org/ns/shop/sa/cart')

    const second = service({ dataDir, trustDomain: 'other.org' })
    await expect(second.registerWorkload({ namespace: 'shop', serviceAccount: 'pay', workload: 'pay-1', trustDomain: 'other.org' })).rejects.toMatchObject({
      code: 'trust_domain_mismatch',
      message: 'This mesh\'s trust domain is "example.org", not "other.org"; a certificate from its CA cannot carry another one.',
    })
    expect(existsSync(join(dataDir, 'workload-certs', 'shop', 'pay-1'))).toBe(false)
    expect(existsSync(join(dataDir, 'registered-workloads', 'shop', 'pay-1.json'))).toBe(false)
  })

  it('names the workload after the node id when it can name a folder, and asks for a name otherwise', () => {
    expect(bootstrapWorkloadName('reviews-1', undefined)).toBe('reviews-1')
    expect(bootstrapWorkloadName('sidecar~127.0.0.1~r.shop~shop.svc.cluster.local', 'reviews-1')).toBe('reviews-1')
    expect(() => bootstrapWorkloadName('sidecar~127.0.0.1~r.shop~shop.svc.cluster.local', undefined)).toThrow(/cannot name the workload's certificate folder/)
  })
})

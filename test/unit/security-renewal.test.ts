import { X509Certificate, createPrivateKey } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { certificateProviders, renewalTime } from '../../src/main/security'
import { CertificateAuthority, CertificateRenewer, type RenewalReason, type WorkloadCertificate } from '../../src/main/security/io'

const root = mkdtempSync(join(tmpdir(), 'meshdeck-renew-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const fresh = (): string => join(root, `t-${++n}`)
const renewers: CertificateRenewer[] = []
afterEach(() => {
  for (const r of renewers.splice(0)) r.dispose()
})

function certsIn(file: string): X509Certificate[] {
  return (readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p))
}

const serialOf = (file: string): bigint => BigInt(`0x${certsIn(file)[0]!.serialNumber}`)

function nextRenewal(renewer: CertificateRenewer): Promise<{ cert: WorkloadCertificate; reason: RenewalReason; at: number }> {
  return new Promise((resolve) => {
    const sub = renewer.onRenewed((cert, reason) => {
      sub.dispose()
      resolve({ cert, reason, at: Date.now() })
    })
  })
}

describe('renewal time', () => {
  it('falls between 50 % and 80 % of the certificate life, spread by the jitter', () => {
    const notBefore = new Date('2026-01-01T00:00:00Z')
    const notAfter = new Date('2026-01-02T00:00:00Z')
    const hours = (d: Date): number => (d.getTime() - notBefore.getTime()) / 3600_000
    expect(hours(renewalTime(notBefore, notAfter, () => 0))).toBe(12)
    expect(hours(renewalTime(notBefore, notAfter, () => 1))).toBeCloseTo(19.2)
    expect(hours(renewalTime(notBefore, notAfter, () => 0.5))).toBeCloseTo(15.6)
    const spread = Array.from({ length: 500 }, () => hours(renewalTime(notBefore, notAfter)))
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(12)
    expect(Math.max(...spread)).toBeLessThanOrEqual(19.2)
    expect(new Set(spread.map((h) => Math.floor(h))).size).toBeGreaterThan(4)
  })
})

describe('workload certificate files', () => {
  it('writes cert chain, a 0600 key and the CA bundle in a per-workload folder, and a bootstrap block grpc-js-xds accepts', async () => {
    const dir = fresh()
    const ca = new CertificateAuthority({ dir: join(dir, 'ca') })
    const renewer = new CertificateRenewer({ ca, dir: join(dir, 'workloads') })
    renewers.push(renewer)
    const cert = await renewer.ensure({ namespace: 'shop', serviceAccount: 'checkout', name: 'checkout-v2' })

    expect(cert.files.dir).toBe(join(dir, 'workloads', 'shop', 'checkout-v2'))
    expect(statSync(cert.files.privateKeyFile).mode & 0o777).toBe(0o600)
    const [leaf] = certsIn(cert.files.certificateFile)
    const [anchor] = certsIn(cert.files.caCertificateFile)
    expect(leaf!.subjectAltName).toBe('URI:spiffe://cluster.local/ns/shop/sa/checkout')
    expect(leaf!.verify(anchor!.publicKey)).toBe(true)
    expect(renewer.list().map((c) => c.workload)).toEqual(['shop/checkout-v2'])

    const providers = certificateProviders(cert.files, { refreshIntervalSeconds: 5 })
    expect(providers).toEqual({
      meshdeck: {
        plugin_name: 'file_watcher',
        config: {
          certificate_file: cert.files.certificateFile,
          private_key_file: cert.files.privateKeyFile,
          ca_certificate_file: cert.files.caCertificateFile,
          refresh_interval: '5s',
        },
      },
    })
    // grpc-js-xds's own bootstrap validator is the judge of the block's shape.
    const require = createRequire(import.meta.url)
    const { validateBootstrapConfig } = require('@grpc/grpc-js-xds/build/src/xds-bootstrap') as {
      validateBootstrapConfig(obj: unknown): { certificateProviders: Record<string, { pluginName: string; config: { refreshIntervalMs: number; privateKeyFile: string } }> }
    }
    const parsed = validateBootstrapConfig({
      xds_servers: [{ server_uri: '127.0.0.1:15010', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: 'shop~checkout', locality: {} },
      certificate_providers: providers,
    })
    expect(parsed.certificateProviders.meshdeck).toMatchObject({
      pluginName: 'file_watcher',
      config: { refreshIntervalMs: 5000, privateKeyFile: cert.files.privateKeyFile },
    })
  })

  it('refuses a workload name that could leave its folder, naming the field', async () => {
    const dir = fresh()
    const renewer = new CertificateRenewer({ ca: new CertificateAuthority({ dir: join(dir, 'ca') }), dir: join(dir, 'w') })
    renewers.push(renewer)
    await expect(renewer.ensure({ namespace: 'a', serviceAccount: 'b', name: '../../etc' })).rejects.toMatchObject({
      code: 'invalid_identity',
      message: 'workload name "../../etc" is not a valid Kubernetes name.',
    })
    expect(existsSync(join(dir, 'ca'))).toBe(false)
  })

  it('asks the CA once for a workload requested by many callers at once', async () => {
    const dir = fresh()
    const renewer = new CertificateRenewer({ ca: new CertificateAuthority({ dir: join(dir, 'ca') }), dir: join(dir, 'w') })
    renewers.push(renewer)
    const issued: string[] = []
    renewer.onRenewed((c) => issued.push(c.serial))
    const all = await Promise.all([1, 2, 3].map(() => renewer.ensure({ namespace: 'a', serviceAccount: 'b' })))
    expect(new Set(all.map((c) => c.serial)).size).toBe(1)
    expect(issued).toHaveLength(1)
  })

  it('renews on its own between 50 % and 80 % of life, rewrites the files, and says so', async () => {
    const dir = fresh()
    const ca = new CertificateAuthority({ dir: join(dir, 'ca') })
    const renewer = new CertificateRenewer({ ca, dir: join(dir, 'w'), ttlMs: 3000 })
    renewers.push(renewer)
    const first = await renewer.ensure({ namespace: 'a', serviceAccount: 'b' })
    const keyBefore = readFileSync(first.files.privateKeyFile, 'utf8')
    const life = first.notAfter.getTime() - first.notBefore.getTime()
    const renewed = await nextRenewal(renewer)
    expect(renewed.reason).toBe('scheduled')
    expect(renewed.cert.serial).not.toBe(first.serial)
    const at = (renewed.at - first.notBefore.getTime()) / life
    expect(at).toBeGreaterThanOrEqual(0.5)
    expect(at).toBeLessThan(0.95) // 80 % plus the time the issue itself takes
    expect(serialOf(first.files.certificateFile)).toBe(BigInt(`0x${renewed.cert.serial}`))
    // The key file is never rewritten under a running workload: the new certificate certifies the same key.
    expect(readFileSync(first.files.privateKeyFile, 'utf8')).toBe(keyBefore)
    expect(certsIn(first.files.certificateFile)[0]!.checkPrivateKey(createPrivateKey(keyBefore))).toBe(true)
  })

  it('re-issues every workload after a CA rotation, with both roots in the bundle', async () => {
    const dir = fresh()
    const ca = new CertificateAuthority({ dir: join(dir, 'ca') })
    const renewer = new CertificateRenewer({ ca, dir: join(dir, 'w') })
    renewers.push(renewer)
    await renewer.ensure({ namespace: 'a', serviceAccount: 'one' })
    await renewer.ensure({ namespace: 'a', serviceAccount: 'two' })
    const rotated = await ca.rotate()
    const reasons: RenewalReason[] = []
    renewer.onRenewed((_c, reason) => reasons.push(reason))
    const after = await renewer.renewAll('ca-rotated')
    expect(reasons).toEqual(['ca-rotated', 'ca-rotated'])
    for (const cert of after) {
      const [leaf] = certsIn(cert.files.certificateFile)
      const bundle = certsIn(cert.files.caCertificateFile)
      expect(bundle.map((c) => c.fingerprint256)).toEqual(rotated.trustBundle.map((r) => r.fingerprint))
      expect(bundle).toHaveLength(2)
      expect(leaf!.verify(bundle[0]!.publicKey)).toBe(true)
    }
  })

  it('keeps the current files and records the error when a renewal fails, then recovers', async () => {
    const dir = fresh()
    let clock = Date.now()
    const ca = new CertificateAuthority({ dir: join(dir, 'ca'), now: () => new Date(clock) })
    const renewer = new CertificateRenewer({ ca, dir: join(dir, 'w'), ttlMs: 1000, retryMs: 300 })
    renewers.push(renewer)
    const first = await renewer.ensure({ namespace: 'a', serviceAccount: 'b' })
    const keyBefore = readFileSync(first.files.privateKeyFile, 'utf8')
    clock += 20 * 365 * 24 * 3600_000 // the CA has expired by then
    await new Promise((r) => setTimeout(r, 1000))
    const failed = renewer.list()[0]!
    expect(failed.serial).toBe(first.serial)
    expect(failed.lastError).toMatch(/mesh CA certificate expired/)
    expect(readFileSync(first.files.privateKeyFile, 'utf8')).toBe(keyBefore)
    clock = Date.now()
    const recovered = await nextRenewal(renewer)
    expect(recovered.cert.lastError).toBeNull()
    expect(recovered.cert.serial).not.toBe(first.serial)
  })

  it('stops renewing once disposed', async () => {
    const dir = fresh()
    const renewer = new CertificateRenewer({ ca: new CertificateAuthority({ dir: join(dir, 'ca') }), dir: join(dir, 'w'), ttlMs: 600 })
    const first = await renewer.ensure({ namespace: 'a', serviceAccount: 'b' })
    const seen: string[] = []
    renewer.onRenewed((c) => seen.push(c.serial))
    renewer.dispose()
    await new Promise((r) => setTimeout(r, 800))
    expect(seen).toEqual([])
    expect(serialOf(first.files.certificateFile)).toBe(BigInt(`0x${first.serial}`))
  })
})

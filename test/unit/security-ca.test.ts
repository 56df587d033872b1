import { X509Certificate, createPrivateKey } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MeshdeckError } from '@shared/contract'
import { CertificateAuthority } from '../../src/main/security/io'

const root = mkdtempSync(join(tmpdir(), 'meshdeck-ca-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const freshDir = (): string => join(root, `ca-${++n}`)

function certs(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p))
}

/** True when some certificate of the bundle issued and signed `leafIssuer`'s chain top. */
function chainsTo(chainPem: string, bundlePem: string): boolean {
  const chain = certs(chainPem)
  for (let i = 0; i + 1 < chain.length; i++) if (!chain[i]!.verify(chain[i + 1]!.publicKey)) return false
  const top = chain[chain.length - 1]!
  return certs(bundlePem).some((anchor) => top.checkIssued(anchor) && top.verify(anchor.publicKey))
}

async function caught(promise: Promise<unknown>): Promise<MeshdeckError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof MeshdeckError) return err
    throw err
  }
  throw new Error('expected a MeshdeckError')
}

describe('the mesh CA', () => {
  it('writes nothing until first used, then creates a self-signed P-256 root with its key at mode 0600', async () => {
    const dir = freshDir()
    const ca = new CertificateAuthority({ dir })
    expect(await ca.summary()).toBeNull()
    expect(existsSync(dir)).toBe(false)

    const stored = await ca.ensure()
    const keyFile = join(dir, stored.current.name, 'ca-key.pem')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    const rootCert = new X509Certificate(readFileSync(join(dir, stored.current.name, 'ca-cert.pem')))
    expect(rootCert.ca).toBe(true)
    expect(rootCert.checkIssued(rootCert)).toBe(true)
    expect(rootCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(rootCert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))).toBe(true)

    const summary = await ca.summary()
    expect(summary).toMatchObject({ trustDomain: 'cluster.local', kind: 'self-signed' })
    expect(summary?.root.fingerprint).toBe(rootCert.fingerprint256)
    expect(new Date(summary!.root.notAfter).getTime() - Date.now()).toBeGreaterThan(9 * 365 * 24 * 3600_000)
  })

  it('loads the same CA on the next start instead of making a new one', async () => {
    const dir = freshDir()
    await new CertificateAuthority({ dir }).ensure()
    const first = await new CertificateAuthority({ dir }).summary()
    const again = await new CertificateAuthority({ dir, trustDomain: 'other.domain' }).summary()
    expect(again?.root.fingerprint).toBe(first?.root.fingerprint)
    // The stored trust domain wins: changing it would change every identity in the mesh.
    expect(again?.trustDomain).toBe('cluster.local')
  })

  it('makes only one CA when many callers need it at once', async () => {
    const dir = freshDir()
    const ca = new CertificateAuthority({ dir })
    const all = await Promise.all([ca.ensure(), ca.ensure(), ca.issue({ namespace: 'a', serviceAccount: 'b' })])
    expect(readdirSync(dir).filter((f) => f.startsWith('gen-'))).toEqual(['gen-1'])
    expect(all[0]).toBe(all[1])
  })

  it('issues a 24 h SPIFFE X.509-SVID for ns/sa, usable for client and server, chained to the CA', async () => {
    const ca = new CertificateAuthority({ dir: freshDir(), trustDomain: 'example.org' })
    const issued = await ca.issue({ namespace: 'shop', serviceAccount: 'checkout' })
    const [leaf] = certs(issued.certChainPem)
    const [anchor] = certs(issued.trustBundlePem)
    expect(issued.spiffeId).toBe('spiffe://example.org/ns/shop/sa/checkout')
    expect(leaf!.subjectAltName).toBe('URI:spiffe://example.org/ns/shop/sa/checkout')
    expect(leaf!.ca).toBe(false)
    expect(leaf!.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])
    expect(leaf!.checkIssued(anchor!)).toBe(true)
    expect(leaf!.verify(anchor!.publicKey)).toBe(true)
    expect(leaf!.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true)
    const lifetime = new Date(leaf!.validTo).getTime() - Date.now()
    expect(lifetime).toBeGreaterThan(23.9 * 3600_000)
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000)
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBeGreaterThanOrEqual(24 * 3600_000)
  })

  it('rejects an identity that is not a Kubernetes name, before touching the disk', async () => {
    const dir = freshDir()
    const error = await caught(new CertificateAuthority({ dir }).issue({ namespace: 'Shop/..', serviceAccount: 'x' }))
    expect(error.code).toBe('invalid_identity')
    expect(error.message).toContain('namespace')
  })

  it('signs with an intermediate under a root the user supplies, and does not store that root key', async () => {
    const upstreamCa = new CertificateAuthority({ dir: freshDir() })
    const upstream = await upstreamCa.ensure()
    const upstreamKeyPem = readFileSync(upstream.current.keyFile, 'utf8')
    const dir = freshDir()
    const ca = new CertificateAuthority({ dir, upstream: { certPem: upstream.current.rootCertPem, keyPem: upstreamKeyPem } })
    const issued = await ca.issue({ namespace: 'ns', serviceAccount: 'sa' })
    const [leaf, intermediate] = certs(issued.certChainPem)
    const userRoot = new X509Certificate(upstream.current.rootCertPem)
    expect(intermediate!.ca).toBe(true)
    expect(intermediate!.checkIssued(userRoot)).toBe(true)
    expect(leaf!.checkIssued(intermediate!)).toBe(true)
    expect(chainsTo(issued.certChainPem, issued.trustBundlePem)).toBe(true)
    expect(certs(issued.trustBundlePem).map((c) => c.fingerprint256)).toEqual([userRoot.fingerprint256])
    expect((await ca.summary())?.kind).toBe('intermediate')
    for (const file of readdirSync(join(dir, 'gen-1'))) {
      expect(readFileSync(join(dir, 'gen-1', file), 'utf8')).not.toContain(upstreamKeyPem.split('\n')[1])
    }
  })

  it('refuses a supplied root whose key does not match, naming the problem', async () => {
    const a = await new CertificateAuthority({ dir: freshDir() }).ensure()
    const b = await new CertificateAuthority({ dir: freshDir() }).ensure()
    const dir = freshDir()
    const error = await caught(
      new CertificateAuthority({ dir, upstream: { certPem: a.current.rootCertPem, keyPem: readFileSync(b.current.keyFile, 'utf8') } }).ensure(),
    )
    expect(error.code).toBe('ca_upstream_invalid')
    expect(error.message).toMatch(/does not belong/)
    expect(existsSync(dir)).toBe(false)
  })

  it('rotates to a new root while old certificates keep verifying during the overlap', async () => {
    let clock = Date.now()
    const dir = freshDir()
    const ca = new CertificateAuthority({ dir, now: () => new Date(clock) })
    const before = await ca.issue({ namespace: 'a', serviceAccount: 'old' })
    const oldRoot = (await ca.summary())!.root.fingerprint

    const rotated = await ca.rotate({ overlapMs: 3600_000 })
    expect(rotated.root.fingerprint).not.toBe(oldRoot)
    expect(rotated.trustBundle.map((r) => [r.fingerprint, r.current])).toEqual([
      [rotated.root.fingerprint, true],
      [oldRoot, false],
    ])
    const after = await ca.issue({ namespace: 'a', serviceAccount: 'new' })
    // Both the certificate issued before and the one after verify against today's bundle.
    expect(chainsTo(before.certChainPem, after.trustBundlePem)).toBe(true)
    expect(chainsTo(after.certChainPem, after.trustBundlePem)).toBe(true)
    // …and a workload still holding the old bundle accepts nothing new until it reloads (why the overlap exists).
    expect(chainsTo(after.certChainPem, before.trustBundlePem)).toBe(false)

    // A restart keeps the overlap; once it is over the old root leaves the bundle.
    expect((await new CertificateAuthority({ dir, now: () => new Date(clock) }).summary())!.trustBundle).toHaveLength(2)
    clock += 2 * 3600_000
    const later = new CertificateAuthority({ dir, now: () => new Date(clock) })
    expect((await later.summary())!.trustBundle.map((r) => r.fingerprint)).toEqual([rotated.root.fingerprint])
    expect(chainsTo(before.certChainPem, await later.trustBundlePem())).toBe(false)
  })
})

describe('rotating before any CA exists', () => {
  it('makes the first CA directly, with nothing old left in the trust bundle', async () => {
    const dir = freshDir()
    const summary = await new CertificateAuthority({ dir }).rotate()
    expect(summary.generation).toBe('gen-1')
    expect(summary.trustBundle).toHaveLength(1)
  })
})

describe('a damaged CA is reported, never replaced', () => {
  async function madeCa(): Promise<{ dir: string; gen: string }> {
    const dir = freshDir()
    await new CertificateAuthority({ dir }).ensure()
    return { dir, gen: join(dir, 'gen-1') }
  }

  function snapshot(dir: string): string[] {
    return readdirSync(dir, { recursive: true }).map(String).sort()
  }

  it('names a truncated CA certificate and says how to recover', async () => {
    const { dir, gen } = await madeCa()
    const file = join(gen, 'ca-cert.pem')
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200))
    const before = snapshot(dir)
    const error = await caught(new CertificateAuthority({ dir }).issue({ namespace: 'a', serviceAccount: 'b' }))
    expect(error.code).toBe('ca_unreadable')
    expect(error.message).toContain(file)
    expect(error.hint).toMatch(/Restore .* from a backup/)
    expect(error.hint).toMatch(/will not replace the CA/)
    expect(snapshot(dir)).toEqual(before)
  })

  it('names a damaged key file', async () => {
    const { dir, gen } = await madeCa()
    const file = join(gen, 'ca-key.pem')
    writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', { mode: 0o600 })
    const error = await caught(new CertificateAuthority({ dir }).ensure())
    expect(error.code).toBe('ca_unreadable')
    expect(error.message).toContain(file)
    expect(error.message).toMatch(/not a usable private key/)
  })

  it('names a key that belongs to another certificate', async () => {
    const { dir, gen } = await madeCa()
    const other = await madeCa()
    writeFileSync(join(gen, 'ca-key.pem'), readFileSync(join(other.gen, 'ca-key.pem')), { mode: 0o600 })
    const error = await caught(new CertificateAuthority({ dir }).ensure())
    expect(error.message).toContain(join(gen, 'ca-key.pem'))
    expect(error.message).toMatch(/does not belong/)
  })

  it('names a missing key file instead of starting a new CA', async () => {
    const { dir, gen } = await madeCa()
    rmSync(join(gen, 'ca-key.pem'))
    const error = await caught(new CertificateAuthority({ dir }).ensure())
    expect(error.message).toBe(`The mesh CA file ${join(gen, 'ca-key.pem')} is missing.`)
    expect(snapshot(dir)).not.toContain('gen-2')
  })

  it('names a damaged ca.json, and a missing one when generations exist', async () => {
    const { dir } = await madeCa()
    writeFileSync(join(dir, 'ca.json'), '{"version": 1, "trustDom')
    expect((await caught(new CertificateAuthority({ dir }).ensure())).message).toContain(join(dir, 'ca.json'))
    rmSync(join(dir, 'ca.json'))
    const error = await caught(new CertificateAuthority({ dir }).ensure())
    expect(error.message).toBe(`The mesh CA file ${join(dir, 'ca.json')} is missing.`)
    expect(existsSync(join(dir, 'ca.json'))).toBe(false)
  })

  it('refuses a key file other users can read, with the chmod to run', async () => {
    const { dir, gen } = await madeCa()
    chmodSync(join(gen, 'ca-key.pem'), 0o644)
    const error = await caught(new CertificateAuthority({ dir }).ensure())
    expect(error.code).toBe('ca_key_insecure')
    expect(error.hint).toBe(`Run: chmod 600 ${join(gen, 'ca-key.pem')}`)
  })
})

import { X509Certificate, createPrivateKey } from 'node:crypto'
import { MeshdeckError } from '@shared/contract'
import {
  clockSkewMs,
  createIntermediate,
  createLeaf,
  createSelfSignedRoot,
  fingerprintOf,
  type CaMaterial,
  type UpstreamRoot,
} from './ca-certificates'
import { SecurityErrorCode } from '../ca-errors'
import { CaStore, type StoredCa } from './ca-store'
import { importPrivateKeyPem, privateKeyToPem, type KeyPair } from './keys'
import { checkTrustDomain, defaultTrustDomain, spiffeId, type WorkloadIdentity } from '../spiffe'

export const hour = 60 * 60 * 1000
export const defaultCertificateTtlMs = 24 * hour

/** A root certificate and key the user brings, PEM text (the files' contents). */
export interface UpstreamRootPem {
  certPem: string
  keyPem: string
}

export interface CertificateAuthorityOptions {
  /** Folder for the CA's files, normally <dataDir>/ca. */
  dir: string
  /** Used when the CA is first made; afterwards the stored one wins so identities never change. */
  trustDomain?: string
  /** First run only: sign with an intermediate under this root instead of a self-signed root. */
  upstream?: UpstreamRootPem
  rootValidityDays?: number
  intermediateValidityDays?: number
  now?: () => Date
}

export interface CertificateSummary {
  subject: string
  fingerprint: string
  notBefore: string
  notAfter: string
}

export interface CaSummary {
  dir: string
  trustDomain: string
  kind: 'self-signed' | 'intermediate'
  generation: string
  signing: CertificateSummary & { issuer: string }
  root: CertificateSummary
  /** Every root a workload trusts now: the current one, plus earlier ones during a rotation overlap. */
  trustBundle: (CertificateSummary & { current: boolean; trustedUntil: string | null })[]
}

export interface IssuedCertificate {
  identity: WorkloadIdentity
  spiffeId: string
  serial: string
  issuer: string
  caGeneration: string
  notBefore: Date
  notAfter: Date
  /** Leaf first, then any intermediates (what a TLS peer sends). */
  certChainPem: string
  keyPem: string
  /** The same key, for a later renewal to certify again. */
  keys: KeyPair
  trustBundlePem: string
}

export interface IssueOptions {
  ttlMs?: number
  /** Certify this key instead of a new one (a renewal that must not change the key file). */
  keys?: KeyPair
}

export interface RotateOptions {
  /** Make the new signing CA an intermediate under this root; otherwise a new self-signed root. */
  upstream?: UpstreamRootPem
  /** How long the old root stays in the trust bundle; default: one certificate lifetime. */
  overlapMs?: number
}

/**
 * Citadel's job: one CA per Meshdeck data folder. It is created on first use, loaded thereafter,
 * and never silently re-created: a damaged file is an error that names the file and the fix.
 */
export class CertificateAuthority {
  private readonly store: CaStore
  private readonly now: () => Date
  private loaded: StoredCa | null = null
  /** Serialises create/rotate so two callers never make two CAs. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: CertificateAuthorityOptions) {
    this.store = new CaStore(options.dir)
    this.now = options.now ?? (() => new Date())
    if (options.trustDomain !== undefined) checkTrustDomain(options.trustDomain)
  }

  get dir(): string {
    return this.store.dir
  }

  /** The CA if it exists (without creating it); throws when its files are damaged. */
  async existing(): Promise<StoredCa | null> {
    if (this.loaded) return this.loaded
    return this.serial(async () => (this.loaded ??= await this.store.load()))
  }

  /** The CA, made now if this is the first use. */
  async ensure(): Promise<StoredCa> {
    if (this.loaded) return this.loaded
    return this.serial(async () => {
      this.loaded ??= await this.store.load()
      if (this.loaded) return this.loaded
      const trustDomain = this.options.trustDomain ?? defaultTrustDomain
      const upstream = this.options.upstream ? await importUpstream(this.options.upstream) : undefined
      const material = await this.makeMaterial(trustDomain, upstream)
      this.loaded = await this.store.commit({ trustDomain, kind: upstream ? 'intermediate' : 'self-signed', retiredRoots: [] }, material)
      return this.loaded
    })
  }

  async summary(): Promise<CaSummary | null> {
    const ca = await this.existing()
    return ca ? this.summarise(ca) : null
  }

  async trustDomain(): Promise<string> {
    return (await this.ensure()).meta.trustDomain
  }

  /** PEM of every root a workload should trust now. */
  async trustBundlePem(): Promise<string> {
    return trustBundle(await this.ensure(), this.now()).map((r) => ensureNewline(r.pem)).join('')
  }

  /** Certificates issued and issues that failed since this CA object was made (citadel_server_* metrics). */
  readonly counts = { issued: 0, failed: 0 }

  async issue(identity: WorkloadIdentity, options: IssueOptions = {}): Promise<IssuedCertificate> {
    try {
      const issued = await this.issueOne(identity, options)
      this.counts.issued += 1
      return issued
    } catch (err) {
      this.counts.failed += 1
      throw err
    }
  }

  private async issueOne(identity: WorkloadIdentity, options: IssueOptions): Promise<IssuedCertificate> {
    const ca = await this.ensure()
    const now = this.now()
    const signing = new X509Certificate(ca.current.signingCertPem)
    const caNotAfter = new Date(signing.validTo)
    if (caNotAfter.getTime() <= now.getTime()) {
      throw new MeshdeckError(
        SecurityErrorCode.caExpired,
        `The mesh CA certificate expired on ${caNotAfter.toISOString()}; it cannot issue workload certificates.`,
        'Rotate the CA (Security page, or the security.rotateCa method); workloads then get new certificates.',
      )
    }
    const ttlMs = options.ttlMs ?? defaultCertificateTtlMs
    const uri = spiffeId(ca.meta.trustDomain, identity)
    const notBefore = new Date(now.getTime() - Math.min(clockSkewMs, ttlMs / 10))
    // A leaf never outlives its issuer, or peers would reject it before its own expiry.
    const notAfter = new Date(Math.min(now.getTime() + ttlMs, caNotAfter.getTime()))
    const leaf = await createLeaf(ca.current, { uri, notBefore, notAfter }, options.keys)
    const intermediates = ca.current.signingCertPem === ca.current.rootCertPem ? [] : [ca.current.signingCertPem]
    return {
      identity: { namespace: identity.namespace, serviceAccount: identity.serviceAccount },
      spiffeId: uri,
      serial: leaf.serial,
      issuer: oneLine(signing.subject),
      caGeneration: ca.current.name,
      notBefore,
      notAfter,
      certChainPem: [leaf.certPem, ...intermediates].map(ensureNewline).join(''),
      keyPem: await privateKeyToPem(leaf.keys.privateKey),
      keys: leaf.keys,
      trustBundlePem: trustBundle(ca, now).map((r) => ensureNewline(r.pem)).join(''),
    }
  }

  /**
   * A new signing CA. When the root changes, the old root stays in the trust bundle for the
   * overlap, so certificates issued before the rotation keep verifying until they are replaced.
   */
  async rotate(options: RotateOptions = {}): Promise<CaSummary> {
    const upstream = options.upstream ? await importUpstream(options.upstream) : undefined
    if ((await this.existing()) === null) {
      // Nothing to rotate from: make the first CA as asked, with no old root to keep trusting.
      return this.serial(async () => {
        const trustDomain = this.options.trustDomain ?? defaultTrustDomain
        const material = await this.makeMaterial(trustDomain, upstream)
        this.loaded = await this.store.commit({ trustDomain, kind: upstream ? 'intermediate' : 'self-signed', retiredRoots: [] }, material)
        return this.summarise(this.loaded)
      })
    }
    const previous = await this.ensure()
    return this.serial(async () => {
      const now = this.now()
      const material = await this.makeMaterial(previous.meta.trustDomain, upstream)
      const overlapMs = options.overlapMs ?? defaultCertificateTtlMs
      const rootChanged = fingerprintOf(material.rootCertPem) !== fingerprintOf(previous.current.rootCertPem)
      const stillTrusted = previous.meta.retiredRoots.filter((r) => new Date(r.trustedUntil).getTime() > now.getTime())
      const retiredRoots = rootChanged
        ? [...stillTrusted, { generation: previous.current.name, trustedUntil: new Date(now.getTime() + overlapMs).toISOString() }]
        : stillTrusted
      this.loaded = await this.store.commit(
        { trustDomain: previous.meta.trustDomain, kind: upstream ? 'intermediate' : 'self-signed', retiredRoots },
        material,
      )
      await this.store.prune(this.loaded.meta)
      return this.summarise(this.loaded)
    })
  }

  private async makeMaterial(trustDomain: string, upstream: UpstreamRoot | undefined): Promise<CaMaterial> {
    const now = this.now()
    return upstream
      ? createIntermediate(trustDomain, upstream, now, this.options.intermediateValidityDays ?? 365)
      : createSelfSignedRoot(trustDomain, now, this.options.rootValidityDays ?? 3650)
  }

  private summarise(ca: StoredCa): CaSummary {
    const signing = new X509Certificate(ca.current.signingCertPem)
    const currentRootFingerprint = fingerprintOf(ca.current.rootCertPem)
    return {
      dir: this.store.dir,
      trustDomain: ca.meta.trustDomain,
      kind: ca.meta.kind,
      generation: ca.current.name,
      signing: { ...describe(ca.current.signingCertPem), issuer: oneLine(signing.issuer) },
      root: describe(ca.current.rootCertPem),
      trustBundle: trustBundle(ca, this.now()).map((root) => ({
        ...describe(root.pem),
        current: fingerprintOf(root.pem) === currentRootFingerprint,
        trustedUntil: root.trustedUntil?.toISOString() ?? null,
      })),
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }
}

function trustBundle(ca: StoredCa, now: Date): { pem: string; trustedUntil: Date | null }[] {
  const roots: { pem: string; trustedUntil: Date | null }[] = [{ pem: ca.current.rootCertPem, trustedUntil: null }]
  const seen = new Set([fingerprintOf(ca.current.rootCertPem)])
  for (const retired of ca.retiredRootPems) {
    const fingerprint = fingerprintOf(retired.pem)
    if (retired.trustedUntil.getTime() <= now.getTime() || seen.has(fingerprint)) continue
    seen.add(fingerprint)
    roots.push({ pem: retired.pem, trustedUntil: retired.trustedUntil })
  }
  return roots
}

function describe(pem: string): CertificateSummary {
  const cert = new X509Certificate(pem)
  return {
    subject: oneLine(cert.subject),
    fingerprint: cert.fingerprint256,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  }
}

/** Node prints a DN one attribute per line; the UI and messages want "O=…, CN=…". */
export function oneLine(dn: string): string {
  return dn.split('\n').filter((part) => part !== '').join(', ')
}

function ensureNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`
}

async function importUpstream(upstream: UpstreamRootPem): Promise<UpstreamRoot> {
  const invalid = (message: string, hint: string): MeshdeckError =>
    new MeshdeckError(SecurityErrorCode.caUpstreamInvalid, message, hint)
  let cert: X509Certificate
  try {
    cert = new X509Certificate(upstream.certPem)
  } catch {
    throw invalid('The root certificate you supplied is not a PEM certificate.', 'Supply the root CA certificate file (-----BEGIN CERTIFICATE-----).')
  }
  if (!cert.ca) throw invalid(`The certificate "${oneLine(cert.subject)}" is not a CA certificate.`, 'Supply a root CA certificate (basicConstraints CA:TRUE).')
  let keys
  try {
    keys = await importPrivateKeyPem(upstream.keyPem)
  } catch (err) {
    throw invalid(
      `The root key you supplied cannot be used: ${err instanceof Error ? err.message : String(err)}.`,
      'Supply the root CA private key in PEM, ECDSA P-256 (openssl ecparam -name prime256v1 -genkey).',
    )
  }
  if (!cert.checkPrivateKey(createPrivateKey(upstream.keyPem))) {
    throw invalid('The root key you supplied does not belong to the root certificate.', 'Supply the key that was used to make that certificate.')
  }
  if (new Date(cert.validTo).getTime() <= Date.now()) {
    throw invalid(`The root certificate "${oneLine(cert.subject)}" has expired.`, 'Supply a root that is still valid.')
  }
  return { certPem: cert.toString(), keys }
}

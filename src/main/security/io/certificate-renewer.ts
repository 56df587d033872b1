import { writeFileAtomic } from '../../lib/io/atomic-write'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { CertificateAuthority, IssuedCertificate } from './certificate-authority'
import type { KeyPair } from './keys'
import { renewalTime } from '../renewal-time'
import {
  readWorkloadKey,
  workloadCertificateFiles,
  workloadKey,
  writeWorkloadCertificate,
  type WorkloadCertificateFiles,
  type WorkloadRef,
} from './workload-files'

/** What Meshdeck knows about one workload's current certificate (never the key itself). */
export interface WorkloadCertificate {
  workload: string
  ref: WorkloadRef
  files: WorkloadCertificateFiles
  spiffeId: string
  serial: string
  issuer: string
  caGeneration: string
  notBefore: Date
  notAfter: Date
  renewAt: Date
  /** The last renewal failure, kept until a renewal succeeds. */
  lastError: string | null
}

export type RenewalReason = 'issued' | 'scheduled' | 'ca-rotated'
export type RenewedListener = (certificate: WorkloadCertificate, reason: RenewalReason) => void

export interface CertificateRenewerOptions {
  ca: CertificateAuthority
  /** Folder under which each workload gets <namespace>/<name>/. */
  dir: string
  ttlMs?: number
  random?: () => number
  /** How soon to try again after a failed renewal. */
  retryMs?: number
}

/** How ensure() places a workload's files and where its key comes from. */
export interface EnsureOptions {
  /** Write the files here instead of <dir>/<namespace>/<name>/. */
  files?: WorkloadCertificateFiles
  /**
   * Certify the key already in the folder (at every renewal), making one only when there is none:
   * for workloads whose folder outlives this process (registered by `meshdeck bootstrap --certs`),
   * so whoever renews them never changes a key a running workload holds.
   */
  keyFromDisk?: boolean
  /** Issue a new certificate now even when one is being renewed already. */
  reissue?: boolean
}

interface Entry {
  cert: WorkloadCertificate
  /** The workload's key, kept for renewals so the key file never changes under a running workload. */
  keys: KeyPair | null
  /** The key file is the source of truth (EnsureOptions.keyFromDisk). */
  keyFromDisk: boolean
  timer: NodeJS.Timeout | null
  pending: Promise<WorkloadCertificate> | null
}

// setTimeout holds at most a signed 32-bit delay; longer waits re-arm in steps.
const maxTimerMs = 2 ** 31 - 1

/**
 * Keeps every workload's certificate files fresh: issues on first request, renews at a jittered
 * point between 50 % and 80 % of life, and re-issues everything after a CA rotation.
 */
export class CertificateRenewer implements Disposable {
  private readonly entries = new Map<string, Entry>()
  private readonly listeners = new Set<RenewedListener>()
  private disposed = false

  constructor(private readonly options: CertificateRenewerOptions) {
    trackDisposable(this)
  }

  /** The workload's certificate files, issuing and writing them if this is the first request. */
  async ensure(ref: WorkloadRef, options: EnsureOptions = {}): Promise<WorkloadCertificate> {
    const files = options.files ?? workloadCertificateFiles(this.options.dir, ref)
    const key = workloadKey(ref)
    const keyFromDisk = options.keyFromDisk ?? false
    let entry = this.entries.get(key)
    const changed = entry && (entry.cert.files.dir !== files.dir || entry.cert.ref.serviceAccount !== ref.serviceAccount || entry.keyFromDisk !== keyFromDisk)
    if (entry && !entry.pending && changed) {
      // The same workload with other files or identity: stop renewing the old ones, start on these.
      this.release(ref)
      entry = undefined
    }
    if (entry?.pending) return entry.pending
    if (entry && !options.reissue) return entry.cert
    return this.renew(key, ref, files, 'issued', keyFromDisk)
  }

  /** The workload's current certificate, if this renewer keeps one. */
  get(ref: WorkloadRef): WorkloadCertificate | undefined {
    const entry = this.entries.get(workloadKey(ref))
    return entry && entry.cert.serial !== '' ? entry.cert : undefined
  }

  list(): WorkloadCertificate[] {
    return [...this.entries.values()]
      .map((e) => e.cert)
      .filter((c) => c.serial !== '')
      .sort((a, b) => a.workload.localeCompare(b.workload))
  }

  /** Re-issues every workload now (after a CA rotation, so they chain to the new root). */
  async renewAll(reason: RenewalReason): Promise<WorkloadCertificate[]> {
    return Promise.all([...this.entries.entries()].map(([key, e]) => this.renew(key, e.cert.ref, e.cert.files, reason, e.keyFromDisk)))
  }

  /**
   * Rewrites every workload's trust bundle from the CA, leaving keys and certificates alone: the
   * first half of a rotation, so every peer trusts the new root before anyone presents it.
   */
  async writeTrustBundles(): Promise<void> {
    const bundle = await this.options.ca.trustBundlePem()
    await Promise.all([...this.entries.values()].map((e) => writeFileAtomic(e.cert.files.caCertificateFile, bundle, 0o644)))
  }

  /** Stops renewing a workload; its files stay until their certificate expires. */
  release(ref: WorkloadRef): void {
    const key = workloadKey(ref)
    const entry = this.entries.get(key)
    if (entry?.timer) clearTimeout(entry.timer)
    this.entries.delete(key)
  }

  onRenewed(listener: RenewedListener): Disposable {
    this.listeners.add(listener)
    return { dispose: () => void this.listeners.delete(listener) }
  }

  dispose(): void {
    this.disposed = true
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer)
    this.entries.clear()
    this.listeners.clear()
  }

  private renew(key: string, ref: WorkloadRef, files: WorkloadCertificateFiles, reason: RenewalReason, keyFromDisk: boolean): Promise<WorkloadCertificate> {
    const existing = this.entries.get(key)
    if (existing?.pending) return existing.pending
    const pending = (async () => {
      const keys = (keyFromDisk ? await readWorkloadKey(files) : existing?.keys) ?? undefined
      const issued = await this.options.ca.issue(ref, { ttlMs: this.options.ttlMs, keys })
      await writeWorkloadCertificate(files, issued, keys === undefined)
      const entry = this.entries.get(key)
      if (entry) entry.keys = issued.keys
      return describe(key, ref, files, issued, renewalTime(issued.notBefore, issued.notAfter, this.options.random))
    })()
    if (existing) existing.pending = pending
    else this.entries.set(key, { cert: placeholder(key, ref, files), keys: null, keyFromDisk, timer: null, pending })
    return pending.then(
      (cert) => {
        const entry = this.entries.get(key)
        if (this.disposed || !entry) return cert
        entry.pending = null
        entry.cert = cert
        this.schedule(key, entry, cert.renewAt.getTime() - Date.now())
        for (const listener of this.listeners) listener(cert, reason)
        return cert
      },
      (err: unknown) => {
        const entry = this.entries.get(key)
        if (entry && existing && !this.disposed) {
          // A renewal failed: keep the current files (still valid for a while), say why, retry soon.
          entry.pending = null
          entry.cert = { ...entry.cert, lastError: err instanceof Error ? err.message : String(err) }
          this.schedule(key, entry, this.options.retryMs ?? 60_000)
        } else if (entry && !existing) {
          this.entries.delete(key)
        }
        throw err
      },
    )
  }

  private schedule(key: string, entry: Entry, delayMs: number): void {
    if (entry.timer) clearTimeout(entry.timer)
    const wait = Math.max(0, Math.min(delayMs, maxTimerMs))
    entry.timer = setTimeout(() => {
      entry.timer = null
      if (wait < delayMs) return this.schedule(key, entry, delayMs - wait)
      this.renew(key, entry.cert.ref, entry.cert.files, 'scheduled', entry.keyFromDisk).catch(() => {
        // Recorded in lastError and retried by renew(); nothing else to do here.
      })
    }, wait)
    // The owner disposes the renewer; an armed timer alone must not keep a CLI process alive.
    entry.timer.unref()
  }
}

function describe(key: string, ref: WorkloadRef, files: WorkloadCertificateFiles, issued: IssuedCertificate, renewAt: Date): WorkloadCertificate {
  return {
    workload: key,
    ref,
    files,
    spiffeId: issued.spiffeId,
    serial: issued.serial,
    issuer: issued.issuer,
    caGeneration: issued.caGeneration,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    renewAt,
    lastError: null,
  }
}

function placeholder(key: string, ref: WorkloadRef, files: WorkloadCertificateFiles): WorkloadCertificate {
  const epoch = new Date(0)
  return { workload: key, ref, files, spiffeId: '', serial: '', issuer: '', caGeneration: '', notBefore: epoch, notAfter: epoch, renewAt: epoch, lastError: null }
}

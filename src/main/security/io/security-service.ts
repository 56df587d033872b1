import { promises as fs } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { MeshdeckError, type CaInfo, type WorkloadCertificateDto } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { certificateProviders, defaultRefreshIntervalSeconds, type CertificateProviders } from '../bootstrap'
import { CertificateAuthority, type CaSummary, type UpstreamRootPem } from './certificate-authority'
import { CertificateRenewer, type RenewalReason, type RenewedListener, type WorkloadCertificate } from './certificate-renewer'
import { detectConflicts, type MeshPolicyInput, type PolicyConflict } from '../policy'
import { checkIdentity, checkTrustDomain, defaultTrustDomain, spiffeId, type WorkloadIdentity } from '../spiffe'
import { certificateFilesIn, checkWorkloadName, workloadCertificateFiles, workloadKey, type WorkloadCertificateFiles, type WorkloadRef } from './workload-files'
import { WorkloadRegistry } from './workload-registry'

export interface SecurityServiceOptions {
  /** Meshdeck's data folder; the CA lives in <dataDir>/ca, workload files in <dataDir>/workload-certs. */
  dataDir: string
  trustDomain?: string
  /** First run only: make the CA an intermediate under this root. */
  upstream?: UpstreamRootPem
  certificateTtlMs?: number
  /** How often workloads re-read their certificate files (the bootstrap's refresh_interval). */
  refreshIntervalSeconds?: number
  /** Wait between handing out a rotated trust bundle and switching certificates; default two refresh intervals. */
  bundlePropagationMs?: number
}

/** What a workload's gRPC bootstrap needs from security. */
export interface WorkloadSecurity {
  spiffeId: string
  files: WorkloadCertificateFiles
  /** Drop into the bootstrap JSON as `certificate_providers`. */
  certificateProviders: CertificateProviders
  certificate: WorkloadCertificate
}

/** A workload's own certificate, as `meshdeck bootstrap --certs` and mesh.bootstrap ask for it. */
export interface WorkloadCertificateRequest extends WorkloadIdentity {
  /** Names its folder (<dataDir>/workload-certs/<namespace>/<workload>/) and its registration. */
  workload: string
  /** An absolute folder for the three files instead of the default one. */
  certsDir?: string
  /** Must be the mesh's: the CA's once it exists, else the one it will be made with. */
  trustDomain?: string
}

export interface CaRotation {
  ca: CaSummary
  /** When workloads switch to certificates from the new CA (after every peer trusts it). */
  certificatesSwitchAt: Date
  /** Settles when every workload has its new certificate. */
  done: Promise<void>
}

/** What the service tells its owner (Meshdeck forwards these as contract events). */
export interface SecurityEvents {
  certificateRenewed?(certificate: WorkloadCertificateDto, reason: RenewalReason): void
  caChanged?(ca: CaInfo): void
}

export function securityDirs(dataDir: string): { caDir: string; workloadsDir: string; registryDir: string } {
  return { caDir: join(dataDir, 'ca'), workloadsDir: join(dataDir, 'workload-certs'), registryDir: join(dataDir, 'registered-workloads') }
}

/** How often a running Meshdeck looks for workloads registered by another process (a CLI run). */
export const registryScanIntervalMs = 30_000

/**
 * Citadel for Meshdeck: the CA (made on first use), workload certificates kept fresh on disk,
 * CA rotation in two phases, and mTLS policy conflicts for the Security page.
 */
export class SecurityService implements Disposable {
  readonly ca: CertificateAuthority
  readonly renewer: CertificateRenewer
  private policies: MeshPolicyInput | null = null
  private extraConflicts: PolicyConflict[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly intervals = new Set<NodeJS.Timeout>()
  private readonly refreshIntervalSeconds: number
  private readonly registry: WorkloadRegistry
  /** Registered workloads this service renews, by namespace/workload: their ref and folder. */
  private readonly registered = new Map<string, { ref: WorkloadRef; dir: string }>()

  constructor(
    private readonly options: SecurityServiceOptions,
    private readonly events: SecurityEvents = {},
  ) {
    const { caDir, workloadsDir, registryDir } = securityDirs(options.dataDir)
    this.registry = new WorkloadRegistry(registryDir)
    this.ca = new CertificateAuthority({ dir: caDir, trustDomain: options.trustDomain, upstream: options.upstream })
    this.renewer = new CertificateRenewer({ ca: this.ca, dir: workloadsDir, ttlMs: options.certificateTtlMs })
    this.refreshIntervalSeconds = options.refreshIntervalSeconds ?? defaultRefreshIntervalSeconds
    const { certificateRenewed } = events
    if (certificateRenewed) this.renewer.onRenewed((cert, reason) => certificateRenewed(certificateDto(cert), reason))
    trackDisposable(this)
  }

  /** The SPIFFE ID of ns/sa in this mesh's trust domain (the stored CA's, once there is one). */
  async spiffeId(identity: WorkloadIdentity): Promise<string> {
    const existing = await this.ca.existing()
    return spiffeId(existing?.meta.trustDomain ?? this.options.trustDomain ?? defaultTrustDomain, identity)
  }

  /** Issues (first time) and keeps renewing a workload's certificate; returns its bootstrap block. */
  async workloadSecurity(ref: WorkloadRef): Promise<WorkloadSecurity> {
    const caExisted = (await this.ca.existing()) !== null
    const certificate = await this.renewer.ensure(ref)
    if (!caExisted && this.events.caChanged) this.events.caChanged(await this.caInfo())
    return {
      spiffeId: certificate.spiffeId,
      files: certificate.files,
      certificateProviders: certificateProviders(certificate.files, { refreshIntervalSeconds: this.refreshIntervalSeconds }),
      certificate,
    }
  }

  /**
   * A workload's own certificate: checks the request before anything is written, issues the
   * certificate (certifying the key already in the folder, if any), and registers the workload in
   * the data folder so that this and every later Meshdeck on it keeps the files renewed.
   */
  async registerWorkload(request: WorkloadCertificateRequest): Promise<WorkloadSecurity & { registrationFile: string }> {
    checkIdentity(request)
    checkWorkloadName(request.workload)
    if (request.certsDir !== undefined && !isAbsolute(request.certsDir)) {
      throw new MeshdeckError(
        'invalid_certs_dir',
        `The certificate folder "${request.certsDir}" is not an absolute path.`,
        'Give the full path of the folder for cert-chain.pem, key.pem and root-cert.pem, or leave it out to use the data folder.',
      )
    }
    if (request.trustDomain !== undefined) {
      checkTrustDomain(request.trustDomain)
      const mesh = await this.trustDomain()
      if (mesh !== request.trustDomain) {
        throw new MeshdeckError(
          'trust_domain_mismatch',
          `This mesh's trust domain is "${mesh}", not "${request.trustDomain}"; a certificate from its CA cannot carry another one.`,
          `Leave the trust domain out (or give "${mesh}"). A mesh has one trust domain, fixed when its CA is first made: for another, use another data folder (MESHDECK_HOME).`,
        )
      }
    }
    const ref: WorkloadRef = { namespace: request.namespace, serviceAccount: request.serviceAccount, name: request.workload }
    const files = request.certsDir !== undefined ? certificateFilesIn(request.certsDir) : workloadCertificateFiles(securityDirs(this.options.dataDir).workloadsDir, ref)
    const caExisted = (await this.ca.existing()) !== null
    const certificate = await this.renewer.ensure(ref, { files, keyFromDisk: true, reissue: true })
    const registrationFile = await this.registry.write({ namespace: ref.namespace, serviceAccount: ref.serviceAccount, workload: request.workload, certsDir: files.dir })
    this.registered.set(workloadKey(ref), { ref, dir: files.dir })
    if (!caExisted && this.events.caChanged) this.events.caChanged(await this.caInfo())
    return {
      registrationFile,
      spiffeId: certificate.spiffeId,
      files: certificate.files,
      certificateProviders: certificateProviders(certificate.files, { refreshIntervalSeconds: this.refreshIntervalSeconds }),
      certificate,
    }
  }

  /**
   * Keeps every workload registered in the data folder renewed: those there now, those another
   * process (a `meshdeck bootstrap --certs` run) registers later, and stops on ones whose
   * registration is deleted. A registration that cannot be served is reported and tried again.
   */
  async renewRegisteredWorkloads(options: { scanIntervalMs?: number; onProblem?: (message: string) => void } = {}): Promise<Disposable> {
    const reported = new Set<string>()
    const scan = async (): Promise<void> => {
      for (const problem of await this.scanRegisteredWorkloads().catch((err: unknown) => [{ file: this.registry.dir, message: String(err) }])) {
        const text = `workload registration ${problem.file}: ${problem.message}`
        if (!reported.has(text)) options.onProblem?.(text)
        reported.add(text)
      }
    }
    await scan()
    let scanning: Promise<void> | null = null
    const timer = setInterval(() => {
      scanning ??= scan().finally(() => (scanning = null))
    }, options.scanIntervalMs ?? registryScanIntervalMs)
    // The owner disposes it; the scan alone must not keep a process alive.
    timer.unref()
    this.intervals.add(timer)
    return {
      dispose: () => {
        clearInterval(timer)
        this.intervals.delete(timer)
      },
    }
  }

  /** One pass over the registrations; returns the ones that could not be served, and why. */
  async scanRegisteredWorkloads(): Promise<{ file: string; message: string }[]> {
    const { registrations, problems } = await this.registry.list()
    const seen = new Set<string>()
    for (const { file, registration } of registrations) {
      const ref: WorkloadRef = { namespace: registration.namespace, serviceAccount: registration.serviceAccount, name: registration.workload }
      const key = workloadKey(ref)
      seen.add(key)
      const known = this.registered.get(key)
      const current = this.renewer.get(ref)
      if (known?.dir === registration.certsDir && current?.ref.serviceAccount === ref.serviceAccount) continue
      try {
        await this.renewer.ensure(ref, { files: certificateFilesIn(registration.certsDir), keyFromDisk: true })
        this.registered.set(key, { ref, dir: registration.certsDir })
      } catch (err) {
        const hint = err instanceof MeshdeckError && err.hint ? ` ${err.hint}` : ''
        problems.push({ file, message: `${err instanceof Error ? err.message : String(err)}${hint}` })
      }
    }
    for (const [key, { ref }] of this.registered) {
      if (seen.has(key)) continue
      this.renewer.release(ref)
      this.registered.delete(key)
    }
    return problems
  }

  /** Stops renewing a workload's certificate (it stopped). */
  releaseWorkload(ref: WorkloadRef): void {
    this.renewer.release(ref)
  }

  async caSummary(): Promise<CaSummary | null> {
    return this.ca.summary()
  }

  /** The CA for the contract: 'absent' until first use (asking does not create it). */
  async caInfo(): Promise<CaInfo> {
    const summary = await this.ca.summary()
    if (!summary) return { state: 'absent', dir: this.ca.dir, trustDomain: this.options.trustDomain ?? defaultTrustDomain }
    return { state: 'ready', ...summary }
  }

  certificates(): WorkloadCertificate[] {
    return this.renewer.list()
  }

  certificateDtos(): WorkloadCertificateDto[] {
    return this.renewer.list().map(certificateDto)
  }

  /** security.rotateCa: optional root files named by the user, read here in main. */
  async rotateCaFromFiles(params: { upstreamCertFile?: string; upstreamKeyFile?: string }): Promise<{ ca: CaInfo; certificatesSwitchAt: string }> {
    const upstream =
      params.upstreamCertFile !== undefined && params.upstreamKeyFile !== undefined
        ? await readUpstreamRoot(params.upstreamCertFile, params.upstreamKeyFile)
        : undefined
    const rotation = await this.rotateCa({ upstream })
    return { ca: { state: 'ready', ...rotation.ca }, certificatesSwitchAt: rotation.certificatesSwitchAt.toISOString() }
  }

  onCertificateRenewed(listener: RenewedListener): Disposable {
    return this.renewer.onRenewed(listener)
  }

  /**
   * Rotates the CA without breaking a connection: first every workload gets a trust bundle with
   * the old and the new root, and only after they have all re-read it (two refresh intervals)
   * do certificates from the new CA go out.
   */
  async rotateCa(options: { upstream?: UpstreamRootPem } = {}): Promise<CaRotation> {
    const ca = await this.ca.rotate({ upstream: options.upstream })
    await this.renewer.writeTrustBundles()
    this.events.caChanged?.({ state: 'ready', ...ca })
    const waitMs = this.options.bundlePropagationMs ?? 2 * this.refreshIntervalSeconds * 1000
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        this.renewer.renewAll('ca-rotated').then(() => resolve(), reject)
      }, waitMs)
      timer.unref()
      this.timers.add(timer)
    })
    // Failures are recorded per workload (lastError) and retried by the renewer.
    done.catch(() => undefined)
    return { ca, certificatesSwitchAt: new Date(Date.now() + waitMs), done }
  }

  /**
   * The mesh's current Istio security config, from whoever owns mesh config (null: none yet), and
   * conflicts only that owner can see (e.g. what proxyless gRPC servers cannot do).
   */
  setMeshPolicies(input: MeshPolicyInput | null, extraConflicts: PolicyConflict[] = []): void {
    this.policies = input
    this.extraConflicts = input ? extraConflicts : []
  }

  conflicts(): { evaluated: boolean; conflicts: PolicyConflict[] } {
    if (!this.policies) return { evaluated: false, conflicts: [] }
    const all = [...this.extraConflicts, ...detectConflicts(this.policies)]
    return { evaluated: true, conflicts: all.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)) }
  }

  /** The configured trust domain (what a new CA gets). */
  defaultTrustDomain(): string {
    return this.options.trustDomain ?? defaultTrustDomain
  }

  /** The trust domain certificates carry (the stored CA's once there is one). */
  async trustDomain(): Promise<string> {
    return (await this.ca.existing())?.meta.trustDomain ?? this.options.trustDomain ?? defaultTrustDomain
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const timer of this.intervals) clearInterval(timer)
    this.intervals.clear()
    this.renewer.dispose()
  }
}

export function certificateDto(cert: WorkloadCertificate): WorkloadCertificateDto {
  return {
    workload: cert.workload,
    namespace: cert.ref.namespace,
    serviceAccount: cert.ref.serviceAccount,
    spiffeId: cert.spiffeId,
    serial: cert.serial,
    issuer: cert.issuer,
    caGeneration: cert.caGeneration,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    renewAt: cert.renewAt.toISOString(),
    directory: cert.files.dir,
    lastError: cert.lastError,
  }
}

/** Reads a root certificate and key the user names by path, with errors that name the file. */
export async function readUpstreamRoot(certFile: string, keyFile: string): Promise<UpstreamRootPem> {
  const read = async (file: string, what: string): Promise<string> => {
    try {
      return await fs.readFile(file, 'utf8')
    } catch (err) {
      throw new MeshdeckError(
        'ca_upstream_invalid',
        `Cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
        'Check the path and that Meshdeck may read the file; nothing was changed.',
      )
    }
  }
  return { certPem: await read(certFile, 'root certificate'), keyPem: await read(keyFile, 'root key') }
}

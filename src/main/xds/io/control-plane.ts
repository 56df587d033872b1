import { Server, ServerCredentials } from '@grpc/grpc-js'
import { ErrorCode, MeshdeckError, type ConfigDump, type ControlPlaneStatus, type MeshProblemDto, type XdsClient } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import {
  emptySnapshot,
  guardSnapshot,
  withKubernetesServices,
  type MeshProblem,
  type MeshSnapshot,
  type MeshSourceInfo,
} from '../../mesh'
import { AdsServer, type AdsEvent } from './ads-server'
import { renderBootstrap, type BootstrapOptions, type XdsBootstrap } from '../bootstrap'
import { SnapshotEncoder, type EncodedSnapshot } from './encoded-snapshot'
import { LoadStatsServer, type ClusterLoad } from './load-stats'
import { adsServerService, xdsServices } from './protos'
import { defaultServerListenerTemplate } from '../resource-types'
import { startSourceSet, type ControlPlaneSources, type SourceSet } from './source-set'
import { translate, type MeshSecurity } from '../translate'

/**
 * The first sources (`meshDir` or `source`, optional `endpoints`) start with the control plane;
 * useSources() replaces them later. Whichever are serving are disposed with it.
 */
export interface ControlPlaneOptions extends ControlPlaneSources {
  /** Loopback by default; anything else exposes mesh config to the network. */
  host?: string
  /** 0 (default) picks a free port. */
  port?: number
  serverListenerTemplate?: string
  debounceMs?: number
  /**
   * Clusters ask clients to report load here (LRS) every this many ms; 0 turns load reporting off.
   * Default 2000.
   */
  loadReportIntervalMs?: number
  /** mTLS decisions (from the security side); change them later with setSecurity(). */
  security?: SecuritySource
}

/**
 * Fixed decisions, or a function of the snapshot being pushed: the security side then re-derives
 * them from every config change (PeerAuthentication, DestinationRule TLS, AuthorizationPolicy) in
 * the same push as the rest of the change.
 */
export type SecuritySource = MeshSecurity | ((snapshot: MeshSnapshot) => MeshSecurity)

export type ControlPlaneEvent =
  | AdsEvent
  /**
   * A new config version is being served; its pushes were written just before this event, from
   * `startedAt` (ms) on (monitoring measures push and convergence times from it).
   */
  | { kind: 'applied'; version: number; problems: MeshProblem[]; startedAt?: number }
  /**
   * Objects of a config version had errors: each keeps serving its last good version (or, if new,
   * is left out) while everything valid in that version is applied.
   */
  | { kind: 'rejected'; version: number; objects: string[]; problems: MeshProblem[] }
  /** useSources() switched what is served; `version` is the new sources' first served version. */
  | { kind: 'sourcesChanged'; version: number; configSource: MeshSourceInfo; endpointSource: MeshSourceInfo | null }
  /** The sources delivered an update (config, endpoints or only their problems): written() has it, served or not. */
  | { kind: 'read'; version: number }

/** The mesh as the sources hold it now, before validation keeps anything back: what the analysis reads. */
export interface WrittenConfig {
  /** Config and endpoints as written (an invalid object is here as written, not its last good version). */
  snapshot: MeshSnapshot
  /** Problems reading it: files that do not parse, unknown kinds, kinds a cluster does not list. */
  sourceProblems: MeshProblem[]
}

export interface ControlPlane extends Disposable {
  readonly host: string
  readonly port: number
  /** host:port, what a bootstrap's server_uri holds. */
  readonly address: string
  status(): ControlPlaneStatus
  /** Connected ADS streams, per type SYNCED / STALE / NACKED / NOT SERVED / NOT SENT with NACK text. */
  clients(): XdsClient[]
  /** What each stream of a node was last sent, exactly. */
  configDump(nodeId: string): ConfigDump
  /** Current problems (file/parse problems and validation), errors first. */
  problems(): MeshProblem[]
  /** The mesh config being served (the last good objects, with the files they came from). */
  snapshot(): MeshSnapshot
  /** The mesh config as the sources hold it now (served or not), with their problems. */
  written(): WrittenConfig
  /** A bootstrap for a workload pointing at this control plane. */
  bootstrap(options: Omit<BootstrapOptions, 'xdsAddress' | 'serverListenerTemplate'>): XdsBootstrap
  /** Push, ACK, NACK, connect/disconnect, applied and rejected configs. */
  onEvent(listener: (event: ControlPlaneEvent) => void): Disposable
  /** Request rate, error rate and in-flight calls per cluster, from the clients' load reports. */
  loadStats(withinMs?: number): ClusterLoad[]
  /** The window loadStats() rates are computed over (the load reports kept), in ms. */
  readonly loadStatsWindowMs: number
  /**
   * Replaces the mTLS decisions (e.g. after a PeerAuthentication change) and pushes what changed;
   * null makes everything plaintext.
   */
  setSecurity(security: SecuritySource | null): void
  /** Applies pending source changes now (re-reads the mesh folder) instead of waiting for the debounce. */
  refresh(): Promise<void>
  /**
   * Serves other sources on the same server, port and ADS streams: the new sources start, their
   * first snapshot goes out as one push at a higher version, then the old ones are disposed. When
   * the new sources fail to start (cluster unreachable, istiod there) it throws a MeshdeckError and
   * the old sources keep serving.
   */
  useSources(sources: ControlPlaneSources): Promise<void>
}

/**
 * A start failure as data: a refusal (istiod there, cluster unreachable) keeps its code, words and
 * hint, and says what keeps serving; anything else is said plainly.
 */
function sourceStartError(err: unknown, serving: MeshSourceInfo | undefined): MeshdeckError {
  const still = serving ? ` The control plane keeps serving ${serving.kind === 'directory' ? `the folder ${serving.name}` : `context "${serving.name}"`}.` : ''
  if (err instanceof MeshdeckError) return new MeshdeckError(err.code, `${err.message}${still}`, err.hint)
  return new MeshdeckError(
    'source_failed',
    `The new source could not start: ${err instanceof Error ? err.message : String(err)}.${still}`,
    'Check that the folder exists and is readable, or that the cluster is reachable, then try again.',
  )
}

function sortProblems(problems: MeshProblem[]): MeshProblem[] {
  return [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
}

export function problemToDto(problem: MeshProblem): MeshProblemDto {
  const { source, ...rest } = problem
  return source ? { ...rest, file: source.file, line: source.line } : rest
}

/**
 * The embedded control plane: a config source (a watched folder of Istio YAML, or a cluster's
 * Istio CRDs) plus, optionally, a cluster's endpoints → validation → translate() → encoded
 * once → ADS to every proxyless gRPC client, with proxy status. Binds 127.0.0.1 unless told not to.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const host = options.host ?? '127.0.0.1'
  const template = options.serverListenerTemplate ?? defaultServerListenerTemplate
  const ads = new AdsServer()
  const encoder = new SnapshotEncoder()
  const loadReportIntervalMs = options.loadReportIntervalMs ?? 2000
  const lrs = new LoadStatsServer(Math.max(loadReportIntervalMs, 100))
  const listeners = new Set<(event: ControlPlaneEvent) => void>()
  const emit = (event: ControlPlaneEvent): void => {
    for (const listener of listeners) listener(event)
  }
  ads.onEvent(emit)

  let servedVersion = 0
  // Config version + endpoints version (+ a base after a switch of sources): both only grow, so the
  // sum grows with every change of either, and equals the config version when there is no endpoint
  // source and no switch.
  let sourceVersion = 0
  let problems: MeshProblem[] = []
  let validationProblems: MeshProblem[] = []
  let rejected: string[] = []
  let lastPushAt: Date | null = null
  let lastGood: MeshSnapshot | null = null
  let security: SecuritySource | undefined = options.security

  // Everything that can fail (security decisions, translation, encoding) happens in encode, before
  // anything is recorded or sent.
  const encode = (snapshot: MeshSnapshot, version: string): EncodedSnapshot => {
    const decisions = typeof security === 'function' ? security(snapshot) : security
    const resources = translate(snapshot, { serverListenerTemplate: template, loadReporting: loadReportIntervalMs > 0, security: decisions })
    return encoder.encode(version, resources)
  }
  const send = (encoded: EncodedSnapshot): void => {
    lastPushAt = new Date()
    ads.setSnapshot(encoded)
  }
  const push = (snapshot: MeshSnapshot, version: string): void => send(encode(snapshot, version))
  let securityGeneration = 0
  // Config version, plus the security generation once mTLS decisions changed ("7" → "7.s2").
  const versionString = (): string => (securityGeneration > 0 ? `${sourceVersion}.s${securityGeneration}` : String(sourceVersion))

  let active: SourceSet | null = null
  // Each switch of sources starts their versions from 1 again: the served version is this base plus
  // theirs, and the base moves past the last served version, so clients never see one go back.
  let versionBase = 0

  // Why the latest source version is not served, when building its push failed (a bug, never bad
  // input: that is validated). The last good config keeps serving and the next change tries again.
  let pushFailure: MeshProblem | null = null
  const currentProblems = (sourceProblems: MeshProblem[]): MeshProblem[] => sortProblems([...(pushFailure ? [pushFailure] : []), ...sourceProblems, ...validationProblems])

  let written: WrittenConfig = { snapshot: emptySnapshot, sourceProblems: [] }
  const apply = (): void => {
    if (!active) return
    const config = active.configUpdate()
    const endpoints = active.endpointsUpdate()
    const version = versionBase + config.snapshot.version + endpoints.version
    const sourceProblems = [...config.problems, ...endpoints.problems]
    written = { snapshot: withKubernetesServices(config.snapshot, version, endpoints.version > 0 ? endpoints.services : config.snapshot.kubernetesServices), sourceProblems }
    try {
      applyRead(version, sourceProblems)
    } finally {
      emit({ kind: 'read', version })
    }
  }
  const applyRead = (version: number, sourceProblems: MeshProblem[]): void => {
    if (version === sourceVersion) {
      // Only source problems changed (e.g. a broken edit whose last good objects keep serving).
      problems = currentProblems(sourceProblems)
      return
    }
    sourceVersion = version
    try {
      serve(written.snapshot, sourceProblems)
      pushFailure = null
    } catch (err) {
      pushFailure = {
        severity: 'error',
        message: `Config version ${version} could not be served: ${err instanceof Error ? err.message : String(err)}. Version ${servedVersion} keeps serving.`,
        hint: 'The next change of the config is tried again; if this persists, report it with the mesh config.',
      }
      problems = currentProblems(sourceProblems)
    }
  }
  const serve = (candidate: MeshSnapshot, sourceProblems: MeshProblem[]): void => {
    const startedAt = Date.now()
    const guarded = guardSnapshot(candidate, lastGood)
    // Built before anything is recorded: one that throws leaves the last good state whole.
    const encoded = encode(guarded.snapshot, versionString())
    validationProblems = guarded.problems
    problems = sortProblems([...sourceProblems, ...validationProblems])
    rejected = guarded.rejected
    if (rejected.length > 0) emit({ kind: 'rejected', version: sourceVersion, objects: rejected, problems })
    lastGood = guarded.snapshot
    servedVersion = sourceVersion
    send(encoded)
    emit({ kind: 'applied', version: servedVersion, problems, startedAt })
  }
  const onSourceChange = (set: SourceSet): void => {
    if (set === active) apply()
  }

  // A start that fails (sources refused, port taken) releases what it made before it throws.
  const releaseServers = (): void => {
    ads.dispose()
    lrs.dispose()
  }
  try {
    active = await startSourceSet(options, options.debounceMs, onSourceChange)
  } catch (err) {
    releaseServers()
    throw err
  }
  apply()

  const server = new Server({ 'grpc.keepalive_permit_without_calls': 1 })
  server.addService(adsServerService(), { StreamAggregatedResources: ads.handleStream })
  server.addService(xdsServices().lrs, { StreamLoadStats: lrs.handleStream })
  let port: number
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)))
    })
  } catch (err) {
    server.forceShutdown()
    releaseServers()
    await active.dispose()
    throw err
  }
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`
  // Set before the server binds, and never unset: the guard only narrows the type.
  const serving = (): SourceSet => {
    if (!active) throw new MeshdeckError(ErrorCode.internal, 'The control plane has no sources.')
    return active
  }

  let disposed = false
  // Switches run one after another, so two quick choices end on the second one.
  let switching: Promise<void> = Promise.resolve()
  const switchTo = async (sources: ControlPlaneSources): Promise<void> => {
    if (disposed) throw new MeshdeckError(ErrorCode.unavailable, 'The control plane has stopped.')
    let next: SourceSet
    try {
      next = await startSourceSet(sources, options.debounceMs, onSourceChange)
    } catch (err) {
      // The old sources were never touched: they keep serving.
      throw sourceStartError(err, active?.config.info())
    }
    if (disposed) {
      await next.dispose()
      throw new MeshdeckError(ErrorCode.unavailable, 'The control plane stopped while the new source was starting.')
    }
    const previous = active
    active = next
    // Past the last version whatever the new sources' own counts, so this is always one push.
    versionBase = sourceVersion + 1
    // The old source's objects are no fallback for the new one's invalid objects: those are new here.
    lastGood = null
    validationProblems = []
    apply()
    emit({ kind: 'sourcesChanged', version: servedVersion, configSource: next.config.info(), endpointSource: next.endpoints?.info() ?? null })
    await previous?.dispose()
  }

  return trackDisposable<ControlPlane>({
    host,
    port,
    address,
    status: () => {
      const { streams, nodes, byStatus } = ads.summary()
      return {
        state: 'running',
        address,
        meshDir: serving().meshDir,
        configSource: serving().config.info(),
        endpointSource: serving().endpoints?.info() ?? null,
        servedVersion,
        sourceVersion,
        streams,
        nodes,
        byStatus,
        problems: problems.map(problemToDto),
        rejected,
        lastPushAt: lastPushAt?.toISOString() ?? null,
      }
    },
    clients: () => ads.clients(),
    configDump: (nodeId) => ads.configDump(nodeId),
    problems: () => problems,
    snapshot: () => lastGood ?? emptySnapshot,
    written: () => written,
    bootstrap: (bootstrapOptions) => renderBootstrap({ ...bootstrapOptions, xdsAddress: address, serverListenerTemplate: template }),
    onEvent: (listener) => {
      listeners.add(listener)
      return { dispose: () => void listeners.delete(listener) }
    },
    loadStats: (withinMs) => lrs.loads(withinMs),
    loadStatsWindowMs: lrs.windowMs,
    setSecurity: (next) => {
      security = next ?? undefined
      securityGeneration += 1
      if (lastGood) push(lastGood, versionString())
    },
    refresh: async () => {
      const set = serving()
      await set.endpoints?.refresh()
      await set.config.refresh()
    },
    useSources: (sources) => (switching = switching.then(() => switchTo(sources), () => switchTo(sources))),
    dispose: async () => {
      disposed = true
      listeners.clear()
      await switching.catch(() => undefined)
      // The last set stays as `active` (disposed), so a late status() still names what was served.
      await active?.dispose()
      ads.dispose()
      lrs.dispose()
      server.forceShutdown()
    },
  })
}

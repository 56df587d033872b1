import { Server, ServerCredentials } from '@grpc/grpc-js'
import type { ConfigDump, ControlPlaneStatus, MeshProblemDto, XdsClient } from '@shared/contract'
import type { Disposable } from '../lib/disposable'
import {
  emptySnapshot,
  guardSnapshot,
  startDirectorySource,
  withKubernetesServices,
  type MeshConfigSource,
  type MeshEndpointSource,
  type MeshEndpointSourceFactory,
  type MeshEndpointsUpdate,
  type MeshProblem,
  type MeshSnapshot,
  type MeshSourceFactory,
  type MeshSourceUpdate,
} from '../mesh'
import { AdsServer, type AdsEvent } from './ads-server'
import { renderBootstrap, type BootstrapOptions, type XdsBootstrap } from './bootstrap'
import { SnapshotEncoder } from './encoded-snapshot'
import { LoadStatsServer, type ClusterLoad } from './load-stats'
import { adsServerService, xdsServices } from './protos'
import { defaultServerListenerTemplate } from './resource-types'
import { translate, type MeshSecurity } from './translate'

export interface ControlPlaneOptions {
  /** Folder of Istio YAML (VirtualService, DestinationRule, ServiceEntry, WorkloadEntry); the config source unless `source` is given. */
  meshDir?: string
  /** Another config source (a cluster's Istio CRDs); started with the control plane, disposed with it. */
  source?: MeshSourceFactory
  /** Kubernetes Services and endpoints merged into every snapshot (a cluster's EndpointSlices). */
  endpoints?: MeshEndpointSourceFactory
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
  /** A new config version is being served. */
  | { kind: 'applied'; version: number; problems: MeshProblem[] }
  /**
   * Objects of a config version had errors: each keeps serving its last good version (or, if new,
   * is left out) while everything valid in that version is applied.
   */
  | { kind: 'rejected'; version: number; objects: string[]; problems: MeshProblem[] }

export interface ControlPlane extends Disposable {
  readonly host: string
  readonly port: number
  /** host:port, what a bootstrap's server_uri holds. */
  readonly address: string
  status(): ControlPlaneStatus
  /** Connected ADS streams, per type SYNCED / STALE / NACKED / NOT SENT with NACK text. */
  clients(): XdsClient[]
  /** What each stream of a node was last sent, exactly. */
  configDump(nodeId: string): ConfigDump
  /** Current problems (file/parse problems and validation), errors first. */
  problems(): MeshProblem[]
  /** The mesh config being served (the last good objects, with the files they came from). */
  snapshot(): MeshSnapshot
  /** A bootstrap for a workload pointing at this control plane. */
  bootstrap(options: Omit<BootstrapOptions, 'xdsAddress' | 'serverListenerTemplate'>): XdsBootstrap
  /** Push, ACK, NACK, connect/disconnect, applied and rejected configs. */
  onEvent(listener: (event: ControlPlaneEvent) => void): Disposable
  /** Request rate, error rate and in-flight calls per cluster, from the clients' load reports. */
  loadStats(withinMs?: number): ClusterLoad[]
  /**
   * Replaces the mTLS decisions (e.g. after a PeerAuthentication change) and pushes what changed;
   * null makes everything plaintext.
   */
  setSecurity(security: SecuritySource | null): void
  /** Applies pending source changes now (re-reads the mesh folder) instead of waiting for the debounce. */
  refresh(): Promise<void>
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
  // Config version + endpoints version: both only grow, so the sum grows with every change of
  // either, and equals the config version when there is no endpoint source.
  let sourceVersion = 0
  let problems: MeshProblem[] = []
  let validationProblems: MeshProblem[] = []
  let rejected: string[] = []
  let lastPushAt: Date | null = null
  let lastGood: MeshSnapshot | null = null
  let security: SecuritySource | undefined = options.security

  const push = (snapshot: MeshSnapshot, version: string): void => {
    const decisions = typeof security === 'function' ? security(snapshot) : security
    const resources = translate(snapshot, { serverListenerTemplate: template, loadReporting: loadReportIntervalMs > 0, security: decisions })
    lastPushAt = new Date()
    ads.setSnapshot(encoder.encode(version, resources))
  }
  let securityGeneration = 0
  // Config version, plus the security generation once mTLS decisions changed ("7" → "7.s2").
  const versionString = (): string => (securityGeneration > 0 ? `${sourceVersion}.s${securityGeneration}` : String(sourceVersion))

  let config: MeshSourceUpdate = { snapshot: emptySnapshot, problems: [] }
  let endpoints: MeshEndpointsUpdate = { version: 0, services: [], problems: [] }
  // Sources report during their start; the first push waits until both have.
  let started = false

  const apply = (): void => {
    if (!started) return
    const version = config.snapshot.version + endpoints.version
    const sourceProblems = [...config.problems, ...endpoints.problems]
    if (version === sourceVersion) {
      // Only source problems changed (e.g. a broken edit whose last good objects keep serving).
      problems = sortProblems([...sourceProblems, ...validationProblems])
      return
    }
    sourceVersion = version
    const candidate = endpoints.version > 0 ? withKubernetesServices(config.snapshot, version, endpoints.services) : config.snapshot
    const guarded = guardSnapshot(candidate, lastGood)
    validationProblems = guarded.problems
    problems = sortProblems([...sourceProblems, ...validationProblems])
    rejected = guarded.rejected
    if (rejected.length > 0) emit({ kind: 'rejected', version: sourceVersion, objects: rejected, problems })
    lastGood = guarded.snapshot
    servedVersion = sourceVersion
    push(guarded.snapshot, versionString())
    emit({ kind: 'applied', version: servedVersion, problems })
  }

  const startSources = async (): Promise<{ source: MeshConfigSource; endpointSource: MeshEndpointSource | null }> => {
    const onEndpoints = (update: MeshEndpointsUpdate): void => {
      endpoints = update
      apply()
    }
    const endpointSource = options.endpoints ? await options.endpoints({ onChange: onEndpoints, debounceMs: options.debounceMs }) : null
    const onConfig = (update: MeshSourceUpdate): void => {
      config = update
      apply()
    }
    try {
      let source: MeshConfigSource
      if (options.source) source = await options.source({ onChange: onConfig, debounceMs: options.debounceMs })
      else if (options.meshDir) source = await startDirectorySource({ dir: options.meshDir, debounceMs: options.debounceMs, onChange: onConfig })
      else throw new Error('startControlPlane needs a config source: meshDir or source')
      if (endpointSource) endpoints = endpointSource.current()
      config = source.current()
      return { source, endpointSource }
    } catch (err) {
      await endpointSource?.dispose()
      throw err
    }
  }
  const { source, endpointSource } = await startSources()
  started = true
  apply()
  const disposeSources = async (): Promise<void> => {
    await source.dispose()
    await endpointSource?.dispose()
  }

  const server = new Server({ 'grpc.keepalive_permit_without_calls': 1 })
  server.addService(adsServerService(), { StreamAggregatedResources: ads.handleStream })
  server.addService(xdsServices().lrs, { StreamLoadStats: lrs.handleStream })
  let port: number
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)))
    })
  } catch (err) {
    await disposeSources()
    throw err
  }
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    host,
    port,
    address,
    status: () => {
      const { streams, nodes, byStatus } = ads.summary()
      return {
        state: 'running',
        address,
        meshDir: options.meshDir ?? null,
        configSource: source.info(),
        endpointSource: endpointSource?.info() ?? null,
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
    bootstrap: (bootstrapOptions) => renderBootstrap({ ...bootstrapOptions, xdsAddress: address, serverListenerTemplate: template }),
    onEvent: (listener) => {
      listeners.add(listener)
      return { dispose: () => void listeners.delete(listener) }
    },
    loadStats: (withinMs) => lrs.loads(withinMs),
    setSecurity: (next) => {
      security = next ?? undefined
      securityGeneration += 1
      if (lastGood) push(lastGood, versionString())
    },
    refresh: async () => {
      await endpointSource?.refresh()
      await source.refresh()
    },
    dispose: async () => {
      listeners.clear()
      await disposeSources()
      ads.dispose()
      lrs.dispose()
      server.forceShutdown()
    },
  }
}

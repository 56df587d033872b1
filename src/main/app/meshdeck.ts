import { mkdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { AppInfo, AppStatus, DemoLogLine } from '@shared/contract'
import { EventBus } from '../api/event-bus'
import { Router } from '../api/router'
import { ContextService } from '../cluster/context-service'
import { ConnectionService, LogService, loadKubeconfig } from '../cluster'
import { DemoService, demoCallEdges, demoTopologyWorkloads } from '../demo'
import { DisposableStack, type Disposable } from '../lib/disposable'
import { MeshSecurityBinding, SecurityService } from '../security'
import { TopologyService } from '../telemetry'
import { ConfigHistory, recordControlPlane, registerTracesApi, startTracesOnFreePort, type SpanTimeWindow, type Traces } from '../traces'
import { CanaryRuntime, controlPlaneClusterAcks } from '../canary'
import { ControlPlaneService } from '../xds'
import { controlPlaneOptions } from './control-plane-options'
import { removeInterruptedWrites, securePrivateDir } from './data-dir'
import { sourcesForChoice } from './control-plane-source-choice'
import { startMeshTopologyFeed } from './topology-feed'
import { ClusterTopologyFeeds } from './cluster-topology-feed'
import { secureDemoBootstrap } from './demo-security'
import { meshBootstrap } from './mesh-bootstrap'
import { version } from './version'

export interface MeshdeckOptions {
  mode: AppInfo['mode']
  /** Settings, mesh config and CA live here. */
  dataDir?: string
  kubeconfig?: string
  context?: string
  /** Folder of Istio YAML; when set, the embedded xDS control plane serves it. */
  meshDir?: string
  /**
   * Kubeconfig context whose cluster the embedded control plane serves: Kubernetes Services with
   * EndpointSlice endpoints, and the cluster's Istio CRDs as config (the folder's when meshDir is set too).
   */
  meshContext?: string
  /** Port of the xDS server (127.0.0.1); 0 picks a free one. Default 15010. */
  xdsPort?: number
  /** Port of the trace collector (OTLP/HTTP and Zipkin, 127.0.0.1). Default 4318, or a free one when taken. */
  tracesPort?: number
  /** Port of the OTLP/gRPC receiver (127.0.0.1). Default 4317 (a free one with tracesPort 0, or when taken). */
  tracesGrpcPort?: number
  /** The trace store's byte budget (default 256 MiB). */
  traceStoreBytes?: number
  /** How far from now a span may lie to be accepted (default ±10 min); others are rejected, never analysed. */
  spanTimeWindow?: SpanTimeWindow
  /**
   * Run the local demo mesh on the embedded control plane. Without meshDir its config lives in
   * <dataDir>/demo-mesh (seeded on first start, edits kept). Workloads send spans to the collector.
   */
  demo?: boolean
}

/** Everything main runs, independent of Electron: the Electron entry and `meshdeck serve` both build this. */
export interface Meshdeck extends Disposable {
  readonly router: Router
  readonly bus: EventBus
  readonly info: AppInfo
  /** The live service graph; the control plane and the demo mesh feed it with `topology.update(feeder, inputs)`. */
  readonly topology: TopologyService
  /** The local demo mesh's API; idle until `demo.start({ controlPlaneAddress, meshDir })` is called. */
  readonly demo: DemoService
  /** The embedded xDS control plane; `controlPlane.controlPlane` is null unless options.meshDir is set. */
  readonly controlPlane: ControlPlaneService
  /** Citadel: the mesh CA and workload certificates; `security.workloadSecurity(ref)` gives a bootstrap's certificate_providers. */
  readonly security: SecurityService
  /** The trace collector: spans in, per-edge latency out. */
  readonly traces: Traces
  /** Weight edits and progressive rollouts on the embedded control plane. */
  readonly canary: CanaryRuntime
}

export function defaultDataDir(): string {
  return process.env.MESHDECK_HOME ?? join(homedir(), '.meshdeck')
}

export async function createMeshdeck(options: MeshdeckOptions): Promise<Meshdeck> {
  const stack = new DisposableStack()
  const bus = new EventBus()
  const router = new Router()
  const info: AppInfo = {
    name: 'Meshdeck',
    version,
    mode: options.mode,
    platform: `${process.platform}-${process.arch}`,
    dataDir: options.dataDir ?? defaultDataDir(),
  }

  const meshDir = options.meshDir ?? (options.demo ? join(info.dataDir, 'demo-mesh') : undefined)
  // The data dir holds the CA key: 0700. Temp files of writes a crash interrupted are removed.
  for (const note of await securePrivateDir(info.dataDir)) console.warn(`meshdeck: ${note}`)
  await removeInterruptedWrites(info.dataDir, meshDir)
  // The demo seeds its folder when it starts; the control plane needs the folder to exist to watch it.
  if (options.demo && meshDir) await mkdir(meshDir, { recursive: true })
  // The xDS control plane runs only with a mesh folder or cluster; its methods answer "not running" otherwise.
  const controlPlane = stack.add(
    new ControlPlaneService(controlPlaneOptions({ meshDir, meshContext: options.meshContext, kubeconfig: options.kubeconfig, port: options.xdsPort ?? 15010 }), {
      changed: (payload) => bus.emit('controlPlane.changed', payload),
      clientNacked: (payload) => bus.emit('controlPlane.clientNacked', payload),
      sourceChanged: (payload) => bus.emit('controlPlane.sourceChanged', payload),
      statusChanged: () => bus.emit('app.status', status()),
    }),
  )
  const status = (): AppStatus => ({
    currentContext: contexts.current(),
    controlPlane: controlPlane.appStatus(),
  })
  // The context whose Istio CRDs are served now: it changes with controlPlane.useSource.
  const servedClusterContext = (): string | undefined => {
    const source = controlPlane.status().configSource
    return source?.kind === 'cluster' ? source.name : undefined
  }
  const contexts = new ContextService(options.kubeconfig, options.context, () => bus.emit('app.status', status()))
  await contexts.init()

  await controlPlane.start()
  router.register('controlPlane.status', () => controlPlane.status())
  // Switch what the running control plane serves; the renderer names a context, main holds its credentials.
  router.register('controlPlane.useSource', (choice) => controlPlane.useSources(sourcesForChoice(choice, { meshDir, kubeconfig: options.kubeconfig })))
  router.register('controlPlane.clients', () => controlPlane.running().clients())
  router.register('controlPlane.configDump', ({ nodeId }) => controlPlane.running().configDump(nodeId))
  router.register('controlPlane.loadStats', () => controlPlane.running().loadStats())

  router.register('app.info', () => info)
  router.register('app.status', () => status())
  router.register('clusters.listContexts', () => contexts.list())
  router.register('clusters.selectContext', ({ name }) => contexts.select(name))

  const connections = stack.add(
    new ConnectionService(() => loadKubeconfig(options.kubeconfig), {
      connection: (c) => {
        bus.emit('clusters.connection', c)
        // Defined below, before anything can connect: a connected cluster feeds the topology.
        clusterTopology.onConnection(c)
      },
      changes: (changes) => bus.emit('resources.changes', { changes }),
      feed: (state) => bus.emit('resources.feed', state),
    }),
  )
  router.register('clusters.connect', ({ context }) => connections.connect(context))
  router.register('clusters.disconnect', ({ context }) => {
    connections.disconnect(context)
    return { ok: true as const }
  })
  router.register('clusters.connections', () => connections.list())
  router.register('resources.subscribe', ({ context, kind }) => connections.subscribe(context, kind))
  router.register('resources.snapshot', ({ context, kind }) => connections.snapshot(context, kind))
  router.register('resources.versions', ({ context }) => connections.versions(context))
  router.register('resources.unsubscribe', ({ context, kind }) => {
    connections.unsubscribe(context, kind)
    return { ok: true as const }
  })
  const logs = stack.add(
    new LogService((context) => connections.client(context), {
      lines: (streamId, lines) => bus.emit('logs.lines', { streamId, lines }),
      ended: (streamId, error) => bus.emit('logs.ended', { streamId, error }),
    }),
  )
  router.register('logs.start', (params) => logs.start(params))
  router.register('logs.stop', ({ streamId }) => {
    logs.stop(streamId)
    return { ok: true as const }
  })
  router.register('resources.yaml', async ({ context, kind, namespace, name }) => ({ yaml: await connections.yaml(context, kind, namespace, name) }))

  const topology = stack.add(new TopologyService({ emit: (diff) => bus.emit('topology.changed', diff) }))
  const clusterTopology = stack.add(new ClusterTopologyFeeds(topology, (context) => connections.client(context)))
  router.register('topology.get', () => topology.graph())
  router.register('topology.series', ({ id }) => topology.series(id))
  router.register('topology.feed', ({ feeder, ...inputs }) => {
    topology.update(`api:${feeder}`, inputs)
    return { accepted: true }
  })

  // Registered always so demo.* answer "not running" with a hint; starting the demo is the caller's choice.
  const demo = stack.add(new DemoService((workload) => bus.emit('demo.workloadState', workload)))
  router.register('demo.status', () => demo.status())
  router.register('demo.setLoad', ({ rps }) => demo.setLoad(rps))
  router.register('demo.setFault', (params) => demo.setFault(params))
  router.register('demo.logs', (params) => demo.logs(params))

  // The CA is created on first use (the first workload that needs a certificate), not at start:
  // a plain `meshdeck serve` writes no key, and a damaged CA only fails the features that need it.
  const security = stack.add(
    new SecurityService(
      { dataDir: info.dataDir },
      {
        certificateRenewed: (certificate, reason) => bus.emit('security.certificateRenewed', { certificate, reason }),
        caChanged: (ca) => bus.emit('security.caChanged', ca),
      },
    ),
  )
  router.register('security.caInfo', () => security.caInfo())
  router.register('security.certificates', () => ({ certificates: security.certificateDtos() }))
  router.register('security.rotateCa', (params) => security.rotateCaFromFiles(params))
  router.register('security.conflicts', () => security.conflicts())
  // Workloads given their own certificates (`meshdeck bootstrap --certs`, mesh.bootstrap) are renewed by whichever Meshdeck runs on this data folder.
  stack.add(await security.renewRegisteredWorkloads({ onProblem: (message) => console.error(`meshdeck: ${message}`) }))
  router.register('mesh.bootstrap', (params) => meshBootstrap(controlPlane, security, params))
  // mTLS and RBAC follow the served config (PeerAuthentication, DestinationRule TLS, AuthorizationPolicy).
  const meshSecurity = controlPlane.controlPlane ? stack.add(await MeshSecurityBinding.bind(security, controlPlane.controlPlane)) : null
  router.register('security.mtlsStatus', () => meshSecurity?.status() ?? { evaluated: false, trustDomain: security.defaultTrustDomain(), workloads: [], edges: [], conflicts: [] })

  const traces = stack.add(
    await startTracesOnFreePort({ port: options.tracesPort ?? 4318, grpcPort: options.tracesGrpcPort, maxBytes: options.traceStoreBytes, timeWindow: options.spanTimeWindow }),
  )
  // What the control plane pushed and each client ACKed, over time: the mesh context of a span.
  const configHistory = controlPlane.controlPlane ? new ConfigHistory() : null
  if (configHistory && controlPlane.controlPlane) stack.add(recordControlPlane(configHistory, controlPlane.controlPlane))

  // Canary works on the embedded control plane's mesh folder and, by context name, on connected
  // clusters' VirtualServices (the cluster's credentials stay in the connection, in main).
  const canary = stack.add(
    new CanaryRuntime({
      controlPlane: () => controlPlane.running(),
      edges: traces.edges,
      dataDir: info.dataDir,
      onRollout: (state) => bus.emit('rollout.changed', state),
      clusterClient: (context) => connections.client(context),
      // Where the embedded control plane serves a cluster's config (--mesh-context or controlPlane.useSource), rollout steps there wait for its clients' ACKs.
      clusterAcks: controlPlaneClusterAcks(servedClusterContext, () => (controlPlane.status().state === 'running' ? controlPlane.running() : null)),
    }),
  )
  stack.add(
    registerTracesApi(router, bus, {
      traces,
      mesh: { history: () => configHistory, rollouts: () => canary.list() },
      logs: {
        demo: (workload) => demoLogLines(demo, workload),
        clusterContext: () => contexts.current(),
      },
    }),
  )
  // Without a control plane there is nothing local to split; the page explains how to get one.
  router.register('canary.targets', async ({ context }) => ({
    targets: context ? await canary.clusterTargets(context) : controlPlane.status().state === 'running' ? canary.targets() : [],
  }))
  router.register('canary.preview', ({ target, weights }) => canary.preview(target, weights))
  router.register('canary.apply', ({ target, weights, baseVersion }) => canary.apply(target, weights, baseVersion))
  router.register('rollout.start', ({ target, stable, canary: canarySubset, plan }) => canary.start(target, stable, canarySubset, plan))
  router.register('rollout.control', ({ id, action }) => canary.control(id, action))
  router.register('rollout.list', async () => ({ rollouts: await canary.list() }))
  // Local rollouts resume on the control plane before anything else writes the folder; cluster
  // ones from their VirtualService's annotation, in the background (a cluster may be slow or gone).
  await canary.resume()
  void canary.resumeClusters().catch(() => undefined)

  const plane = controlPlane.controlPlane
  if (options.demo && plane && meshDir) {
    try {
      // Each workload's bootstrap names its CA-issued certificate files, so mTLS and RBAC can apply.
      const renderBootstrap = await secureDemoBootstrap(security)
      await demo.start({ controlPlaneAddress: plane.address, meshDir, tracesEndpoint: traces.collector.otlpUrl, renderBootstrap })
      // Serve the seeded config now rather than after the folder watcher's debounce, so the first
      // topology already holds every service and version (a graph laid out once, not piecemeal).
      await plane.refresh()
    } catch (err) {
      await stack.dispose()
      throw err
    }
  }
  // The topology follows whatever the control plane serves: config, LRS rates and span latency.
  if (plane) {
    stack.add(
      startMeshTopologyFeed({
        topology,
        controlPlane: plane,
        edges: traces.edges,
        // The demo's processes say more than their WorkloadEntries: crashed, restarting, the load generator.
        liveWorkloads: () => {
          const current = demo.status()
          return current.running ? demoTopologyWorkloads(current.workloads) : []
        },
        knownEdges: () => {
          const current = demo.status()
          return current.running ? demoCallEdges(current.workloads) : []
        },
        // Topology edges get their lock from what was configured and acknowledged.
        mtlsOf: (edge) => meshSecurity?.mtlsForEdge(edge) ?? null,
      }),
    )
  }

  return {
    router,
    bus,
    info,
    traces,
    canary,
    topology,
    demo,
    controlPlane,
    security,
    dispose: () => stack.dispose(),
  }
}

/** A running demo workload's recent log lines; null when the demo or that workload is not running. */
function demoLogLines(demo: DemoService, workload: string): DemoLogLine[] | null {
  if (!demo.status().running) return null
  try {
    return demo.logs({ workload, tail: 1_000 }).lines
  } catch {
    return null
  }
}

import { mkdir } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import type { AppInfo, AppStatus, DemoLogLine } from '@shared/contract'
import { registerAnalysisApi, type AnalysisService } from '../analysis/io'
import { EventBus, Router } from '../api'
import { registerCanaryApi, type CanaryRuntime } from '../canary/io'
import { addedKubeconfigsDir, registerClusterApi } from '../cluster/io'
import { demoTopologySources, registerDemoApi, secureDemoBootstrap, type DemoService } from '../demo/io'
import { DisposableStack, type Disposable } from '../lib/disposable'
import { kubeconfigWithLocalClusters, registerLocalClustersApi } from '../local-clusters/io'
import { registerSecurityApi, type SecurityService } from '../security/io'
import { meshLatencyWindowSeconds, registerTopologyApi, startMeshTopologyFeed, type PrometheusSources, type PrometheusTopology, type TopologyService } from '../telemetry/io'
import { ConfigHistory, type SpanTimeWindow } from '../traces'
import { recordControlPlane, registerTracesApi, startTracesOnFreePort, type Traces } from '../traces/io'
import { registerControlPlaneApi, type ControlPlaneService } from '../xds/io'
import { registerMonitoringApi, type Monitoring } from '../monitoring/io'
import { registerAppApi } from './app-api'
import { defaultDataDir, removeInterruptedWrites, securePrivateDir } from './data-dir'
import { version } from './version'

export { defaultDataDir }

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
  /** Address the xDS server binds (default 127.0.0.1); the kind sandbox needs one its pods reach, e.g. the kind network's gateway. */
  xdsHost?: string
  /** Port of Meshdeck's own /metrics (127.0.0.1); default 15014, istiod's, or a free one when taken; null serves none. */
  monitoringPort?: number | null
  /** `--prometheus URL`: the Prometheus the local demo's numbers and analysis may come from (docs/metrics.md). */
  prometheusUrl?: string
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
  /** Meshdeck's own metrics on the monitoring port, or null when off. */
  readonly monitoring: Monitoring | null
  /** Which Prometheus each scope uses (settings, --prometheus, discovery). */
  readonly prometheus: PrometheusSources
  /** The topology's numbers from Prometheus, while it is the chosen source. */
  readonly prometheusTopology: PrometheusTopology
  /** Findings of the mesh config as written, kept current. */
  readonly analysis: AnalysisService
}

/**
 * The composition root: builds each domain through its register function (service, API methods,
 * events), and orders start and stop. Domain logic lives in the domains; this only wires them.
 */
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
  // A start that fails anywhere (an unsafe data dir, a port taken, the demo) releases what it began.
  try {
    // Every kubeconfig reader sees the user's files and then Meshdeck's own file of local clusters.
    // ...and last, the kubeconfig files the user added from the Clusters page (links in the data folder).
    const addedKubeconfigs = addedKubeconfigsDir(info.dataDir)
    const kubeconfig = [kubeconfigWithLocalClusters(options.kubeconfig, info.dataDir), addedKubeconfigs].join(delimiter)
    const meshDir = options.meshDir ?? (options.demo ? join(info.dataDir, 'demo-mesh') : undefined)
    // The data dir holds the CA key: 0700. Temp files of writes a crash interrupted are removed.
    for (const note of await securePrivateDir(info.dataDir)) console.warn(`meshdeck: ${note}`)
    await removeInterruptedWrites(info.dataDir, meshDir)
    // The demo seeds its folder when it starts; the control plane needs the folder to exist to watch it.
    if (options.demo && meshDir) await mkdir(meshDir, { recursive: true })

    // Callbacks below name domains built after them; none fires before start() or an API call.
    const app = stack.add(
      registerAppApi(router, bus, { info, status: (): AppStatus => ({ currentContext: cluster.contexts.current(), controlPlane: controlPlane.service.appStatus() }) }),
    )
    const controlPlane = stack.add(
      registerControlPlaneApi(router, bus, { meshDir, meshContext: options.meshContext, kubeconfig, port: options.xdsPort ?? 15010, host: options.xdsHost, onStatusChanged: app.statusChanged }),
    )
    const cluster = stack.add(
      registerClusterApi(router, bus, { kubeconfig, addedKubeconfigs, context: options.context, onContextChanged: app.statusChanged, onConnection: (c) => topology.onConnection(c) }),
    )
    const clusterClient = (context: string) => cluster.connections.client(context)
    await cluster.contexts.init()
    await controlPlane.service.start()

    // The windows the graph's own numbers are over: the load reports the control plane keeps, and span latency's.
    const meshWindows = () => {
      const plane = controlPlane.service.controlPlane
      return plane ? { rates: plane.loadStatsWindowMs / 1000, latency: meshLatencyWindowSeconds } : { rates: null, latency: null }
    }
    const topology = stack.add(registerTopologyApi(router, bus, { clusterClient, dataDir: info.dataDir, prometheusUrl: options.prometheusUrl, meshWindows }))
    const demo = stack.add(registerDemoApi(router, bus))
    const security = stack.add(registerSecurityApi(router, bus, { dataDir: info.dataDir, controlPlane: controlPlane.service }))
    await security.start()
    // Findings of every config the control plane reads, and the check a weight edit passes first.
    const analysis = stack.add(
      registerAnalysisApi(router, bus, { controlPlane: controlPlane.service, clusterClient, identities: () => security.service.certificateDtos().map((c) => c.spiffeId), trustDomain: () => security.service.trustDomain() }),
    )
    await analysis.start()
    const traces = stack.add(
      await startTracesOnFreePort({ port: options.tracesPort ?? 4318, grpcPort: options.tracesGrpcPort, maxBytes: options.traceStoreBytes, timeWindow: options.spanTimeWindow }),
    )
    // What the control plane pushed and each client ACKed, over time: the mesh context of a span.
    const configHistory = controlPlane.service.controlPlane ? new ConfigHistory() : null
    if (configHistory && controlPlane.service.controlPlane) stack.add(recordControlPlane(configHistory, controlPlane.service.controlPlane))
    stack.add(
      registerTracesApi(router, bus, {
        traces,
        // Rollouts are read when a span is looked at (canary starts below, on the traces' edges).
        mesh: { history: () => configHistory, rollouts: () => canary.service.list() },
        logs: { demo: (workload) => demoLogLines(demo.service, workload), clusterContext: () => cluster.contexts.current() },
      }),
    )
    // Meshdeck's own metrics, with istiod's names, on istiod's monitoring port (docs/metrics.md).
    const monitoring = stack.add(await registerMonitoringApi(router, { controlPlane: controlPlane.service, security: security.service, traces, port: options.monitoringPort === undefined ? 15014 : options.monitoringPort }))
    const canary = stack.add(registerCanaryApi(router, bus, { controlPlane: controlPlane.service, edges: traces.edges, dataDir: info.dataDir, clusterClient, analysis: analysis.service, prometheus: topology.prometheus }))
    await canary.start()
    // The sandbox runs the demo's processes on the running control plane (the demo's own folder when it has one).
    const startSandboxDemo = async () => {
      const renderBootstrap = await secureDemoBootstrap(security.service)
      const sandboxMeshDir = meshDir ?? join(info.dataDir, 'sandbox-mesh')
      const mesh = await demo.service.start({ controlPlaneAddress: controlPlane.service.running().address, meshDir: sandboxMeshDir, tracesEndpoint: traces.collector.otlpUrl, renderBootstrap })
      return mesh.status().workloads
    }
    stack.add(registerLocalClustersApi(router, bus, { dataDir: info.dataDir, userKubeconfig: options.kubeconfig, startDemo: startSandboxDemo }))

    const plane = controlPlane.service.controlPlane
    if (options.demo && plane && meshDir) {
      // Each workload's bootstrap names its CA-issued certificate files, so mTLS and RBAC can apply.
      const renderBootstrap = await secureDemoBootstrap(security.service)
      // Its workloads' /metrics are listed for Prometheus's file_sd_configs at a path that stays put (docs/metrics.md).
      const scrapeTargetsFile = join(info.dataDir, 'prometheus', 'demo-targets.json')
      await demo.service.start({ controlPlaneAddress: plane.address, meshDir, tracesEndpoint: traces.collector.otlpUrl, renderBootstrap, scrapeTargetsFile })
      // Serve the seeded config now rather than after the folder watcher's debounce, so the first
      // topology already holds every service and version (a graph laid out once, not piecemeal).
      await plane.refresh()
    }
    // The topology follows whatever the control plane serves: config, LRS rates, span latency, mTLS.
    if (plane) {
      stack.add(
        startMeshTopologyFeed({ topology: topology.service, controlPlane: plane, edges: traces.edges, ...demoTopologySources(demo.service), mtlsOf: security.mtlsForEdge }),
      )
    }

    return {
      router,
      bus,
      info,
      traces,
      canary: canary.service,
      analysis: analysis.service,
      topology: topology.service,
      prometheus: topology.prometheus,
      monitoring: monitoring.monitoring,
      prometheusTopology: topology.prometheusTopology,
      demo: demo.service,
      controlPlane: controlPlane.service,
      security: security.service,
      dispose: () => stack.dispose(),
    }
  } catch (err) {
    await stack.dispose().catch(() => undefined)
    throw err
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

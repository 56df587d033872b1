import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { MeshdeckError, ErrorCode } from '../../../shared/contract/errors'
import type { DemoFault, DemoLoad, DemoLogLine, DemoStatus, DemoWorkload } from '../../../shared/contract/demo'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { renderDemoBootstrap } from '../bootstrap'
import { noFault, type LoadStats } from '../ipc'
import { seedMeshDir, writeWorkloadEntries, type PlacedWorkload } from './mesh-config'
import { freeLoopbackPort } from './ports'
import { findResource } from './resources'
import { defaultRestartPolicy, type RestartPolicy } from '../restart-policy'
import { SupervisedProcess } from './supervised-process'
import { demoHost, demoTarget, demoWorkloads, startOrder, type DemoWorkloadSpec } from '../topology'
import { demoScrapeTargets, renderFileSd, type FileSdGroup } from '../scrape-targets'
import { defaultWorkloadCommand, type WorkloadCommand } from './workload-command'
import { exitConfigError } from './workload/exit-codes'

export interface DemoMeshOptions {
  /** Where the control plane's ADS server listens, host:port, e.g. 127.0.0.1:15010. */
  controlPlaneAddress: string
  /** The Istio config folder the control plane reads. The demo seeds it (once) and writes its WorkloadEntries there. */
  meshDir: string
  /** Per-run files (one xDS bootstrap per workload). Default: a fresh temp folder, removed on dispose. */
  runDir?: string
  /** The load generator's starting rate toward frontend. Default 5 rps. */
  rps?: number
  /**
   * 'xds' (default): XdsServer, which serves once the control plane sent its Listener, so inbound
   * policy (mTLS, RBAC) applies. 'plain': an ordinary gRPC server — only for a control plane that
   * serves no server Listeners; clients still route through xDS either way.
   */
  serverMode?: 'xds' | 'plain'
  /** Renders a workload's bootstrap JSON; default: renderDemoBootstrap (standard gRPC xDS bootstrap). */
  renderBootstrap?: (controlPlaneAddress: string, workload: DemoWorkloadSpec) => string
  /** How to run the workload program. Default: out/main/demo-workload.js, else the source through tsx. */
  workloadCommand?: WorkloadCommand
  restartPolicy?: RestartPolicy
  /** How long a workload gets after SIGTERM before SIGKILL. Default 5 s. */
  stopGraceMs?: number
  /** Lines kept per workload log. Default 1000. */
  logLines?: number
  /** Called whenever a workload changes state (started, serving, crashed, restarted, stopped). */
  onWorkloadChange?: (workload: DemoWorkload) => void
  /** OTLP/HTTP traces URL (Meshdeck's collector, …/v1/traces); workloads send their spans there. None: no tracing. */
  tracesEndpoint?: string
  /** Which workloads to run. Default: all of demoWorkloads. */
  workloads?: readonly DemoWorkloadSpec[]
  /**
   * Where to write the Prometheus file-based service discovery file naming every workload's
   * /metrics address (written atomically at start, removed on dispose). Always written to
   * <runDir>/prometheus-targets.json as well.
   */
  scrapeTargetsFile?: string
}

/** The running demo mesh; dispose() stops every workload and removes what this run created. */
export interface DemoMesh extends Disposable {
  readonly meshDir: string
  readonly runDir: string
  status(): DemoStatus
  workload(name: string): DemoWorkload
  setLoad(rps: number): DemoLoad
  setFault(name: string, fault: Partial<DemoFault>): DemoWorkload
  logs(name: string, tail?: number): DemoLogLine[]
  /** Stops a workload's process and starts it again with its current knobs. */
  restart(name: string): Promise<DemoWorkload>
  /** Every workload's /metrics address, as the file_sd file lists them. */
  scrapeTargets(): FileSdGroup[]
  /** The file_sd files this run keeps up to date. */
  readonly scrapeTargetsFiles: string[]
}

interface Member {
  spec: DemoWorkloadSpec
  port: number | null
  metricsPort: number
  fault: DemoFault
  rps: number
  process: SupervisedProcess
}

function workloadArgs(member: Member): string[] {
  const { spec, fault } = member
  const args = ['--workload', spec.name, '--role', spec.role, '--version', spec.version]
  args.push('--error-rate', String(fault.errorRate), '--error-code', fault.errorCode, '--latency-ms', String(fault.latencyMs))
  for (const upstream of spec.upstreams) args.push('--upstream', `${upstream}=${demoTarget(upstream)}`)
  if (spec.role === 'loadgen') args.push('--rps', String(member.rps))
  args.push('--metrics-port', String(member.metricsPort))
  return args
}

/**
 * Starts the demo mesh: seeds the mesh folder, picks a loopback port per serving workload and
 * writes its WorkloadEntry, writes one xDS bootstrap per workload, then starts every workload as
 * a supervised child process. Returns once all are launched (not necessarily serving yet: watch
 * status() or onWorkloadChange for `running`).
 */
export async function startDemoMesh(options: DemoMeshOptions): Promise<DemoMesh> {
  const specs = startOrder(options.workloads ?? demoWorkloads)
  const ownRunDir = options.runDir === undefined
  const runDir = options.runDir ?? (await fs.mkdtemp(join(tmpdir(), 'meshdeck-demo-')))
  await fs.mkdir(runDir, { recursive: true })
  const serverMode = options.serverMode ?? 'xds'
  const command = options.workloadCommand ?? defaultWorkloadCommand()
  const render = options.renderBootstrap ?? renderDemoBootstrap
  const proto = findResource(join('demo', 'protos', 'demo.proto'))

  const ports = new Map<string, number>()
  const metricsPorts = new Map<string, number>()
  const scrapeFiles = [join(runDir, 'prometheus-targets.json'), ...(options.scrapeTargetsFile ? [options.scrapeTargetsFile] : [])]
  let entriesFile: string | null = null
  let targets: FileSdGroup[] = []
  try {
    await seedMeshDir(findResource(join('demo', 'mesh')), options.meshDir)
    for (const spec of specs) if (spec.serves) ports.set(spec.name, await freeLoopbackPort())
    // Fixed for the run (kept across restarts), so the discovery file is written once and stays true.
    for (const spec of specs) metricsPorts.set(spec.name, await freeLoopbackPort())
    const placed: PlacedWorkload[] = specs.filter((s) => s.serves).map((spec) => ({ spec, port: ports.get(spec.name) as number }))
    // WorkloadEntries first: an xDS server only starts serving once its Listener exists, and the
    // control plane builds that Listener from the WorkloadEntry's address and port.
    entriesFile = await writeWorkloadEntries(options.meshDir, placed)
    for (const spec of specs) {
      await writeFileAtomic(join(runDir, `${spec.name}.bootstrap.json`), render(options.controlPlaneAddress, spec), 0o600)
    }
    targets = demoScrapeTargets(specs.map((spec) => ({ spec, host: '127.0.0.1', metricsPort: metricsPorts.get(spec.name) as number })))
    for (const file of scrapeFiles) {
      await fs.mkdir(dirname(file), { recursive: true })
      await writeFileAtomic(file, renderFileSd(targets))
    }
  } catch (err) {
    // Nothing has started yet: undo what this run wrote, so a failed start leaves no stale endpoints.
    if (entriesFile) await fs.rm(entriesFile, { force: true })
    if (options.scrapeTargetsFile) await fs.rm(options.scrapeTargetsFile, { force: true })
    if (ownRunDir) await fs.rm(runDir, { recursive: true, force: true })
    throw err
  }
  const workloadEntries = entriesFile

  let load: LoadStats | null = null
  const members = new Map<string, Member>()
  const describe = (member: Member): DemoWorkload => ({
    name: member.spec.name,
    service: member.spec.role,
    version: member.spec.version,
    host: member.spec.serves ? demoHost(member.spec.role) : null,
    port: member.port,
    state: member.process.state,
    pid: member.process.pid,
    restarts: member.process.restarts,
    fault: { ...member.fault },
    ...(member.process.message === undefined ? {} : { message: member.process.message }),
  })

  for (const spec of specs) {
    const bootstrapPath = join(runDir, `${spec.name}.bootstrap.json`)
    const member: Member = {
      spec,
      port: ports.get(spec.name) ?? null,
      metricsPort: metricsPorts.get(spec.name) as number,
      fault: { ...noFault },
      rps: options.rps ?? 5,
      process: new SupervisedProcess({
        name: spec.name,
        launch: () => ({
          command: command.command,
          args: [
            ...command.args,
            ...workloadArgs(member),
            '--proto',
            proto,
            ...(member.port === null ? [] : ['--port', String(member.port), '--server', serverMode]),
          ],
          env: {
            ...process.env,
            ...command.env,
            GRPC_XDS_BOOTSTRAP: bootstrapPath,
            ...(options.tracesEndpoint ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: options.tracesEndpoint } : {}),
            // AuthorizationPolicy reaches proxyless servers as xDS RBAC, which grpc-js applies only with this set.
            GRPC_XDS_EXPERIMENTAL_RBAC: 'true',
          },
        }),
        restartPolicy: options.restartPolicy ?? defaultRestartPolicy,
        stopGraceMs: options.stopGraceMs,
        logLines: options.logLines,
        fatalExitCodes: [exitConfigError],
        runningOnSpawn: !spec.serves,
        startingMessage:
          serverMode === 'xds'
            ? `waiting for its Listener from the control plane at ${options.controlPlaneAddress} (an xDS server serves once it has it)`
            : 'starting',
        onMessage: (message) => {
          if (message.type === 'loadStats') load = message.stats
        },
        onChange: () => options.onWorkloadChange?.(describe(member)),
      }),
    }
    members.set(spec.name, member)
  }
  for (const member of members.values()) member.process.start()

  const find = (name: string): Member => {
    const member = members.get(name)
    if (!member) {
      throw new MeshdeckError(
        ErrorCode.notFound,
        `There is no demo workload named ${name}.`,
        `Demo workloads: ${[...members.keys()].join(', ')}.`,
      )
    }
    return member
  }
  const loadgen = [...members.values()].find((m) => m.spec.role === 'loadgen')
  let disposed = false

  return trackDisposable<DemoMesh>({
    meshDir: options.meshDir,
    runDir,
    status: () => ({
      running: !disposed,
      meshDir: options.meshDir,
      workloads: [...members.values()].map(describe),
      load: loadgen ? (load ?? { ok: 0, failed: 0, failedByCode: {}, okByReviews: {}, rps: loadgen.rps }) : null,
    }),
    workload: (name) => describe(find(name)),
    setLoad: (rps) => {
      if (!loadgen) throw new MeshdeckError(ErrorCode.unavailable, 'This demo runs no load generator.', 'Start the demo with its loadgen workload.')
      loadgen.rps = rps
      // Also kept for restarts: a restarted load generator comes back at the rate last asked for.
      loadgen.process.send({ type: 'setLoad', rps })
      load = { ...(load ?? { ok: 0, failed: 0, failedByCode: {}, okByReviews: {} }), rps }
      return load
    },
    setFault: (name, fault) => {
      const member = find(name)
      if (!member.spec.serves) {
        throw new MeshdeckError(ErrorCode.invalidParams, `${name} serves no RPCs, so it has no fault to inject.`, 'Pick a serving workload, e.g. reviews-v2.')
      }
      member.fault = { ...member.fault, ...fault }
      member.process.send({ type: 'setFault', knobs: member.fault })
      const described = describe(member)
      options.onWorkloadChange?.(described)
      return described
    },
    logs: (name, tail) => find(name).process.logs.tail(tail),
    restart: async (name) => {
      const member = find(name)
      await member.process.restart()
      return describe(member)
    },
    scrapeTargets: () => targets.map((g) => ({ targets: [...g.targets], labels: { ...g.labels } })),
    scrapeTargetsFiles: scrapeFiles,
    dispose: async () => {
      if (disposed) return
      disposed = true
      // All at once: each gets its own SIGTERM grace, so a stuck one does not hold up the rest.
      await Promise.all([...members.values()].map((m) => m.process.dispose()))
      // Their processes are gone, so their endpoints must go too; the seeds (and any edits) stay.
      await fs.rm(workloadEntries, { force: true })
      // Prometheus drops targets that leave the file, rather than scraping closed ports.
      if (options.scrapeTargetsFile) await fs.rm(options.scrapeTargetsFile, { force: true })
      if (ownRunDir) await fs.rm(runDir, { recursive: true, force: true })
    },
  })
}

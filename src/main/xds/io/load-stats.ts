import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { ServerDuplexStream } from '@grpc/grpc-js'
import { toProtoDuration } from '../../mesh'
import type { CallerLoad, ClusterLoad } from '../load-report'

export type { CallerLoad, ClusterLoad }

/** A LoadStatsRequest as proto-loader decodes it (only what we read). */
export interface LoadStatsRequest {
  node: { id: string } | null
  cluster_stats: {
    cluster_name: string
    cluster_service_name: string
    upstream_locality_stats: {
      total_successful_requests: string | number
      total_requests_in_progress: string | number
      total_error_requests: string | number
      total_issued_requests: string | number
    }[]
    total_dropped_requests: string | number
    load_report_interval: { seconds: string | number; nanos: number } | null
  }[]
}

export interface LoadStatsResponse {
  clusters: string[]
  send_all_clusters: boolean
  load_reporting_interval: { seconds: number; nanos: number }
  report_endpoint_granularity: boolean
}

/** Traffic to one cluster (service, port, subset) as its callers report it. */
interface Report {
  at: number
  nodeId: string
  cluster: string
  seconds: number
  issued: number
  succeeded: number
  failed: number
  dropped: number
  inProgress: number
}

const num = (value: string | number | undefined): number => Number(value ?? 0)

/**
 * Load Reporting Service: every client reports, per cluster, calls issued/succeeded/failed and in
 * flight since its last report. We ask for all clusters (send_all_clusters) at a fixed interval and
 * keep a short window to turn reports into rates.
 */
export class LoadStatsServer implements Disposable {
  private reports: Report[] = []
  /**
   * Each node's report times and intervals, whatever clusters they held: a client leaves out a
   * cluster it made no calls to, so a quiet subset's rate must be averaged over the node's whole
   * reported time, not only the intervals that mention it (that would inflate sparse subsets).
   */
  private batches: { at: number; nodeId: string; seconds: number }[] = []
  private readonly calls = new Set<ServerDuplexStream<LoadStatsRequest, LoadStatsResponse>>()
  private readonly listeners = new Set<(nodeId: string) => void>()

  constructor(
    private readonly intervalMs: number,
    /** How far back reports are kept: every rate is over this window (the topology says so). */
    readonly windowMs: number = Math.max(5 * intervalMs, 10_000),
    private readonly now: () => number = Date.now,
  ) {
    trackDisposable(this)
  }

  /** Called after each report with the reporting node id. */
  onReport(listener: (nodeId: string) => void): Disposable {
    this.listeners.add(listener)
    return { dispose: () => void this.listeners.delete(listener) }
  }

  readonly handleStream = (call: ServerDuplexStream<LoadStatsRequest, LoadStatsResponse>): void => {
    let nodeId = ''
    let answered = false
    this.calls.add(call)
    const close = (): void => void this.calls.delete(call)
    call.on('data', (request: LoadStatsRequest) => {
      nodeId ||= request.node?.id ?? ''
      this.record(nodeId, request)
      if (!answered) {
        answered = true
        call.write({ clusters: [], send_all_clusters: true, load_reporting_interval: toProtoDuration(this.intervalMs), report_endpoint_granularity: false })
      }
    })
    call.on('end', () => {
      close()
      call.end()
    })
    call.on('error', close)
    call.on('cancelled', close)
  }

  /** Adds one request's reports (exported for unit tests with plain inputs). */
  record(nodeId: string, request: Pick<LoadStatsRequest, 'cluster_stats'>): void {
    const at = this.now()
    const seconds = Math.max(0, ...request.cluster_stats.map((s) => num(s.load_report_interval?.seconds) + (s.load_report_interval?.nanos ?? 0) / 1e9))
    this.batches.push({ at, nodeId, seconds })
    for (const stats of request.cluster_stats) {
      const report: Report = { at, nodeId, cluster: stats.cluster_name, seconds: num(stats.load_report_interval?.seconds) + (stats.load_report_interval?.nanos ?? 0) / 1e9, issued: 0, succeeded: 0, failed: 0, dropped: num(stats.total_dropped_requests), inProgress: 0 }
      for (const locality of stats.upstream_locality_stats) {
        report.issued += num(locality.total_issued_requests)
        report.succeeded += num(locality.total_successful_requests)
        report.failed += num(locality.total_error_requests)
        report.inProgress += num(locality.total_requests_in_progress)
      }
      this.reports.push(report)
    }
    this.prune()
    if (request.cluster_stats.length > 0) for (const listener of this.listeners) listener(nodeId)
  }

  private prune(): void {
    const oldest = this.now() - this.windowMs
    if (this.reports.length > 0 && (this.reports[0]?.at ?? 0) < oldest) this.reports = this.reports.filter((r) => r.at >= oldest)
    if (this.batches.length > 0 && (this.batches[0]?.at ?? 0) < oldest) this.batches = this.batches.filter((b) => b.at >= oldest)
  }

  /**
   * Per-cluster rates over the window, busiest first. `withinMs` narrows it to the most recent
   * reports, so an analysis window does not mix in traffic from before a weight change.
   */
  loads(withinMs?: number): ClusterLoad[] {
    this.prune()
    const since = withinMs === undefined ? -Infinity : this.now() - withinMs
    const byCluster = new Map<string, Report[]>()
    for (const report of this.reports.filter((r) => r.at >= since)) byCluster.set(report.cluster, [...(byCluster.get(report.cluster) ?? []), report])
    const nodeSeconds = new Map<string, number>()
    // Over the same reports as the counts: time from before `withinMs` would dilute the rate.
    for (const batch of this.batches) if (batch.at >= since) nodeSeconds.set(batch.nodeId, (nodeSeconds.get(batch.nodeId) ?? 0) + batch.seconds)
    const out: ClusterLoad[] = []
    for (const [cluster, reports] of byCluster) {
      const [, port = '0', subset = '', host = cluster] = cluster.split('|')
      const perNode = new Map<string, Report[]>()
      for (const r of reports) perNode.set(r.nodeId, [...(perNode.get(r.nodeId) ?? []), r])
      let rate = 0
      let inFlight = 0
      const byCaller: CallerLoad[] = []
      for (const [nodeId, nodeReports] of perNode) {
        const seconds = Math.max(nodeSeconds.get(nodeId) ?? 0, nodeReports.reduce((sum, r) => sum + r.seconds, 0))
        const issued = nodeReports.reduce((sum, r) => sum + r.issued, 0)
        const nodeFailed = nodeReports.reduce((sum, r) => sum + r.failed + r.dropped, 0)
        const nodeFinished = nodeReports.reduce((sum, r) => sum + r.succeeded, 0) + nodeFailed
        const nodeRate = seconds > 0 ? issued / seconds : 0
        const nodeInFlight = nodeReports.at(-1)?.inProgress ?? 0
        rate += nodeRate
        inFlight += nodeInFlight
        byCaller.push({ nodeId, requestRate: nodeRate, errorRate: nodeFinished > 0 ? nodeFailed / nodeFinished : 0, inFlight: nodeInFlight })
      }
      const failed = reports.reduce((sum, r) => sum + r.failed + r.dropped, 0)
      const finished = reports.reduce((sum, r) => sum + r.succeeded, 0) + failed
      out.push({ cluster, host, port: Number(port), subset, requestRate: rate, errorRate: finished > 0 ? failed / finished : 0, inFlight, callers: [...perNode.keys()].sort(), byCaller: byCaller.sort((a, b) => a.nodeId.localeCompare(b.nodeId)) })
    }
    return out.sort((a, b) => b.requestRate - a.requestRate)
  }

  dispose(): void {
    for (const call of this.calls) call.end()
    this.calls.clear()
    this.listeners.clear()
  }
}

/**
 * Meshdeck's own metrics, named as istiod names them where the meaning is the same, so dashboards
 * and alerts written for istiod read Meshdeck too (docs/metrics.md lists each one and its meaning).
 * Pure: names, help texts, buckets and the bookkeeping of convergence; prom-client and the
 * monitoring port are in ./io.
 */

/** istiod's buckets for pilot_xds_push_time and pilot_proxy_convergence_time (seconds; pilot/pkg/xds/monitoring.go). */
export const pushTimeBuckets = [0.01, 0.1, 1, 3, 5, 10, 20, 30]
export const convergenceBuckets = [0.1, 0.5, 1, 3, 5, 10, 20, 30]

export const controlPlaneMetrics = {
  connectedClients: { name: 'pilot_xds', help: 'Number of endpoints connected to this control plane using XDS (ADS streams).' },
  pushes: { name: 'pilot_xds_pushes', help: 'Responses sent to clients, by type (lds, rds, cds, eds).' },
  pushTime: { name: 'pilot_xds_push_time', help: 'Seconds from a config version being applied to its response being written to a client, by type.' },
  convergence: { name: 'pilot_proxy_convergence_time', help: 'Seconds from a config change to a client having ACKed every type pushed for it.' },
  rejects: { name: 'pilot_total_xds_rejects', help: 'Responses clients rejected (NACKed), by type.' },
  rejectedConfigs: { name: 'pilot_total_rejected_configs', help: 'Config objects the control plane had to reject or ignore, by type and name (each keeps its last good version, or is left out if new).' },
  services: { name: 'pilot_services', help: 'Services known to the control plane.' },
  configProblems: { name: 'meshdeck_config_problems', help: 'Problems in the served mesh config now, by severity (istiod has no such gauge).' },
  csrs: { name: 'citadel_server_csr_count', help: 'Certificate requests the mesh CA received (issued or failed).' },
  certsIssued: { name: 'citadel_server_success_cert_issuance_count', help: 'Workload certificates the mesh CA issued.' },
  certSignErrors: { name: 'citadel_server_csr_sign_err_count', help: 'Workload certificates the mesh CA failed to sign.' },
  rootExpiry: { name: 'citadel_server_root_cert_expiry_timestamp', help: 'Unix time, in seconds, when the mesh root certificate expires.' },
  spansReceived: { name: 'meshdeck_collector_spans_received_total', help: 'Spans the trace collector accepted (OTLP/HTTP, OTLP/gRPC, Zipkin).' },
  spansRejected: { name: 'meshdeck_collector_spans_rejected_total', help: 'Spans the trace collector refused (bad ids, times outside the window).' },
  requestsRefused: { name: 'meshdeck_collector_requests_refused_total', help: 'Requests the collector refused whole (undecodable, too large, wrong type, saturated).' },
  spansEvicted: { name: 'meshdeck_collector_spans_evicted_total', help: 'Accepted spans the bounded store dropped to make room (oldest traces first).' },
  spansStored: { name: 'meshdeck_collector_spans_stored', help: 'Spans the store keeps now.' },
} as const

/** istiod's type label: LDS → lds. */
export function xdsTypeLabel(type: string): string {
  return type.toLowerCase()
}

/** pilot_total_rejected_configs' labels for a rejected object's key (`Kind/namespace/name`), as istiod labels a gateway: type=gateway, name=namespace/name. */
export function rejectedConfigLabels(objectKey: string): { type: string; name: string } {
  const [kind = '', ...rest] = objectKey.split('/')
  return { type: kind.toLowerCase(), name: rest.join('/') }
}

/**
 * When each client has everything a config change pushed to it. The control plane writes a
 * change's pushes and then says the change was applied (with when it started): the pushes seen
 * since the last change are that change's, each owed an ACK by its client; a client's last ACK is
 * its convergence. A NACK or a disconnect means it never converged on that change. Pushes outside
 * a change (a new client subscribing) are not timed.
 */
export class ConvergenceTracker {
  private changedAt: number | null = null
  private burst: { stream: string; type: string; at: number }[] = []
  private readonly owed = new Map<string, Set<string>>()

  pushed(stream: string, type: string, at: number): void {
    this.burst.push({ stream, type, at })
  }

  /** The change that the pushes since the last one belong to; returns each push's type and seconds since the change started. */
  applied(startedAt: number): { type: string; seconds: number }[] {
    this.changedAt = startedAt
    this.owed.clear()
    // Pushes from before the change started (a client subscribing meanwhile) are not the change's.
    this.burst = this.burst.filter((p) => p.at >= startedAt)
    const timed = this.burst.map((p) => ({ type: p.type, seconds: Math.max(0, (p.at - startedAt) / 1000) }))
    for (const p of this.burst) {
      const types = this.owed.get(p.stream) ?? new Set<string>()
      types.add(p.type)
      this.owed.set(p.stream, types)
    }
    this.burst = []
    return timed
  }

  /** Seconds to convergence when this ACK completes the stream's set, else null. */
  acked(stream: string, type: string, at: number): number | null {
    const types = this.owed.get(stream)
    if (!types || this.changedAt === null || !types.delete(type) || types.size > 0) return null
    this.owed.delete(stream)
    return Math.max(0, (at - this.changedAt) / 1000)
  }

  gone(stream: string): void {
    this.owed.delete(stream)
    this.burst = this.burst.filter((p) => p.stream !== stream)
  }
}

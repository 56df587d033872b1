/** What the clients' load reports (LRS) add up to, per cluster and per caller: read by the topology, canary analysis and mTLS status. */
export interface ClusterLoad {
  cluster: string
  /** Parsed from `outbound|port|subset|host`; subset is '' for the service's default cluster. */
  host: string
  port: number
  subset: string
  /** Calls issued per second over the window. */
  requestRate: number
  /** Failed / finished calls over the window, 0–1 (0 when nothing finished). */
  errorRate: number
  /** Calls in flight in the latest reports, summed over callers. */
  inFlight: number
  /** Node ids that reported calls to this cluster in the window. */
  callers: string[]
  /** The same numbers per reporting node, so a graph can draw one edge per caller. */
  byCaller: CallerLoad[]
}

export interface CallerLoad {
  nodeId: string
  requestRate: number
  errorRate: number
  inFlight: number
}

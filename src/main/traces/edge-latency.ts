import type { Span } from './span'
import { defaultSpanTimeWindow, timeProblem, type SpanTimeWindow } from './span-checks'

/** A caller → callee edge; `subset` is the callee's version when its server span is known. */
export interface EdgeKey {
  source: string
  destination: string
  subset: string | null
}

export interface EdgeWindowStats extends EdgeKey {
  requests: number
  errors: number
  errorRate: number
  p50Ms: number | null
  p99Ms: number | null
}

interface Bucket {
  second: number
  count: number
  errors: number
  /** A bounded sample of latencies for percentiles. */
  samples: number[]
}

export interface EdgeLatencyLimits {
  /** Spans outside this window around now are ignored (the collector already refuses them). */
  timeWindow: SpanTimeWindow
  /** Edges kept; past it the edge that saw traffic longest ago goes. */
  maxEdges: number
  /** Client (and server) spans waiting for their other half. */
  maxPending: number
}

const samplesPerBucket = 200
const keepSeconds = 15 * 60
const defaultLimits: EdgeLatencyLimits = { timeWindow: defaultSpanTimeWindow, maxEdges: 5_000, maxPending: 20_000 }

/**
 * Per-edge request count, errors and latency percentiles from spans, in one-second buckets kept
 * for 15 minutes. An edge is a client span joined to the server span it caused (so the callee's
 * version is known); the latency is the caller's, which is what a user of the service feels.
 *
 * Memory is bounded whatever a sender sends: spans far from now are ignored (so a bucket never
 * lies beyond the time window and every bucket expires), the number of edges and of spans waiting
 * for their other half is capped, and a bucket keeps at most 200 latency samples.
 */
export class EdgeLatency {
  /** In order of last traffic, least recent first (re-inserted on every record). */
  private readonly edges = new Map<string, { key: EdgeKey; buckets: Bucket[] }>()
  /** Client spans waiting for their server child, and server spans waiting for their parent. */
  private readonly pendingClients = new Map<string, Span>()
  private readonly pendingServers = new Map<string, Span>()
  private readonly limits: EdgeLatencyLimits
  private prunedAtSecond = 0

  constructor(
    private readonly now: () => number = Date.now,
    limits: Partial<EdgeLatencyLimits> = {},
  ) {
    this.limits = { ...defaultLimits, ...limits }
  }

  /** How many edges and waiting spans are held (for tests and diagnostics). */
  get size(): { edges: number; buckets: number; pending: number } {
    let buckets = 0
    for (const edge of this.edges.values()) buckets += edge.buckets.length
    return { edges: this.edges.size, buckets, pending: this.pendingClients.size + this.pendingServers.size }
  }

  add(spans: readonly Span[]): void {
    const now = this.now()
    for (const span of spans) {
      if (timeProblem(span, now, this.limits.timeWindow)) continue
      if (span.kind === 'client') {
        const server = this.pendingServers.get(`${span.traceId}/${span.spanId}`)
        if (server) {
          this.pendingServers.delete(`${span.traceId}/${span.spanId}`)
          this.record(span, server)
        } else this.hold(this.pendingClients, `${span.traceId}/${span.spanId}`, span)
      } else if (span.kind === 'server' && span.parentSpanId) {
        const key = `${span.traceId}/${span.parentSpanId}`
        const client = this.pendingClients.get(key)
        if (client) {
          this.pendingClients.delete(key)
          this.record(client, span)
        } else this.hold(this.pendingServers, key, span)
      }
    }
    this.flushUnmatched()
    this.pruneExpired()
  }

  /** Waits for the other half; past the cap the longest-waiting span is given up. */
  private hold(pending: Map<string, Span>, key: string, span: Span): void {
    pending.delete(key)
    pending.set(key, span)
    while (pending.size > this.limits.maxPending) pending.delete(pending.keys().next().value as string)
  }

  /** Stats over the last `seconds` for every edge, or for one destination/subset. */
  window(seconds: number, filter: Partial<EdgeKey> = {}): EdgeWindowStats[] {
    const nowSecond = Math.floor(this.now() / 1000)
    const since = nowSecond - seconds
    const out: EdgeWindowStats[] = []
    for (const { key, buckets } of this.edges.values()) {
      if (filter.source !== undefined && key.source !== filter.source) continue
      if (filter.destination !== undefined && key.destination !== filter.destination) continue
      if (filter.subset !== undefined && key.subset !== filter.subset) continue
      let requests = 0
      let errors = 0
      const samples: number[] = []
      for (const bucket of buckets) {
        // Only what has happened: a span from a sender whose clock runs ahead counts when its time comes.
        if (bucket.second <= since || bucket.second > nowSecond) continue
        requests += bucket.count
        errors += bucket.errors
        samples.push(...bucket.samples)
      }
      if (requests === 0) continue
      samples.sort((a, b) => a - b)
      out.push({ ...key, requests, errors, errorRate: errors / requests, p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99) })
    }
    return out
  }

  private record(client: Span, server: Span | null): void {
    const destination = server?.service ?? String(client.attributes['server.address'] ?? client.attributes['rpc.service'] ?? 'unknown')
    const key: EdgeKey = { source: client.service, destination, subset: server?.serviceVersion ?? null }
    const id = `${key.source}>${key.destination}#${key.subset ?? ''}`
    let edge = this.edges.get(id)
    if (edge) this.edges.delete(id)
    else edge = { key, buckets: [] }
    this.edges.set(id, edge)
    while (this.edges.size > this.limits.maxEdges) this.edges.delete(this.edges.keys().next().value as string)
    const second = Math.floor((client.startMs + client.durationMs) / 1000)
    let bucket = edge.buckets.at(-1)
    if (!bucket || bucket.second !== second) {
      bucket = edge.buckets.find((b) => b.second === second)
      if (!bucket) {
        bucket = { second, count: 0, errors: 0, samples: [] }
        edge.buckets.push(bucket)
        edge.buckets.sort((a, b) => a.second - b.second)
      }
    }
    bucket.count++
    if (client.error || server?.error) bucket.errors++
    // Reservoir sampling keeps percentiles honest when a second holds more calls than we keep.
    if (bucket.samples.length < samplesPerBucket) bucket.samples.push(client.durationMs)
    else {
      const slot = Math.floor(Math.random() * bucket.count)
      if (slot < samplesPerBucket) bucket.samples[slot] = client.durationMs
    }
    const oldest = Math.floor(this.now() / 1000) - keepSeconds
    while (edge.buckets.length > 0 && edge.buckets[0]!.second < oldest) edge.buckets.shift()
  }

  /** Drops expired buckets and edges left without any, at most once a second. */
  private pruneExpired(): void {
    const second = Math.floor(this.now() / 1000)
    if (second === this.prunedAtSecond) return
    this.prunedAtSecond = second
    const oldest = second - keepSeconds
    for (const [id, edge] of this.edges) {
      while (edge.buckets.length > 0 && edge.buckets[0]!.second < oldest) edge.buckets.shift()
      if (edge.buckets.length === 0) this.edges.delete(id)
    }
  }

  /**
   * A client span whose server never answered (refused, faulted before sending, timed out) still
   * counts, against the host it dialled, once it is clearly not going to be joined.
   */
  private flushUnmatched(): void {
    const cutoff = this.now() - 5_000
    for (const [key, client] of this.pendingClients) {
      if (client.startMs + client.durationMs > cutoff) continue
      this.pendingClients.delete(key)
      this.record(client, null)
    }
    for (const [key, server] of this.pendingServers) if (server.startMs + server.durationMs < cutoff) this.pendingServers.delete(key)
  }
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[index]!
}

import type { Span } from '../span'
import { widenTraceId } from '../protocol/zipkin-span'
import { maxRows, Segment, type SpanConditions } from './segment'
import { reparentUnderSharedServers } from './shared-spans'

export type { SpanConditions, AttributeCondition } from './segment'

export interface TraceSummary {
  traceId: string
  rootService: string
  rootName: string
  startMs: number
  durationMs: number
  spanCount: number
  services: string[]
  error: boolean
  errorCount: number
  /** Some span names a parent the trace does not hold (not sent, dropped, or evicted). */
  missingParents: boolean
}

/** A search: conditions that one span of a trace must meet, and how many traces to return. */
export interface TraceQuery extends SpanConditions {
  limit?: number
  /** Only this trace. */
  traceId?: string
  /** Traces with a call from `source` to `destination`: a span of destination whose parent is a span of source. */
  edge?: { source: string; destination: string }
}

export interface StoreLimits {
  /** The byte budget: spans, their indexes and the trace table never hold more. */
  maxBytes: number
  /** An optional cap on spans held, on top of the bytes. */
  maxSpans: number
  /** A trace with no new span for this long is checked for missing parents. */
  settleMs: number
}

export interface StoreHealth {
  spansReceived: number
  spansHeld: number
  spansEvicted: number
  tracesHeld: number
  tracesEvicted: number
  bytesHeld: number
  maxBytes: number
  /** Settled traces in which some span's parent is absent. */
  tracesWithMissingParents: number
  /** Traces still receiving spans (not yet checked for missing parents). */
  tracesSettling: number
  oldestStartMs: number | null
}

export const defaultMaxTraceBytes = 256 * 1024 * 1024

/** A span's place: its segment's serial and its row, in one number. */
type Ref = number

interface TraceEntry {
  serial: number
  traceId: string
  /** First and last span, in arrival order; each row links to the trace's next (segment.nextRef). */
  head: Ref
  tail: Ref
  startMs: number
  endMs: number
  spanCount: number
  errorCount: number
  root: Ref
  earliest: Ref
  services: string[]
  lastSpanAt: number
  queued: boolean
  settled: boolean
  missingParents: boolean
}

/** A trace entry's object, its id string, its services list and its two map entries, as measured on V8. */
const traceEntryBytes = 480
const maxServicesPerTrace = 64

/**
 * The span store: spans in segments (see segment.ts) plus a table of traces, bounded by a byte
 * budget. When a batch takes it past the budget, the oldest segment goes, and with it every trace
 * that has a span in it (whole traces, never half of one). Pure: the clock is passed in.
 */
export class SpanStore {
  private readonly limits: StoreLimits
  private readonly segments: Segment[] = []
  private active: Segment
  private nextSegmentSerial = 0
  private readonly traces = new Map<string, TraceEntry>()
  private readonly bySerial = new Map<number, TraceEntry>()
  private nextTraceSerial = 1
  /** Serials of traces waiting to be checked (numbers, so an evicted trace is not kept alive here). */
  private readonly settling: number[] = []
  /** When each queued trace had its last span at the time it was queued. */
  private readonly settlingAt: number[] = []
  private settlingHead = 0
  private readonly counters = { received: 0, evictedSpans: 0, evictedTraces: 0, missingParents: 0, spansHeld: 0, traceBytes: 0 }
  private segmentCapacity: number
  private maxSegmentBytes: number
  private bytesCache = 0

  constructor(
    limits: Partial<StoreLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { maxBytes: defaultMaxTraceBytes, maxSpans: Infinity, settleMs: 10_000, ...limits }
    if (!(this.limits.maxBytes >= 1024 * 1024)) throw new RangeError(`The trace store's byte budget must be at least 1 MiB; ${this.limits.maxBytes} was given.`)
    // At least eight segments fit in the budget, so evicting one frees at most an eighth of it.
    this.maxSegmentBytes = this.limits.maxBytes / 8
    this.segmentCapacity = Math.min(maxRows, Math.max(16, Math.ceil(this.limits.maxSpans / 8)))
    this.active = this.newSegment()
  }

  get spanCount(): number {
    return this.counters.spansHeld
  }

  get traceCount(): number {
    return this.traces.size
  }

  /** Bytes held now (segments, indexes, trace table). */
  get bytes(): number {
    return this.bytesCache
  }

  add(spans: readonly Span[]): void {
    const now = this.now()
    let sinceCheck = 0
    for (const span of spans) {
      const traceId = normalTraceId(span.traceId)
      let entry = this.traces.get(traceId)
      if (!entry) {
        entry = this.newTrace(traceId)
      }
      if (!this.active.fits(span)) this.rotate()
      const segment = this.active
      const row = segment.append(span, entry.serial)
      const ref = segment.serial * maxRows + row
      if (entry.tail === -1) entry.head = ref
      else this.segmentOf(entry.tail)!.nextRef[entry.tail % maxRows] = ref
      entry.tail = ref
      entry.spanCount++
      const start = segment.exactStartMs(row)
      const end = segment.endMs(row)
      if (start < entry.startMs) {
        entry.startMs = start
        entry.earliest = ref
      }
      if (end > entry.endMs) entry.endMs = end
      if (span.error) entry.errorCount++
      if (span.parentSpanId === null && entry.root === -1) entry.root = ref
      if (entry.services.length < maxServicesPerTrace && !entry.services.includes(span.service)) entry.services.push(span.service)
      entry.lastSpanAt = now
      if (entry.settled) {
        entry.settled = false
        if (entry.missingParents) this.counters.missingParents--
        entry.missingParents = false
      }
      if (!entry.queued) {
        entry.queued = true
        this.settling.push(entry.serial)
        this.settlingAt.push(now)
      }
      this.counters.spansHeld++
      if (++sinceCheck === 256) {
        sinceCheck = 0
        if (segment.bytes > this.maxSegmentBytes) this.rotate()
      }
    }
    if (this.active.bytes > this.maxSegmentBytes) this.rotate()
    this.counters.received += spans.length
    this.enforceLimits()
    this.settle(now)
  }

  /** Every span of one trace, in start order; undefined when the trace is not held. */
  trace(traceId: string): Span[] | undefined {
    const entry = this.traces.get(normalTraceId(traceId))
    if (!entry) return undefined
    const spans: Span[] = []
    for (const ref of this.refsOf(entry)) {
      const segment = this.segmentOf(ref)
      const row = ref % maxRows
      if (segment && !segment.isDeleted(row)) spans.push(segment.span(row, entry.traceId))
    }
    return reparentUnderSharedServers(spans.sort((a, b) => a.startMs - b.startMs))
  }

  /** Where the spans of a trace are, for readers that need only a few columns (the waterfall outline). */
  rows(traceId: string): { segment: Segment; row: number }[] | undefined {
    const entry = this.traces.get(normalTraceId(traceId))
    if (!entry) return undefined
    const out: { segment: Segment; row: number }[] = []
    for (const ref of this.refsOf(entry)) {
      const segment = this.segmentOf(ref)
      if (segment && !segment.isDeleted(ref % maxRows)) out.push({ segment, row: ref % maxRows })
    }
    return out
  }

  summary(traceId: string): TraceSummary | undefined {
    const entry = this.traces.get(normalTraceId(traceId))
    return entry ? this.summarise(entry) : undefined
  }

  /** Traces with a span meeting every condition, newest first. */
  search(query: TraceQuery = {}): TraceSummary[] {
    const limit = query.limit ?? 100
    if (query.traceId !== undefined) {
      const summary = this.summary(query.traceId)
      return summary ? [summary] : []
    }
    const conditions: SpanConditions = { ...query }
    if (query.edge) {
      if (query.service !== undefined && query.service !== query.edge.destination) return []
      conditions.service = query.edge.destination
    }
    const found = new Set<number>()
    const out: TraceEntry[] = []
    for (let i = this.segments.length - 1; i >= 0 && out.length < limit; i--) {
      const segment = this.segments[i]!
      segment.search(conditions, (row) => {
        const serial = segment.traceSerial[row]!
        if (found.has(serial)) return true
        const entry = this.bySerial.get(serial)
        if (!entry) return true
        if (query.edge && !this.calledBy(entry, segment, row, query.edge.source)) return true
        found.add(serial)
        out.push(entry)
        return out.length < limit
      })
    }
    return out.sort((a, b) => b.startMs - a.startMs).map((entry) => this.summarise(entry))
  }

  /**
   * Every live span meeting the conditions, newest first, handed over as (segment, row) so a
   * reader takes only the columns it needs. Stops when `visit` returns false.
   */
  scan(conditions: SpanConditions, visit: (segment: Segment, row: number, traceId: string) => boolean): void {
    let going = true
    for (let i = this.segments.length - 1; i >= 0 && going; i--) {
      const segment = this.segments[i]!
      segment.search(conditions, (row) => {
        const entry = this.bySerial.get(segment.traceSerial[row]!)
        if (!entry) return true
        going = visit(segment, row, entry.traceId)
        return going
      })
    }
  }

  /** Trace ids, newest first, of traces started within the window (for graphs over many traces). */
  recentTraceIds(sinceMs: number, limit: number): string[] {
    const out: string[] = []
    const seen = new Set<number>()
    for (let i = this.segments.length - 1; i >= 0 && out.length < limit; i--) {
      const segment = this.segments[i]!
      if (segment.maxStartMs < sinceMs) break
      for (let row = segment.count - 1; row >= 0 && out.length < limit; row--) {
        const serial = segment.traceSerial[row]!
        if (seen.has(serial) || segment.isDeleted(row)) continue
        seen.add(serial)
        const entry = this.bySerial.get(serial)
        if (entry && entry.startMs >= sinceMs) out.push(entry.traceId)
      }
    }
    return out
  }

  health(): StoreHealth {
    // Traces go quiet between batches too: check those idle long enough before counting.
    this.settle(this.now())
    const oldest = this.segments.find((s) => s.live > 0)
    return {
      spansReceived: this.counters.received,
      spansHeld: this.counters.spansHeld,
      spansEvicted: this.counters.evictedSpans,
      tracesHeld: this.traces.size,
      tracesEvicted: this.counters.evictedTraces,
      bytesHeld: this.bytesCache,
      maxBytes: this.limits.maxBytes,
      tracesWithMissingParents: this.counters.missingParents,
      tracesSettling: this.settling.length - this.settlingHead,
      oldestStartMs: oldest && Number.isFinite(oldest.minStartMs) ? oldest.minStartMs : null,
    }
  }

  /** Checks traces that stopped receiving spans for missing parents (now, not only when idle). */
  settleAll(): void {
    this.settle(Infinity)
  }

  /** The trace's spans, following each row's link to the next. */
  private *refsOf(entry: TraceEntry): Generator<Ref> {
    for (let ref = entry.head, steps = 0; ref !== -1 && steps < entry.spanCount; steps++) {
      yield ref
      const segment = this.segmentOf(ref)
      if (!segment) return
      ref = segment.nextRef[ref % maxRows]!
    }
  }

  private newTrace(traceId: string): TraceEntry {
    const entry: TraceEntry = {
      serial: this.nextTraceSerial++,
      traceId,
      head: -1,
      tail: -1,
      startMs: Infinity,
      endMs: -Infinity,
      spanCount: 0,
      errorCount: 0,
      root: -1,
      earliest: -1,
      services: [],
      lastSpanAt: 0,
      queued: false,
      settled: false,
      missingParents: false,
    }
    if (this.nextTraceSerial > 0xfffffff0) this.nextTraceSerial = 1
    this.traces.set(traceId, entry)
    this.bySerial.set(entry.serial, entry)
    this.counters.traceBytes += traceEntryBytes + 2 * traceId.length
    return entry
  }

  private newSegment(): Segment {
    const segment = new Segment(this.nextSegmentSerial++, this.segmentCapacity)
    this.segments.push(segment)
    return segment
  }

  private rotate(): void {
    this.active.seal()
    this.active = this.newSegment()
  }

  private segmentOf(ref: Ref): Segment | undefined {
    const first = this.segments[0]
    if (!first) return undefined
    return this.segments[Math.floor(ref / maxRows) - first.serial]
  }

  private recountBytes(): number {
    let bytes = this.counters.traceBytes
    for (const segment of this.segments) bytes += segment.bytes
    this.bytesCache = bytes
    return bytes
  }

  private enforceLimits(): void {
    while (this.recountBytes() > this.limits.maxBytes || this.counters.spansHeld > this.limits.maxSpans) {
      if (this.segments.length === 1) {
        // Only the open segment is left and it is over the budget on its own: close it so it can go.
        if (this.active.count === 0) break
        this.rotate()
      }
      this.evictOldestSegment()
    }
  }

  /** Drops the oldest segment and every trace with a span in it. */
  private evictOldestSegment(): void {
    const segment = this.segments[0]!
    for (let row = 0; row < segment.count; row++) {
      if (segment.isDeleted(row)) continue
      const entry = this.bySerial.get(segment.traceSerial[row]!)
      if (entry) this.evictTrace(entry)
    }
    this.segments.shift()
  }

  private evictTrace(entry: TraceEntry): void {
    for (const ref of this.refsOf(entry)) this.segmentOf(ref)?.delete(ref % maxRows)
    this.traces.delete(entry.traceId)
    this.bySerial.delete(entry.serial)
    this.counters.spansHeld -= entry.spanCount
    this.counters.evictedSpans += entry.spanCount
    this.counters.evictedTraces++
    this.counters.traceBytes -= traceEntryBytes + 2 * entry.traceId.length
    if (entry.settled && entry.missingParents) this.counters.missingParents--
    entry.settled = true
    entry.missingParents = false
  }

  /** Checks traces idle for settleMs: does every span's parent exist in the trace? */
  private settle(now: number): void {
    let budget = 2_000
    while (this.settlingHead < this.settling.length && budget-- > 0) {
      const entry = this.bySerial.get(this.settling[this.settlingHead]!)
      const queuedAt = this.settlingAt[this.settlingHead]!
      if (!entry) {
        this.settlingHead++
        continue
      }
      if (entry.lastSpanAt > queuedAt) {
        // More spans came since it was queued: back of the queue, so it does not hold up the rest.
        this.settlingHead++
        this.settling.push(entry.serial)
        this.settlingAt.push(entry.lastSpanAt)
        continue
      }
      // The queue is in order of last span: everything behind this one is younger.
      if (now - entry.lastSpanAt < this.limits.settleMs) break
      this.settlingHead++
      entry.queued = false
      entry.settled = true
      entry.missingParents = this.hasMissingParents(entry)
      if (entry.missingParents) this.counters.missingParents++
    }
    if (this.settlingHead > 4096 && this.settlingHead * 2 > this.settling.length) {
      this.settling.splice(0, this.settlingHead)
      this.settlingAt.splice(0, this.settlingHead)
      this.settlingHead = 0
    }
  }

  private hasMissingParents(entry: TraceEntry): boolean {
    const ids = new Set<number>()
    for (const ref of this.refsOf(entry)) {
      const segment = this.segmentOf(ref)
      if (segment) ids.add(segment.spanKey(ref % maxRows))
    }
    for (const ref of this.refsOf(entry)) {
      const segment = this.segmentOf(ref)
      if (!segment) continue
      const parent = segment.parentKey(ref % maxRows)
      if (parent !== 0 && !ids.has(parent)) return true
    }
    return false
  }

  /** Whether the span's parent in its trace belongs to `source`. */
  private calledBy(entry: TraceEntry, segment: Segment, row: number, source: string): boolean {
    const parent = segment.parentKey(row)
    if (parent === 0) return false
    for (const ref of this.refsOf(entry)) {
      const other = this.segmentOf(ref)
      if (other && other.spanKey(ref % maxRows) === parent) return other.serviceOf(ref % maxRows) === source
    }
    return false
  }

  private summarise(entry: TraceEntry): TraceSummary {
    const rootRef = entry.root !== -1 ? entry.root : entry.earliest
    const segment = this.segmentOf(rootRef)
    const row = rootRef % maxRows
    return {
      traceId: entry.traceId,
      rootService: segment ? segment.serviceOf(row) : '',
      rootName: segment ? segment.nameOf(row) : '',
      startMs: entry.startMs,
      durationMs: Math.max(0, entry.endMs - entry.startMs),
      spanCount: entry.spanCount,
      services: [...entry.services].sort(),
      error: entry.errorCount > 0,
      errorCount: entry.errorCount,
      missingParents: entry.settled ? entry.missingParents : entry.root === -1,
    }
  }
}

/** Lower case, and a 64-bit (16 digit) id widened as the collector stores it. */
export function normalTraceId(traceId: string): string {
  return widenTraceId(traceId.toLowerCase())
}

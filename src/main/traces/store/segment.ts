import type { Attributes, DroppedCounts, InstrumentationScope, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../span'
import { spanKinds } from '../span'
import { GrowableUint32, StringTable, ValueTable, stringBytes } from './tables'

/**
 * One block of a store: up to 8192 spans in arrival order, kept as columns of typed arrays (ids as
 * 32-bit halves, exact nanosecond times, interned names and attribute values) instead of one
 * object per span — about a fifth of the memory. While it is the newest block it is appended to
 * and searched by scanning; once sealed it gets sorted indexes (by service, operation, attribute
 * key=value, resource, duration, error) so a search reads only the rows that can match.
 * Pure: no I/O.
 */
export const rowBits = 13
export const maxRows = 1 << rowBits
/** Attribute keys and values a segment can index (a segment seals before it has more). */
const maxKeys = 1 << 12
const maxValues = 1 << 20
/** Ids in the sorted index keys (`id × maxRows + row` in 32 bits): names, resources, key=value pairs. */
const maxIndexIds = 1 << (32 - rowBits)

const statusCodes: StatusCode[] = ['unset', 'ok', 'error']
/** Bytes per row of all columns together (three Float64, eleven Uint32, a Uint16, a Uint8). */
const columnBytes = 3 * 8 + 11 * 4 + 2 + 1

/** Everything a span may carry that most spans do not: kept aside, by row. */
interface SpanExtras {
  statusMessage?: string
  traceState?: string
  events?: SpanEvent[]
  links?: SpanLink[]
  dropped?: DroppedCounts
  sharedWith?: string
}

export interface ResourceEntry {
  service: string
  serviceId: number
  version: string | null
  attributes: Attributes
}

/** A search's conditions on one span, all of which must hold. */
export interface SpanConditions {
  service?: string
  operation?: string
  attributes?: AttributeCondition[]
  minDurationMs?: number
  maxDurationMs?: number
  errorsOnly?: boolean
  kind?: SpanKind
  sinceMs?: number
  untilMs?: number
}

export interface AttributeCondition {
  key: string
  value: string
  /** span: the span's attributes; resource: the process's (service.version, k8s.pod.name…); any: either. */
  scope: 'span' | 'resource' | 'any'
}

/** Conditions resolved against one segment's tables. */
interface Resolved {
  serviceId: number | undefined
  nameId: number | undefined
  attributes: { keyId: number | undefined; valueIds: number[]; resourceIds: Set<number> }[]
  minDurationNs: number
  maxDurationNs: number
  errorsOnly: boolean
  kind: number | undefined
  sinceMs: number
  untilMs: number
}

export class Segment {
  readonly capacity: number
  count = 0
  sealed = false
  /** Rows whose trace was evicted while this segment stayed. */
  deletedCount = 0
  minStartMs = Infinity
  maxStartMs = -Infinity

  // Columns, one entry per row.
  readonly traceSerial: Uint32Array
  private readonly spanHi: Uint32Array
  private readonly spanLo: Uint32Array
  private readonly parentHi: Uint32Array
  private readonly parentLo: Uint32Array
  /** Whole milliseconds of the start, and the nanoseconds past them: exact together. */
  readonly startMs: Float64Array
  private readonly startSubNs: Uint32Array
  readonly durationNs: Float64Array
  /** The next span of the same trace (segment serial × maxRows + row), -1 for its last. */
  readonly nextRef: Float64Array
  /** Kind (bits 0-2) and status code (bits 3-4). */
  private readonly kindStatus: Uint8Array
  private readonly flags: Uint32Array
  private readonly name: Uint32Array
  private readonly resource: Uint32Array
  private readonly scope: Uint32Array
  private readonly attrStart: Uint32Array
  private readonly attrCount: Uint16Array
  private readonly attrs: GrowableUint32
  private deleted: Uint8Array | null = null

  readonly names = new StringTable()
  readonly keys = new StringTable()
  readonly services = new StringTable()
  readonly values = new ValueTable()
  readonly resources: ResourceEntry[] = []
  /** Spans of one batch share their resource object: a quick way in before comparing contents. */
  private readonly resourceIds = new WeakMap<Attributes, number>()
  private readonly resourceKeys = new Map<string, number>()
  private readonly scopes: InstrumentationScope[] = []
  private readonly scopeIds = new Map<string, number>()
  private readonly extras = new Map<number, SpanExtras>()
  private extrasBytes = 0

  // Indexes, built when sealed: sorted `id * maxRows + row` keys, and row lists.
  private byName: Uint32Array | null = null
  private byAttribute: Uint32Array | null = null
  private byResource: Uint32Array | null = null
  /** key=value pair (keyId × maxValues + valueId) → its id in byAttribute. */
  private pairIds: Map<number, number> | null = null
  private byDuration: Uint16Array | null = null
  private errors: Uint16Array | null = null

  constructor(
    readonly serial: number,
    capacity = maxRows,
  ) {
    this.capacity = Math.min(maxRows, Math.max(1, capacity))
    const n = this.capacity
    // One allocation for all columns: fewer, larger blocks fragment the process's memory less.
    const buffer = new ArrayBuffer(n * columnBytes)
    let offset = 0
    const take = <T>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, bytesEach: number): T => {
      const view = make(buffer, offset, n)
      offset += n * bytesEach
      return view
    }
    const f64 = (b: ArrayBuffer, o: number, l: number): Float64Array => new Float64Array(b, o, l)
    const u32 = (b: ArrayBuffer, o: number, l: number): Uint32Array => new Uint32Array(b, o, l)
    this.startMs = take(f64, 8)
    this.durationNs = take(f64, 8)
    this.nextRef = take(f64, 8)
    this.traceSerial = take(u32, 4)
    this.spanHi = take(u32, 4)
    this.spanLo = take(u32, 4)
    this.parentHi = take(u32, 4)
    this.parentLo = take(u32, 4)
    this.startSubNs = take(u32, 4)
    this.flags = take(u32, 4)
    this.name = take(u32, 4)
    this.resource = take(u32, 4)
    this.scope = take(u32, 4)
    this.attrStart = take(u32, 4)
    this.attrCount = take((b, o, l) => new Uint16Array(b, o, l), 2)
    this.kindStatus = take((b, o, l) => new Uint8Array(b, o, l), 1)
    this.nextRef.fill(-1)
    this.attrs = new GrowableUint32(Math.min(n, 1024) * 12)
  }

  /** Bytes this segment holds: its columns, tables, side data and indexes. */
  get bytes(): number {
    const columns = this.capacity * columnBytes
    const indexes =
      (this.pairIds?.size ?? 0) * 48 +
      (this.byName?.byteLength ?? 0) +
      (this.byAttribute?.byteLength ?? 0) +
      (this.byResource?.byteLength ?? 0) +
      (this.byDuration?.byteLength ?? 0) +
      (this.errors?.byteLength ?? 0) +
      (this.deleted?.byteLength ?? 0)
    const tables = this.names.bytes + this.keys.bytes + this.services.bytes + this.values.bytes + this.resources.length * 256 + this.scopes.length * 128
    return 600 + columns + this.attrs.bytes + tables + this.extrasBytes + indexes
  }

  get live(): number {
    return this.count - this.deletedCount
  }

  /** Whether this span still fits: room for a row, its attribute keys and values. */
  fits(span: Span): boolean {
    if (this.sealed || this.count >= this.capacity) return false
    const attributeCount = Object.keys(span.attributes).length
    return this.keys.size + attributeCount < maxKeys && this.values.size + attributeCount < maxValues && this.attrs.length / 2 + attributeCount < maxIndexIds
  }

  append(span: Span, traceSerial: number): number {
    const row = this.count++
    this.traceSerial[row] = traceSerial
    this.spanHi[row] = parseInt(span.spanId.slice(0, 8), 16) >>> 0
    this.spanLo[row] = parseInt(span.spanId.slice(8, 16), 16) >>> 0
    if (span.parentSpanId) {
      this.parentHi[row] = parseInt(span.parentSpanId.slice(0, 8), 16) >>> 0
      this.parentLo[row] = parseInt(span.parentSpanId.slice(8, 16), 16) >>> 0
    }
    if (span.startNs !== undefined) {
      const start = span.startNs
      const end = span.endNs ?? start
      const wholeMs = start / 1_000_000n
      this.startMs[row] = Number(wholeMs)
      this.startSubNs[row] = Number(start - wholeMs * 1_000_000n)
      this.durationNs[row] = end > start ? Number(end - start) : 0
    } else {
      // Spans made in code (tests, forged batches) carry milliseconds only.
      const wholeMs = Math.floor(span.startMs)
      this.startMs[row] = wholeMs
      this.startSubNs[row] = Math.round((span.startMs - wholeMs) * 1e6)
      this.durationNs[row] = Math.max(0, Math.round(span.durationMs * 1e6))
    }
    const status = span.statusCode ?? (span.error ? 'error' : 'unset')
    this.kindStatus[row] = Math.max(0, spanKinds.indexOf(span.kind)) | (statusCodes.indexOf(status) << 3)
    this.flags[row] = span.flags ?? 0
    this.name[row] = this.names.intern(span.name)
    this.resource[row] = this.internResource(span)
    this.scope[row] = this.scopeOf(span.scope)
    this.attrStart[row] = this.attrs.length
    let attributeCount = 0
    for (const key in span.attributes) {
      if (attributeCount === 0xffff) break
      this.attrs.push(this.keys.intern(key), this.values.intern(span.attributes[key]!))
      attributeCount++
    }
    this.attrCount[row] = attributeCount
    const extras = extrasOf(span)
    if (extras) {
      this.extras.set(row, extras)
      this.extrasBytes += extrasBytes(extras)
    }
    const startMs = this.startMs[row]!
    if (startMs < this.minStartMs) this.minStartMs = startMs
    if (startMs > this.maxStartMs) this.maxStartMs = startMs
    return row
  }

  spanId(row: number): string {
    return hex8(this.spanHi[row]!) + hex8(this.spanLo[row]!)
  }

  parentSpanId(row: number): string | null {
    const hi = this.parentHi[row]!
    const lo = this.parentLo[row]!
    return hi === 0 && lo === 0 ? null : hex8(hi) + hex8(lo)
  }

  /** The low half of the span id and of its parent's, for quick joins within a trace. */
  spanKey(row: number): number {
    return this.spanHi[row]! * 4294967296 + this.spanLo[row]!
  }

  parentKey(row: number): number {
    return this.parentHi[row]! * 4294967296 + this.parentLo[row]!
  }

  isError(row: number): boolean {
    return this.kindStatus[row]! >> 3 === 2
  }

  serviceOf(row: number): string {
    return this.resources[this.resource[row]!]!.service
  }

  serviceVersionOf(row: number): string | null {
    return this.resources[this.resource[row]!]!.version
  }

  resourceOf(row: number): ResourceEntry {
    return this.resources[this.resource[row]!]!
  }

  /** The client span id a Zipkin shared server span was split from. */
  sharedWithOf(row: number): string | undefined {
    return this.extras.get(row)?.sharedWith
  }

  /** One attribute of a span, without building them all. */
  attribute(row: number, key: string): Attributes[string] | undefined {
    const keyId = this.keys.idOf(key)
    if (keyId === undefined) return undefined
    const start = this.attrStart[row]!
    for (let i = 0; i < this.attrCount[row]!; i++) if (this.attrs.array[start + 2 * i] === keyId) return this.values.values[this.attrs.array[start + 2 * i + 1]!]
    return undefined
  }

  nameOf(row: number): string {
    return this.names.values[this.name[row]!]!
  }

  kindOf(row: number): SpanKind {
    return spanKinds[this.kindStatus[row]! & 7]!
  }

  endMs(row: number): number {
    return this.startMs[row]! + (this.startSubNs[row]! + this.durationNs[row]!) / 1e6
  }

  exactStartMs(row: number): number {
    return this.startMs[row]! + this.startSubNs[row]! / 1e6
  }

  isDeleted(row: number): boolean {
    return this.deleted !== null && this.deleted[row] === 1
  }

  delete(row: number): void {
    if (!this.deleted) this.deleted = new Uint8Array(this.capacity)
    if (this.deleted[row] === 1) return
    this.deleted[row] = 1
    this.deletedCount++
  }

  attributesOf(row: number): Attributes {
    const out: Attributes = {}
    const start = this.attrStart[row]!
    const array = this.attrs.array
    for (let i = 0; i < this.attrCount[row]!; i++) {
      out[this.keys.values[array[start + 2 * i]!]!] = this.values.values[array[start + 2 * i + 1]!]!
    }
    return out
  }

  /** The span as it was received (ids, exact times, attributes, events, links, resource, scope). */
  span(row: number, traceId: string): Span {
    const resource = this.resources[this.resource[row]!]!
    const startNs = BigInt(this.startMs[row]!) * 1_000_000n + BigInt(this.startSubNs[row]!)
    const endNs = startNs + BigInt(this.durationNs[row]!)
    const extras = this.extras.get(row)
    const statusCode = statusCodes[this.kindStatus[row]! >> 3]!
    const span: Span = {
      traceId,
      spanId: this.spanId(row),
      parentSpanId: this.parentSpanId(row),
      name: this.nameOf(row),
      kind: this.kindOf(row),
      service: resource.service,
      serviceVersion: resource.version,
      startMs: this.exactStartMs(row),
      durationMs: this.durationNs[row]! / 1e6,
      error: statusCode === 'error',
      statusMessage: extras?.statusMessage ?? null,
      attributes: this.attributesOf(row),
      startNs,
      endNs,
      statusCode,
      flags: this.flags[row]!,
      resource: resource.attributes,
      scope: this.scopes[this.scope[row]!]!,
    }
    if (extras?.traceState) span.traceState = extras.traceState
    if (extras?.events) span.events = extras.events
    if (extras?.links) span.links = extras.links
    if (extras?.dropped) span.dropped = extras.dropped
    if (extras?.sharedWith) span.sharedWith = extras.sharedWith
    return span
  }

  /** Builds the indexes and gives back unused room; nothing is appended after this. */
  seal(): void {
    if (this.sealed) return
    this.sealed = true
    this.attrs.trim()
    const n = this.count
    const byName = new Uint32Array(n)
    const byResource = new Uint32Array(n)
    const byAttribute = new Uint32Array(this.attrs.length / 2)
    const pairIds = new Map<number, number>()
    const errors: number[] = []
    let a = 0
    for (let row = 0; row < n; row++) {
      byName[row] = this.name[row]! * maxRows + row
      byResource[row] = this.resource[row]! * maxRows + row
      const start = this.attrStart[row]!
      for (let i = 0; i < this.attrCount[row]!; i++) {
        const pair = this.attrs.array[start + 2 * i]! * maxValues + this.attrs.array[start + 2 * i + 1]!
        let id = pairIds.get(pair)
        if (id === undefined) pairIds.set(pair, (id = pairIds.size))
        byAttribute[a++] = id * maxRows + row
      }
      if (this.isError(row)) errors.push(row)
    }
    this.byName = byName.sort()
    this.byResource = byResource.sort()
    this.byAttribute = byAttribute.sort()
    this.pairIds = pairIds
    this.errors = Uint16Array.from(errors)
    const durations = this.durationNs
    this.byDuration = Uint16Array.from({ length: n }, (_, i) => i).sort((x, y) => durations[x]! - durations[y]!)
  }

  /**
   * Calls `visit` with every live row matching the conditions, newest first, until it returns
   * false. A sealed segment starts from its most selective index; the open one is scanned.
   */
  search(conditions: SpanConditions, visit: (row: number) => boolean): void {
    if (this.count === 0) return
    const since = conditions.sinceMs ?? -Infinity
    const until = conditions.untilMs ?? Infinity
    if (this.maxStartMs < Math.floor(since) || this.minStartMs > until) return
    const resolved = this.resolve(conditions)
    if (!resolved) return
    const candidates = this.sealed ? this.candidates(resolved) : null
    if (candidates === null) {
      for (let row = this.count - 1; row >= 0; row--) if (this.matches(row, resolved) && !visit(row)) return
      return
    }
    for (let i = candidates.length - 1; i >= 0; i--) {
      const row = candidates[i]!
      if (this.matches(row, resolved) && !visit(row)) return
    }
  }

  /** Ids of the query's names in this segment, or null when something asked for is not here. */
  private resolve(c: SpanConditions): Resolved | null {
    const serviceId = c.service === undefined ? undefined : this.services.idOf(c.service)
    if (c.service !== undefined && serviceId === undefined) return null
    const nameId = c.operation === undefined ? undefined : this.names.idOf(c.operation)
    if (c.operation !== undefined && nameId === undefined) return null
    const attributes: Resolved['attributes'] = []
    for (const condition of c.attributes ?? []) {
      const keyId = condition.scope === 'resource' ? undefined : this.keys.idOf(condition.key)
      const valueIds = keyId === undefined ? [] : this.values.idsMatching(condition.value)
      const resourceIds = new Set<number>()
      if (condition.scope !== 'span') {
        this.resources.forEach((resource, id) => {
          const value = resource.attributes[condition.key]
          if (value !== undefined && textOf(value) === condition.value) resourceIds.add(id)
        })
      }
      if (valueIds.length === 0 && resourceIds.size === 0) return null
      attributes.push({ keyId, valueIds, resourceIds })
    }
    return {
      serviceId,
      nameId,
      attributes,
      minDurationNs: c.minDurationMs === undefined ? -Infinity : c.minDurationMs * 1e6,
      maxDurationNs: c.maxDurationMs === undefined ? Infinity : c.maxDurationMs * 1e6,
      errorsOnly: c.errorsOnly === true,
      kind: c.kind === undefined ? undefined : spanKinds.indexOf(c.kind),
      sinceMs: c.sinceMs ?? -Infinity,
      untilMs: c.untilMs ?? Infinity,
    }
  }

  private matches(row: number, r: Resolved): boolean {
    if (this.deleted !== null && this.deleted[row] === 1) return false
    const start = this.startMs[row]! + this.startSubNs[row]! / 1e6
    if (start < r.sinceMs || start > r.untilMs) return false
    const duration = this.durationNs[row]!
    if (duration < r.minDurationNs || duration > r.maxDurationNs) return false
    if (r.errorsOnly && this.kindStatus[row]! >> 3 !== 2) return false
    if (r.kind !== undefined && (this.kindStatus[row]! & 7) !== r.kind) return false
    if (r.nameId !== undefined && this.name[row] !== r.nameId) return false
    const resourceId = this.resource[row]!
    if (r.serviceId !== undefined && this.resources[resourceId]!.serviceId !== r.serviceId) return false
    for (const condition of r.attributes) {
      if (condition.resourceIds.has(resourceId)) continue
      if (!this.hasAttribute(row, condition.keyId, condition.valueIds)) return false
    }
    return true
  }

  private hasAttribute(row: number, keyId: number | undefined, valueIds: number[]): boolean {
    if (keyId === undefined) return false
    const start = this.attrStart[row]!
    const array = this.attrs.array
    for (let i = 0; i < this.attrCount[row]!; i++) {
      if (array[start + 2 * i] === keyId && valueIds.includes(array[start + 2 * i + 1]!)) return true
    }
    return false
  }

  /** Rows from the smallest index that applies, ascending; null when no index narrows the search. */
  private candidates(r: Resolved): ArrayLike<number> | null {
    const options: ArrayLike<number>[] = []
    if (r.serviceId !== undefined) {
      // A service's rows are its resources' rows.
      const ids: number[] = []
      this.resources.forEach((resource, id) => {
        if (resource.serviceId === r.serviceId) ids.push(id)
      })
      options.push(rowsOf(this.byResource!, ids))
    }
    if (r.nameId !== undefined) options.push(rowsOf(this.byName!, [r.nameId]))
    for (const condition of r.attributes) {
      const pairs = condition.keyId === undefined ? [] : condition.valueIds.map((v) => this.pairIds!.get(condition.keyId! * maxValues + v)).filter((id): id is number => id !== undefined)
      const spanRows = pairs.length === 0 ? [] : Array.from(rowsOf(this.byAttribute!, pairs))
      const resourceRows = condition.resourceIds.size === 0 ? [] : Array.from(rowsOf(this.byResource!, [...condition.resourceIds]))
      options.push(mergeSorted(spanRows, resourceRows))
    }
    if (r.errorsOnly) options.push(this.errors!)
    if (r.minDurationNs > -Infinity || r.maxDurationNs < Infinity) options.push(this.durationRange(r.minDurationNs, r.maxDurationNs))
    if (options.length === 0) return null
    let best = options[0]!
    for (const option of options) if (option.length < best.length) best = option
    return best
  }

  /** Rows whose duration is within the bounds, ascending by row. */
  private durationRange(min: number, max: number): Uint16Array {
    const order = this.byDuration!
    const durations = this.durationNs
    let lo = 0
    let hi = order.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (durations[order[mid]!]! < min) lo = mid + 1
      else hi = mid
    }
    let end = lo
    let top = order.length
    while (end < top) {
      const mid = (end + top) >> 1
      if (durations[order[mid]!]! <= max) end = mid + 1
      else top = mid
    }
    return order.slice(lo, end).sort()
  }

  private internResource(span: Span): number {
    if (span.resource) {
      const known = this.resourceIds.get(span.resource)
      if (known !== undefined) return known
    }
    const attributes = span.resource ?? { 'service.name': span.service, ...(span.serviceVersion === null ? {} : { 'service.version': span.serviceVersion }) }
    // Spans without a resource object (made in code) are told apart by service and version alone.
    const key = span.resource ? `${span.service}\u0000${span.serviceVersion ?? ''}\u0000${JSON.stringify(attributes)}` : `${span.service}\u0000${span.serviceVersion ?? ''}`
    let id = this.resourceKeys.get(key)
    if (id === undefined) {
      id = this.resources.length
      this.resources.push({ service: span.service, serviceId: this.services.intern(span.service), version: span.serviceVersion, attributes })
      this.resourceKeys.set(key, id)
      this.extrasBytes += stringBytes(key)
    }
    if (span.resource) this.resourceIds.set(span.resource, id)
    return id
  }

  private scopeOf(scope: InstrumentationScope | undefined): number {
    const name = scope?.name ?? ''
    const version = scope?.version ?? ''
    const key = `${name}\u0000${version}`
    let id = this.scopeIds.get(key)
    if (id === undefined) {
      id = this.scopes.length
      this.scopes.push({ name, version })
      this.scopeIds.set(key, id)
    }
    return id
  }
}

/** Rows (ascending) of the sorted keys `id * maxRows + row` for any of the ids. */
function rowsOf(keys: Uint32Array, ids: number[]): Uint16Array {
  if (ids.length === 1) {
    const base = ids[0]! * maxRows
    const from = lowerBound(keys, base)
    const to = lowerBound(keys, base + maxRows)
    const out = new Uint16Array(to - from)
    for (let i = from; i < to; i++) out[i - from] = keys[i]! - base
    return out
  }
  const rows: number[] = []
  for (const id of ids) {
    const base = id * maxRows
    for (let i = lowerBound(keys, base), to = lowerBound(keys, base + maxRows); i < to; i++) rows.push(keys[i]! - base)
  }
  return Uint16Array.from(rows).sort()
}

function mergeSorted(a: number[], b: number[]): number[] {
  if (b.length === 0) return a
  if (a.length === 0) return b
  return [...new Set([...a, ...b])].sort((x, y) => x - y)
}

function lowerBound(keys: Uint32Array, value: number): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (keys[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0')
}

function textOf(value: Attributes[string]): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value)
}

function extrasOf(span: Span): SpanExtras | null {
  if (!span.statusMessage && !span.traceState && !span.events?.length && !span.links?.length && !span.dropped && !span.sharedWith) return null
  const extras: SpanExtras = {}
  if (span.statusMessage) extras.statusMessage = span.statusMessage
  if (span.traceState) extras.traceState = span.traceState
  if (span.events?.length) extras.events = span.events
  if (span.links?.length) extras.links = span.links
  if (span.dropped) extras.dropped = span.dropped
  if (span.sharedWith) extras.sharedWith = span.sharedWith
  return extras
}

/** What a span's side data costs: its text twice over (two-byte strings) and object overheads. */
function extrasBytes(extras: SpanExtras): number {
  let bytes = 64
  if (extras.statusMessage) bytes += stringBytes(extras.statusMessage)
  if (extras.traceState) bytes += stringBytes(extras.traceState)
  if (extras.sharedWith) bytes += stringBytes(extras.sharedWith)
  if (extras.dropped) bytes += 48
  for (const event of extras.events ?? []) bytes += 96 + stringBytes(event.name) + attributesBytes(event.attributes)
  for (const link of extras.links ?? []) bytes += 160 + attributesBytes(link.attributes)
  return bytes
}

function attributesBytes(attributes: Attributes): number {
  let bytes = 32
  for (const key in attributes) {
    const value = attributes[key]!
    bytes += stringBytes(key) + (typeof value === 'string' ? stringBytes(value) : Array.isArray(value) ? stringBytes(JSON.stringify(value)) : 16)
  }
  return bytes
}

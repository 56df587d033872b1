import { spanKinds } from '../span'
import { adjustClockSkew } from './clock-skew'
import { criticalPath } from './critical-path'
import type { LiteSpan } from './lite-span'
import { buildTree, depthFirst } from './trace-tree'

/**
 * A trace laid out for the waterfall, computed in main so the page only draws: spans in display
 * order as parallel arrays (a 100,000-span trace is a few arrays, not 100,000 objects), the clock
 * skew shift of each, and the critical path both on raw and on adjusted times. Pure.
 */
export interface TraceOutline {
  traceId: string
  /** Earliest raw start; every offset below is from here, in ms. */
  startMs: number
  durationMs: number
  services: string[]
  versions: string[]
  names: string[]
  rows: {
    spanId: string[]
    /** Display index of the parent, -1 at the top. */
    parent: number[]
    depth: number[]
    service: number[]
    /** Index into versions, -1 when the span's service has no version. */
    version: number[]
    name: number[]
    kind: number[]
    /** Bit 0 error, bit 1 parent missing, bit 2 own clock judged skewed, bit 3 shifted by skew adjustment. */
    flags: number[]
    start: number[]
    duration: number[]
    /** Clock-skew shift in ms (0 when none). */
    shift: number[]
  }
  /** [row, start, end] triples, offsets in ms, raw times and adjusted times. */
  critical: { raw: number[]; adjusted: number[] }
  skew: { adjusted: number; shifted: number; reasons: { row: number; text: string }[] }
}

export const outlineFlags = { error: 1, orphan: 2, skewed: 4, shifted: 8 } as const

const round = (ms: number): number => Math.round(ms * 1000) / 1000
const maxReasons = 500

export function outlineTrace(traceId: string, spans: readonly LiteSpan[]): TraceOutline {
  const tree = buildTree(spans)
  const { order, depth } = depthFirst(tree)
  const skew = adjustClockSkew(tree)
  const n = spans.length
  let start = Infinity
  let end = -Infinity
  for (const span of spans) {
    start = Math.min(start, span.startMs)
    end = Math.max(end, span.startMs + span.durationMs)
  }
  if (n === 0) start = end = 0
  const rowOf = new Int32Array(n)
  for (let r = 0; r < n; r++) rowOf[order[r]!] = r
  const intern = (): { list: string[]; id: (value: string) => number } => {
    const ids = new Map<string, number>()
    const list: string[] = []
    return {
      list,
      id: (value) => {
        let id = ids.get(value)
        if (id === undefined) {
          id = list.length
          ids.set(value, id)
          list.push(value)
        }
        return id
      },
    }
  }
  const services = intern()
  const versions = intern()
  const names = intern()
  const rows: TraceOutline['rows'] = { spanId: [], parent: [], depth: [], service: [], version: [], name: [], kind: [], flags: [], start: [], duration: [], shift: [] }
  const skewed = new Uint8Array(n)
  for (const i of skew.adjusted) skewed[i] = 1
  let shifted = 0
  for (let r = 0; r < n; r++) {
    const i = order[r]!
    const span = spans[i]!
    const p = tree.parent[i]!
    const shift = skew.deltaMs[i]!
    if (shift !== 0) shifted++
    rows.spanId.push(span.spanId)
    rows.parent.push(p === -1 ? -1 : rowOf[p]!)
    rows.depth.push(depth[i]!)
    rows.service.push(services.id(span.service))
    rows.version.push(span.serviceVersion === null ? -1 : versions.id(span.serviceVersion))
    rows.name.push(names.id(span.name))
    rows.kind.push(Math.max(0, spanKinds.indexOf(span.kind)))
    rows.flags.push((span.error ? outlineFlags.error : 0) | (tree.orphan[i] ? outlineFlags.orphan : 0) | (skewed[i] ? outlineFlags.skewed : 0) | (shift !== 0 ? outlineFlags.shifted : 0))
    rows.start.push(round(span.startMs - start))
    rows.duration.push(round(span.durationMs))
    rows.shift.push(round(shift))
  }
  const rawStarts = spans.map((s) => s.startMs)
  const adjustedStarts = spans.map((s, i) => s.startMs + skew.deltaMs[i]!)
  const flatten = (segments: ReturnType<typeof criticalPath>): number[] => segments.flatMap((s) => [rowOf[s.span]!, round(s.startMs - start), round(s.endMs - start)])
  return {
    traceId,
    startMs: start,
    durationMs: round(end - start),
    services: services.list,
    versions: versions.list,
    names: names.list,
    rows,
    critical: { raw: flatten(criticalPath(tree, rawStarts)), adjusted: skew.adjusted.length === 0 ? [] : flatten(criticalPath(tree, adjustedStarts)) },
    skew: {
      adjusted: skew.adjusted.length,
      shifted,
      reasons: skew.adjusted.slice(0, maxReasons).map((i) => ({ row: rowOf[i]!, text: skew.reasons.get(i) ?? '' })),
    },
  }
}

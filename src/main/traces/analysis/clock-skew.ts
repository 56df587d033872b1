import type { TraceTree } from './trace-tree'

/**
 * Clock-skew adjustment, after the idea of Jaeger's adjuster: spans stamped by different clocks
 * (hosts, processes) can appear to start before their parent or end after it. A child on another
 * clock that does not fit within its (adjusted) parent is moved to sit inside it — centred, so
 * the network time either side is equal — and every descendant stamped by the same clock moves
 * with it. Spans on the parent's own clock keep its shift. Pure; the caller shows every shift.
 */
export interface SkewResult {
  /** Milliseconds added to each span's start (0 for most). */
  deltaMs: Float64Array
  /** Spans whose own clock was judged wrong against their parent (the cause of a shift). */
  adjusted: number[]
  /** Why each adjusted span moved, in words, by index. */
  reasons: Map<number, string>
}

/** Shifts below this are measurement noise, not skew. */
const minimumShiftMs = 0.001

export function adjustClockSkew(tree: TraceTree): SkewResult {
  const spans = tree.spans
  const deltaMs = new Float64Array(spans.length)
  const adjusted: number[] = []
  const reasons = new Map<number, string>()
  const stack: number[] = [...tree.roots].reverse()
  const seen = new Uint8Array(spans.length)
  while (stack.length > 0) {
    const i = stack.pop()!
    if (seen[i]) continue
    seen[i] = 1
    const p = tree.parent[i]!
    if (p !== -1) {
      const span = spans[i]!
      const parent = spans[p]!
      if (span.clock === parent.clock) deltaMs[i] = deltaMs[p]!
      else {
        const parentStart = parent.startMs + deltaMs[p]!
        const parentEnd = parentStart + parent.durationMs
        const start = span.startMs
        const end = start + span.durationMs
        if (start < parentStart || end > parentEnd) {
          const shift = span.durationMs >= parent.durationMs ? parentStart - start : parentStart + (parent.durationMs - span.durationMs) / 2 - start
          if (Math.abs(shift) >= minimumShiftMs) {
            deltaMs[i] = shift
            adjusted.push(i)
            const where = start < parentStart ? `started ${fmt(parentStart - start)} before` : `ended ${fmt(end - parentEnd)} after`
            reasons.set(i, `${span.service}'s clock (${span.clock}) ${where} its parent on ${parent.service} (${parent.clock}); moved ${shift > 0 ? '+' : ''}${fmt(shift)} to sit inside it.`)
          }
        }
      }
    }
    const kids = tree.children[i]!
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!)
  }
  return { deltaMs, adjusted, reasons }
}

function fmt(ms: number): string {
  const abs = Math.abs(ms)
  const sign = ms < 0 ? '-' : ''
  return abs >= 1000 ? `${sign}${(abs / 1000).toFixed(2)} s` : abs >= 1 ? `${sign}${abs.toFixed(1)} ms` : `${sign}${(abs * 1000).toFixed(0)} µs`
}

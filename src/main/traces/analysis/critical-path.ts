import type { TraceTree } from './trace-tree'

/**
 * The critical path: the chain of work that decided when the trace finished. Walking back from a
 * span's end, the child that finished last before that point is what the span was waiting for;
 * the time between children is the span's own work. A child still running at that point ran
 * alongside the path, not on it (as in Jaeger's critical path). Pure and iterative (a 100,000-span chain
 * must not overflow the stack); O(n log n).
 */
export interface CriticalSegment {
  span: number
  startMs: number
  endMs: number
}

/** `startMs[i]`/`durationMs` per span (raw or clock-adjusted); segments in time order. */
export function criticalPath(tree: TraceTree, startMs: ArrayLike<number>): CriticalSegment[] {
  const spans = tree.spans
  const end = (i: number): number => startMs[i]! + spans[i]!.durationMs
  // Children by end, latest first.
  const byEnd = tree.children.map((kids) => (kids.length > 1 ? [...kids].sort((a, b) => end(b) - end(a)) : kids))
  const out: CriticalSegment[] = []
  // The root that finishes last decides the trace.
  let root = -1
  for (const r of tree.roots) if (root === -1 || end(r) > end(root)) root = r
  if (root === -1) return out

  interface Frame {
    span: number
    /** Walking back: the point reached so far. */
    cursor: number
    next: number
  }
  const stack: Frame[] = [{ span: root, cursor: end(root), next: 0 }]
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    const span = frame.span
    const spanStart = startMs[span]!
    const kids = byEnd[span]!
    let descended = false
    while (frame.next < kids.length) {
      const child = kids[frame.next++]!
      const childStart = Math.max(startMs[child]!, spanStart)
      const childEnd = end(child)
      // Still running at the point reached (or ending before the span began): not waited for.
      if (childEnd > frame.cursor || childEnd <= spanStart) continue
      if (frame.cursor > childEnd) out.push({ span, startMs: childEnd, endMs: frame.cursor })
      frame.cursor = childStart
      stack.push({ span: child, cursor: childEnd, next: 0 })
      descended = true
      break
    }
    if (descended) continue
    if (frame.cursor > spanStart) out.push({ span, startMs: spanStart, endMs: frame.cursor })
    stack.pop()
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)
}

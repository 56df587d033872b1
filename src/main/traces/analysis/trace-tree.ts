import type { LiteSpan } from './lite-span'

/**
 * A trace's spans as a tree: children under their parents in start order, spans whose parent is
 * absent (not sent, dropped, evicted) shown as extra roots and marked. Pure.
 */
export interface TraceTree {
  spans: readonly LiteSpan[]
  /** Index of each span's parent in `spans`, or -1 for a root. */
  parent: Int32Array
  /** Children of each span, by index, in start order. */
  children: number[][]
  /** Roots in start order: spans without a parent, then those whose parent is missing. */
  roots: number[]
  /** Spans whose parent id names a span the trace does not hold. */
  orphan: Uint8Array
}

/** Shared by every leaf; never pushed to. */
const noChildren: number[] = Object.freeze([]) as unknown as number[]

export function buildTree(spans: readonly LiteSpan[]): TraceTree {
  const n = spans.length
  const index = new Map<string, number>()
  spans.forEach((span, i) => {
    if (!index.has(span.spanId)) index.set(span.spanId, i)
  })
  // Zipkin shared servers: children naming the shared id belong under the server half of their service.
  const sharedServers = new Map<string, number>()
  spans.forEach((span, i) => {
    if (span.sharedWith) sharedServers.set(span.sharedWith, i)
  })
  const parent = new Int32Array(n).fill(-1)
  const orphan = new Uint8Array(n)
  // Most spans are leaves: they share one empty list, and a list is made for a span's first child.
  const children: number[][] = new Array<number[]>(n).fill(noChildren)
  const roots: number[] = []
  for (let i = 0; i < n; i++) {
    const span = spans[i]!
    if (span.parentSpanId === null) {
      roots.push(i)
      continue
    }
    let p = index.get(span.parentSpanId)
    const server = sharedServers.get(span.parentSpanId)
    if (server !== undefined && server !== i && spans[server]!.service === span.service && span.spanId !== span.parentSpanId) p = server
    if (p === undefined || p === i) {
      if (p === undefined) orphan[i] = 1
      roots.push(i)
      continue
    }
    parent[i] = p
    if (children[p] === noChildren) children[p] = [i]
    else children[p]!.push(i)
  }
  breakCycles(parent, children, roots)
  const byStart = (a: number, b: number): number => spans[a]!.startMs - spans[b]!.startMs || a - b
  for (const list of children) if (list.length > 1) list.sort(byStart)
  roots.sort((a, b) => orphan[a]! - orphan[b]! || byStart(a, b))
  return { spans, parent, children, roots, orphan }
}

/**
 * A cycle of parent ids (a bad sender) would hide its spans from every walk from the roots. Spans
 * no root reaches are in a cycle or under one: cut one link of each cycle, making that span a root.
 * Linear: each span is walked a bounded number of times.
 */
function breakCycles(parent: Int32Array, children: number[][], roots: number[]): void {
  const n = parent.length
  const reached = new Uint8Array(n)
  const mark = (from: number): void => {
    const stack = [from]
    while (stack.length > 0) {
      const i = stack.pop()!
      if (reached[i]) continue
      reached[i] = 1
      for (const child of children[i]!) stack.push(child)
    }
  }
  for (const root of roots) mark(root)
  const walk = new Int32Array(n).fill(-1)
  for (let start = 0; start < n; start++) {
    if (reached[start]) continue
    // Walk up until a span repeats: that span is on the cycle.
    let at = start
    while (walk[at] !== start && !reached[at]) {
      walk[at] = start
      at = parent[at]!
    }
    if (reached[at]) continue
    const p = parent[at]!
    children[p] = children[p]!.filter((c) => c !== at)
    parent[at] = -1
    roots.push(at)
    mark(at)
  }
}

/** Spans in display order (depth first, children in start order) with their depth. */
export function depthFirst(tree: TraceTree): { order: Int32Array; depth: Int32Array } {
  const n = tree.spans.length
  const order = new Int32Array(n)
  const depth = new Int32Array(n)
  let next = 0
  const visited = new Uint8Array(n)
  const stack: number[] = []
  const visit = (root: number): void => {
    stack.push(root)
    depth[root] = 0
    while (stack.length > 0) {
      const i = stack.pop()!
      if (visited[i]) continue
      visited[i] = 1
      order[next++] = i
      const kids = tree.children[i]!
      for (let k = kids.length - 1; k >= 0; k--) {
        depth[kids[k]!] = depth[i]! + 1
        stack.push(kids[k]!)
      }
    }
  }
  for (const root of tree.roots) visit(root)
  // Whatever a cycle left unreachable still shows, at the top level.
  for (let i = 0; i < n && next < n; i++) if (!visited[i]) visit(i)
  return { order, depth }
}

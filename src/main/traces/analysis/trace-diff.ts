import type { LiteSpan } from './lite-span'
import { buildTree, type TraceTree } from './trace-tree'

/**
 * Compares two traces by structure and by time: spans are grouped by their path from the root
 * (service and operation at each level), so "frontend GET /product → reviews Get → ratings Get"
 * in A lines up with the same path in B however the span ids differ. Each row says how many spans
 * took that path in each trace, their mean durations and errors. Pure.
 */
export interface DiffRow {
  /** The path's key; a child's key starts with its parent's. */
  key: string
  depth: number
  service: string
  operation: string
  countA: number
  countB: number
  meanMsA: number | null
  meanMsB: number | null
  errorsA: number
  errorsB: number
  change: 'same' | 'onlyA' | 'onlyB' | 'count' | 'slower' | 'faster'
}

interface Node {
  key: string
  depth: number
  service: string
  operation: string
  count: [number, number]
  totalMs: [number, number]
  errors: [number, number]
  children: Map<string, Node>
}

/** Durations differing by less than this fraction (and 1 ms) count as the same. */
const noticeable = 0.2

export function diffTraces(a: readonly LiteSpan[], b: readonly LiteSpan[]): DiffRow[] {
  const top = new Map<string, Node>()
  add(top, buildTree(a), 0)
  add(top, buildTree(b), 1)
  const rows: DiffRow[] = []
  const walk = (nodes: Map<string, Node>): void => {
    for (const node of nodes.values()) {
      rows.push(rowOf(node))
      walk(node.children)
    }
  }
  walk(top)
  return rows
}

function add(top: Map<string, Node>, tree: TraceTree, side: 0 | 1): void {
  const stack: { span: number; nodes: Map<string, Node>; prefix: string; depth: number }[] = tree.roots.map((span) => ({ span, nodes: top, prefix: '', depth: 0 })).reverse()
  while (stack.length > 0) {
    const { span, nodes, prefix, depth } = stack.pop()!
    const s = tree.spans[span]!
    const label = `${s.service}\u0000${s.name}`
    let node = nodes.get(label)
    if (!node) {
      node = { key: `${prefix}/${label}`, depth, service: s.service, operation: s.name, count: [0, 0], totalMs: [0, 0], errors: [0, 0], children: new Map() }
      nodes.set(label, node)
    }
    node.count[side]++
    node.totalMs[side] += s.durationMs
    if (s.error) node.errors[side]++
    const kids = tree.children[span]!
    for (let k = kids.length - 1; k >= 0; k--) stack.push({ span: kids[k]!, nodes: node.children, prefix: node.key, depth: depth + 1 })
  }
}

function rowOf(node: Node): DiffRow {
  const meanA = node.count[0] > 0 ? node.totalMs[0] / node.count[0] : null
  const meanB = node.count[1] > 0 ? node.totalMs[1] / node.count[1] : null
  let change: DiffRow['change'] = 'same'
  if (meanA === null) change = 'onlyB'
  else if (meanB === null) change = 'onlyA'
  else if (node.count[0] !== node.count[1]) change = 'count'
  else if (Math.abs(meanB - meanA) > Math.max(1, noticeable * meanA)) change = meanB > meanA ? 'slower' : 'faster'
  return {
    key: node.key,
    depth: node.depth,
    service: node.service,
    operation: node.operation,
    countA: node.count[0],
    countB: node.count[1],
    meanMsA: meanA,
    meanMsB: meanB,
    errorsA: node.errors[0],
    errorsB: node.errors[1],
    change,
  }
}

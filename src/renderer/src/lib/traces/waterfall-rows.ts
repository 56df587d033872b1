import type { TraceOutlineDto } from '@shared/contract/traces'

/**
 * Row bookkeeping for the virtualised waterfall: which rows show when subtrees are collapsed, the
 * rows a search inside the trace matches, and the ancestors to open so a match can be seen. The
 * outline's rows are in depth-first order, so a subtree is the run of rows after its root that are
 * deeper than it. Pure; linear in the rows.
 */

/** For each row, the index just past its subtree. */
export function subtreeEnds(depth: readonly number[]): Int32Array {
  const n = depth.length
  const ends = new Int32Array(n)
  const stack: number[] = []
  for (let i = 0; i < n; i++) {
    while (stack.length > 0 && depth[stack[stack.length - 1]!]! >= depth[i]!) ends[stack.pop()!] = i
    stack.push(i)
  }
  while (stack.length > 0) ends[stack.pop()!] = n
  return ends
}

/** Rows to draw, in order, skipping the insides of collapsed subtrees. */
export function visibleRows(ends: Int32Array, collapsed: ReadonlySet<number>): Int32Array {
  const n = ends.length
  if (collapsed.size === 0) return Int32Array.from({ length: n }, (_, i) => i)
  const out = new Int32Array(n)
  let count = 0
  for (let i = 0; i < n; ) {
    out[count++] = i
    i = collapsed.has(i) ? ends[i]! : i + 1
  }
  return out.slice(0, count)
}

/** Rows whose service, version, operation or span id contains the text (case-insensitive). */
export function matchRows(outline: TraceOutlineDto, text: string): number[] {
  const needle = text.trim().toLowerCase()
  if (needle === '') return []
  const services = outline.services.map((s) => s.toLowerCase().includes(needle))
  const versions = outline.versions.map((v) => v.toLowerCase().includes(needle))
  const names = outline.names.map((s) => s.toLowerCase().includes(needle))
  const out: number[] = []
  const rows = outline.rows
  for (let i = 0; i < rows.spanId.length; i++) {
    if (services[rows.service[i]!] || names[rows.name[i]!] || (rows.version[i]! >= 0 && versions[rows.version[i]!]) || rows.spanId[i]!.includes(needle)) out.push(i)
  }
  return out
}

/** A row's ancestors, nearest first. */
export function ancestorsOf(parent: readonly number[], row: number): number[] {
  const out: number[] = []
  for (let at = parent[row]!; at !== -1 && out.length < parent.length; at = parent[at]!) out.push(at)
  return out
}

/** Critical-path triples [row, start, end] grouped by row, for drawing on each bar. */
export function criticalByRow(triples: readonly number[]): Map<number, [number, number][]> {
  const out = new Map<number, [number, number][]>()
  for (let i = 0; i + 2 < triples.length; i += 3) {
    const row = triples[i]!
    const list = out.get(row) ?? []
    list.push([triples[i + 1]!, triples[i + 2]!])
    out.set(row, list)
  }
  return out
}

export function formatDuration(ms: number): string {
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`
  return `${Math.round(ms * 1000)} µs`
}

export const kindNames = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const

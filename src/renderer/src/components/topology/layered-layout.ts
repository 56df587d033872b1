/**
 * A left → right layered layout for large meshes, pure and linear in the size of the graph.
 * dagre (network simplex, crossing minimisation over every node) takes tens of seconds at 1,000+
 * nodes and fails on some compound graphs, so above a few hundred nodes we place things ourselves:
 *
 * - each app box (a service and its versions) moves as one unit, so boxes never overlap;
 * - units get ranks by longest path over the call graph (cycles broken where a DFS finds them);
 * - each namespace is a horizontal band, so namespace boxes never overlap either;
 * - inside a band and rank, units are ordered by the barycentre of their callers (a few sweeps).
 */
export interface LayoutNodeInput {
  id: string
  parent: string | null
  kind: string
}

export interface LayoutEdgeInput {
  source: string
  target: string
}

export interface LayeredOptions {
  rankGap: number
  rowGap: number
  /** Service to versions, inside a box whose service splits traffic over several versions. */
  columnGap: number
  /** Service to its only version: that route carries no label, so a short edge is enough. */
  soleColumnGap: number
  unitGap: number
  bandGap: number
  sweeps: number
}

export const defaultLayeredOptions: LayeredOptions = { rankGap: 150, rowGap: 64, columnGap: 150, soleColumnGap: 150, unitGap: 50, bandGap: 90, sweeps: 4 }

/**
 * For graphs small enough to read whole (the demo), where every label shows: a request edge's
 * label needs about 110 px between the boxes it joins, and a split's labels need a longer edge
 * from the service to its versions. Everything else is kept tight, because the width of the
 * graph decides the zoom that shows all of it, and so the size of the text.
 */
export const roomyLayeredOptions: LayeredOptions = { rankGap: 175, rowGap: 86, columnGap: 190, soleColumnGap: 90, unitGap: 40, bandGap: 90, sweeps: 4 }

interface Unit {
  id: string
  band: string
  columns: string[][]
  rank: number
  order: number
  y: number
  height: number
  width: number
  columnGap: number
}

const isBox = (kind: string): boolean => kind === 'namespace' || kind === 'app'

export function layeredLayout(nodes: readonly LayoutNodeInput[], edges: readonly LayoutEdgeInput[], options: LayeredOptions = defaultLayeredOptions): Map<string, { x: number; y: number }> {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const unitOf = new Map<string, Unit>()
  const units = new Map<string, Unit>()
  const bandOf = (n: LayoutNodeInput): string => {
    let p = n.parent ? byId.get(n.parent) : undefined
    while (p && p.kind !== 'namespace') p = p.parent ? byId.get(p.parent) : undefined
    return p?.id ?? ''
  }
  for (const n of nodes) {
    if (isBox(n.kind)) continue
    const parent = n.parent ? byId.get(n.parent) : undefined
    const key = parent?.kind === 'app' ? parent.id : n.id
    let unit = units.get(key)
    if (!unit) {
      unit = { id: key, band: bandOf(n), columns: [[], []], rank: 0, order: 0, y: 0, height: 0, width: 0, columnGap: 0 }
      units.set(key, unit)
    }
    // Services lead their box; what runs behind them sits one column to the right.
    ;(n.kind === 'service' || n.kind === 'external' ? unit.columns[0] : unit.columns[1])?.push(n.id)
    unitOf.set(n.id, unit)
  }

  const out = new Map<Unit, Set<Unit>>()
  const into = new Map<Unit, Set<Unit>>()
  for (const u of units.values()) {
    out.set(u, new Set())
    into.set(u, new Set())
  }
  for (const e of edges) {
    const a = unitOf.get(e.source)
    const b = unitOf.get(e.target)
    if (!a || !b || a === b) continue
    out.get(a)?.add(b)
    into.get(b)?.add(a)
  }
  assignRanks([...units.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), out)

  for (const u of units.values()) {
    const cols = u.columns.filter((c) => c.length > 0)
    u.columns = cols
    for (const c of cols) c.sort()
    u.columnGap = (cols[1]?.length ?? 0) > 1 ? options.columnGap : options.soleColumnGap
    u.width = (cols.length - 1) * u.columnGap
    u.height = (Math.max(1, ...cols.map((c) => c.length)) - 1) * options.rowGap
  }

  // Bands (namespaces) top to bottom by name; units stacked per rank inside each band.
  const bands = new Map<string, Unit[]>()
  for (const u of units.values()) bands.set(u.band, [...(bands.get(u.band) ?? []), u])
  // Each rank is as wide as its widest box, so one wide box does not stretch the whole graph.
  const rankWidth = new Map<number, number>()
  for (const u of units.values()) rankWidth.set(u.rank, Math.max(rankWidth.get(u.rank) ?? 0, u.width))
  const rankX = new Map<number, number>()
  let x = 0
  for (const r of [...rankWidth.keys()].sort((a, b) => a - b)) {
    rankX.set(r, x)
    x += (rankWidth.get(r) ?? 0) + options.rankGap
  }
  let top = 0
  for (const band of [...bands.keys()].sort()) {
    const members = bands.get(band) ?? []
    const perRank = new Map<number, Unit[]>()
    for (const u of members) perRank.set(u.rank, [...(perRank.get(u.rank) ?? []), u])
    for (const list of perRank.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1))
    const stack = (): number => {
      let bandHeight = 0
      for (const list of perRank.values()) {
        let y = top
        list.forEach((u, i) => {
          u.order = i
          u.y = y
          y += u.height + options.unitGap + options.rowGap
        })
        bandHeight = Math.max(bandHeight, y - top)
      }
      return bandHeight
    }
    let height = stack()
    const ranks = [...perRank.keys()].sort((a, b) => a - b)
    for (let s = 0; s < options.sweeps; s++) {
      // Alternate directions so both callers and callees pull a unit towards them.
      const sequence = s % 2 === 0 ? ranks : [...ranks].reverse()
      for (const r of sequence) {
        const list = perRank.get(r) ?? []
        const centre = (u: Unit): number => {
          const near = [...(s % 2 === 0 ? (into.get(u) ?? []) : (out.get(u) ?? []))].filter((v) => v.band === band)
          return near.length === 0 ? u.y : near.reduce((sum, v) => sum + v.y + v.height / 2, 0) / near.length
        }
        const keyed = list.map((u) => [centre(u), u] as const)
        keyed.sort((a, b) => a[0] - b[0] || (a[1].id < b[1].id ? -1 : 1))
        perRank.set(r, keyed.map(([, u]) => u))
      }
      height = stack()
    }
    top += height + options.bandGap
  }

  const positions = new Map<string, { x: number; y: number }>()
  for (const u of units.values()) {
    const x0 = rankX.get(u.rank) ?? 0
    u.columns.forEach((col, c) => {
      const offset = (u.height - (col.length - 1) * options.rowGap) / 2
      col.forEach((id, i) => positions.set(id, { x: x0 + c * u.columnGap, y: u.y + offset + i * options.rowGap }))
    })
  }
  return positions
}

/** Longest-path ranks on the call graph; edges that close a cycle (found by DFS) are ignored. */
function assignRanks(units: Unit[], out: Map<Unit, Set<Unit>>): void {
  const state = new Map<Unit, 1 | 2>()
  const order: Unit[] = []
  const back = new Set<string>()
  for (const root of units) {
    if (state.has(root)) continue
    // Iterative DFS: a deep call chain must not overflow the stack.
    const stack: [Unit, Unit[]][] = [[root, [...(out.get(root) ?? [])]]]
    state.set(root, 1)
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [Unit, Unit[]]
      const next = top[1].shift()
      if (!next) {
        state.set(top[0], 2)
        order.push(top[0])
        stack.pop()
        continue
      }
      const s = state.get(next)
      if (s === 1) back.add(`${top[0].id}\n${next.id}`)
      else if (s === undefined) {
        state.set(next, 1)
        stack.push([next, [...(out.get(next) ?? [])]])
      }
    }
  }
  // Reverse post-order is a topological order of the graph without its back edges.
  for (const u of order.reverse()) {
    for (const v of out.get(u) ?? []) {
      if (!back.has(`${u.id}\n${v.id}`)) v.rank = Math.max(v.rank, u.rank + 1)
    }
  }
}

import cytoscape, { type Core, type ElementDefinition, type LayoutOptions, type NodeCollection, type NodeSingular, type Position } from 'cytoscape'
import dagre from 'cytoscape-dagre'
import fcose from 'cytoscape-fcose'
import type { HealthClass, TopologyEdge, TopologyNode } from '@shared/contract'
import { edgeData, nodeData, type EdgeLabelMode } from './element-data'
import { graphStyle, readPalette } from './graph-style'
import { canvasRenderer, paintLayersInSlices, pinNotLoading, timeSlicer } from './first-draw'
import { HealthOverlay } from './health-overlay'
import { defaultLayeredOptions, layeredLayout, roomyLayeredOptions, type LayoutEdgeInput, type LayoutNodeInput } from './layered-layout'
import { loadSavedLayout, storeSavedLayout, type SavedLayout } from './saved-layout'

let extensionsRegistered = false
function registerExtensions(): void {
  if (extensionsRegistered) return
  cytoscape.use(dagre)
  cytoscape.use(fcose)
  extensionsRegistered = true
}

/**
 * `auto` is the layered layout: app and namespace boxes never overlap by construction, which
 * dagre's compound support does not promise (the demo's reviews and details boxes overlapped).
 * Small graphs get roomier spacing, so labels fit between boxes at the zoom that shows everything.
 */
export type LayoutName = 'auto' | 'dagre' | 'layered' | 'fcose'

/** Up to this many nodes a graph is meant to be read whole, labels and all. (dagre, on request, needs 13–100 s for 1,100 nodes.) */
export const readableLimit = 250
/** Elements a first load adds per task (see addInChunks). */
export const firstLoadChunk = 200
/** Time a large first load may take per task before it lets the page answer (see firstLoadInSlices). */
const firstLoadSliceMs = 30
/** Elements added to cytoscape at a time during a large first load. */
const firstLoadBatch = 40
export type Selection = { kind: 'node' | 'edge'; id: string } | null

export interface CanvasSnapshot {
  nodes: readonly TopologyNode[]
  edges: readonly TopologyEdge[]
}

export interface LayoutReport {
  /** Whole graph laid out (first load, button) or only new elements placed. */
  scope: 'full' | 'new'
  /** The layout that ran: dagre, layered or fcose for a full layout; `neighbours` for new nodes placed beside theirs. */
  name: string
  nodes: number
  ms: number
}

export interface CanvasOptions {
  container: HTMLElement
  onSelect: (selection: Selection) => void
  onLayout?: (report: LayoutReport) => void
  /** A large first load started (elements to add) or is drawn (null): the page says so meanwhile. */
  onLoading?: (elements: number | null) => void
  layout?: LayoutName
  labelMode?: EdgeLabelMode
  storage?: Storage
}

/** Above this many edges, edges are drawn the cheap way (see graph-style.ts) and health goes on the overlay. */
const largeEdgeCount = 800
/** A graph drawn the large way: grey elements, with only problems marked on the health overlay. */
export const isLargeGraph = (edgeCount: number): boolean => edgeCount > largeEdgeCount
const isBox = (kind: string): boolean => kind === 'namespace' || kind === 'app'
/** Parents before children: a child added before its box would land at the top level. */
const sortParentsFirst = (nodes: ElementDefinition[]): void => {
  const depth = (d: ElementDefinition): number => (d.data.kind === 'namespace' ? 0 : d.data.kind === 'app' ? 1 : 2)
  nodes.sort((a, b) => depth(a) - depth(b))
}
const leafIds = (nodes: ElementDefinition[]): string[] => nodes.filter((d) => !isBox(d.data.kind as string)).map((d) => d.data.id as string)
/** The health an element is drawn with: boxes are neutral frames whatever their members do (element-data.ts). */
const drawnHealth = (element: TopologyNode | TopologyEdge): HealthClass => ('source' in element ? element.health : nodeData(element).health)
/** Above this share of new nodes, placing them one by one looks worse than laying out again. */
const fullLayoutShare = 0.5

/**
 * Owns the cytoscape instance. Updates are incremental: changed numbers only update element data
 * (styles follow); removed elements go; only added nodes get positions. The layout runs on the
 * whole graph only the first time (or on request), so a person's mental map survives every refresh.
 */
export class TopologyCanvas {
  private readonly cy: Core
  private readonly applied = new Map<string, TopologyNode | TopologyEdge>()
  private readonly saved: SavedLayout
  private readonly pinned: Set<string>
  private readonly media: MediaQueryList
  private readonly onTheme = (): void => {
    const palette = readPalette()
    this.cy.style(graphStyle(palette, { large: this.large }))
    this.overlay?.setPalette(palette)
  }
  private large = false
  /** A first load of a large graph being added in chunks; snapshots arriving meanwhile wait in `queued`. */
  private loading: Promise<void> | null = null
  private queued: CanvasSnapshot | null = null
  private destroyed = false
  /** Health of a large graph, drawn beside cytoscape rather than by it (see health-overlay.ts). */
  private overlay: HealthOverlay | null = null
  private saveTimer: ReturnType<typeof setTimeout> | null = null
  /** Label text not yet given to cytoscape because nobody can read it now (zoomed out or off screen). */
  private readonly pendingLabels = new Map<string, string>()
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  private layoutName: LayoutName
  private labelMode: EdgeLabelMode

  constructor(private readonly options: CanvasOptions) {
    registerExtensions()
    this.layoutName = options.layout ?? 'auto'
    this.labelMode = options.labelMode ?? 'all'
    this.saved = loadSavedLayout(options.storage)
    this.pinned = new Set(this.saved.pinned)
    this.cy = cytoscape({
      container: options.container,
      style: graphStyle(readPalette()),
      minZoom: 0.05,
      maxZoom: 3,
      // While panning or zooming a big graph, draw a cached texture instead of every edge.
      textureOnViewport: true,
      boxSelectionEnabled: false,
    })
    this.cy.on('add', 'node', (e) => pinNotLoading(e.target as NodeSingular))
    this.cy.on('tap', 'node, edge', (e) => options.onSelect({ kind: e.target.isNode() ? 'node' : 'edge', id: e.target.id() as string }))
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) options.onSelect(null)
    })
    // A node the user dragged stays where they put it, across updates, layouts and reloads.
    this.cy.on('dragfree', 'node', (e) => {
      const moved = (e.target as NodeSingular).union((e.target as NodeSingular).descendants())
      moved.forEach((n) => {
        if (n.isParent()) return
        this.pinned.add(n.id())
        n.data('pinned', 'yes')
      })
      this.scheduleSave()
    })
    this.cy.on('viewport', () => {
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = null
        this.flushLabels()
      }, 120)
    })
    this.media = window.matchMedia('(prefers-color-scheme: dark)')
    this.media.addEventListener('change', this.onTheme)
  }

  get pinnedCount(): number {
    return this.pinned.size
  }

  /** Brings the drawing in line with a snapshot; returns how many nodes were added. */
  apply(next: CanvasSnapshot): number {
    if (this.loading) {
      // Only the latest matters: it is applied as a diff once the first load is drawn.
      this.queued = next
      return 0
    }
    const firstLoad = this.applied.size === 0
    const addedNodes: ElementDefinition[] = []
    const addedEdges: ElementDefinition[] = []
    const seen = new Set<string>()
    // Chosen before adding anything: restyling thousands of elements afterwards doubles the first paint.
    const large = isLargeGraph(next.edges.length)
    if (large !== this.large) {
      this.large = large
      this.switchHealthDrawing()
      this.onTheme()
    }
    if (firstLoad && next.nodes.length + next.edges.length > firstLoadChunk) {
      this.loading = this.firstLoadInSlices(next).finally(() => {
        this.loading = null
        if (!this.destroyed) this.options.onLoading?.(null)
        const queued = this.queued
        this.queued = null
        if (queued && !this.destroyed) this.apply(queued)
      })
      return next.nodes.length
    }
    const overlay = this.overlay
    this.cy.batch(() => {
      for (const node of next.nodes) {
        seen.add(node.id)
        const before = this.applied.get(node.id) as TopologyNode | undefined
        if (before === node) continue
        if (!before) {
          addedNodes.push(this.newNode(node))
          continue
        }
        this.applied.set(node.id, node)
        const data = nodeData(node)
        overlay?.set(node.id, false, data.health)
        const el = this.cy.getElementById(node.id)
        if (before.parent !== node.parent) el.move({ parent: node.parent })
        const old = nodeData(before)
        // Style-bearing fields go in at once (a colour change must show); the label follows its own
        // rules. With the overlay on, cytoscape's copy of health is left alone: writing it restyles.
        if (old.missing !== data.missing || old.kind !== data.kind) el.data({ missing: data.missing, kind: data.kind })
        if (!overlay && old.health !== data.health) el.data('health', data.health)
        this.setLabel(node.id, data.label, false)
      }
      for (const edge of next.edges) {
        seen.add(edge.id)
        const before = this.applied.get(edge.id)
        if (before === edge) continue
        if (!before) {
          addedEdges.push(this.newEdge(edge))
          continue
        }
        this.applied.set(edge.id, edge)
        const data = edgeData(edge, this.labelMode)
        overlay?.set(edge.id, true, edge.health)
        {
          if (!overlay && (before as TopologyEdge).health !== edge.health) this.cy.getElementById(edge.id).data('health', edge.health)
          if (edgeData(before as TopologyEdge).errors !== data.errors) this.cy.getElementById(edge.id).data('errors', data.errors)
          this.setLabel(edge.id, data.label, true)
        }
      }
      for (const id of [...this.applied.keys()]) {
        if (seen.has(id)) continue
        overlay?.set(id, 'source' in (this.applied.get(id) ?? {}), null)
        this.applied.delete(id)
        this.pendingLabels.delete(id)
        this.cy.getElementById(id).remove()
      }
      sortParentsFirst(addedNodes)
      this.cy.add(addedNodes)
      this.cy.add(addedEdges)
    })
    const newLeaves = leafIds(addedNodes)
    if (newLeaves.length > 0) this.placeNew(newLeaves)
    return addedNodes.length
  }

  /** A node met for the first time: remembered, its health given to the overlay, its definition for cytoscape. */
  private newNode(node: TopologyNode): ElementDefinition {
    this.applied.set(node.id, node)
    const data = nodeData(node)
    this.overlay?.set(node.id, false, data.health)
    return { group: 'nodes', data: { ...this.withDeferredLabel(data), pinned: this.pinned.has(node.id) ? 'yes' : 'no' } }
  }

  private newEdge(edge: TopologyEdge): ElementDefinition {
    this.applied.set(edge.id, edge)
    this.overlay?.set(edge.id, true, edge.health)
    return { group: 'edges', data: this.withDeferredLabel(edgeData(edge, this.labelMode)) }
  }

  /** The first load of a large graph: even working out the elements' data took 100–200 ms in one task. */
  private async firstLoadInSlices(next: CanvasSnapshot): Promise<void> {
    this.options.onLoading?.(next.nodes.length + next.edges.length)
    const slice = timeSlicer(firstLoadSliceMs)
    const nodes: ElementDefinition[] = []
    const edges: ElementDefinition[] = []
    for (const node of next.nodes) {
      if (this.destroyed) return
      nodes.push(this.newNode(node))
      if (slice.due()) await slice.next()
    }
    for (const edge of next.edges) {
      if (this.destroyed) return
      edges.push(this.newEdge(edge))
      if (slice.due()) await slice.next()
    }
    sortParentsFirst(nodes)
    await slice.next()
    if (!this.destroyed) await this.addInChunks(nodes, edges, leafIds(nodes))
  }

  /**
   * The first load of a large graph, a chunk per task so the page keeps answering: one add of
   * 3,600 elements and its first draw blocked the renderer for over a second. The layered layout
   * runs on the definitions before anything is added, so each element goes in at its final place:
   * moving them after the add made the first draw work out every element's geometry again (half of
   * a 500 ms draw). Elements are added a few dozen at a time, each batch's styles, sizes and drawing
   * geometry worked out at once, in tasks of about firstLoadSliceMs, with drawing held back meanwhile
   * (a half-built graph drawn between chunks made the load five times longer); then the graph is
   * painted into cytoscape's layers in slices too, and drawn once.
   */
  private async addInChunks(nodes: ElementDefinition[], edges: ElementDefinition[], newLeaves: string[]): Promise<void> {
    // cytoscape's renderer: its redraw() asks for a frame; held back while loading.
    const renderer = canvasRenderer(this.cy)
    const own = Object.getOwnPropertyDescriptor(renderer, 'redraw')
    renderer.redraw = () => undefined
    const laidOut = this.layOutDefinitions(nodes, edges, newLeaves)
    const elements = [...nodes, ...edges]
    const slice = timeSlicer(firstLoadSliceMs)
    try {
      for (let i = 0; i < elements.length; i += firstLoadBatch) {
        if (this.destroyed) return
        this.cy.add(elements.slice(i, i + firstLoadBatch)).boundingBox({ includeLabels: true })
        // What the renderer would otherwise work out for every element in the first frame.
        if (laidOut) renderer.flushRenderedStyleQueue()
        if (slice.due()) await slice.next()
      }
      await slice.next()
      if (this.destroyed) return
      if (laidOut) {
        this.fit()
        this.flushLabels()
        if (laidOut.report) {
          this.savePositions()
          this.options.onLayout?.(laidOut.report)
        }
        await slice.next()
        // The first frame then copies finished layers instead of drawing 3,600 elements (~450 ms).
        await paintLayersInSlices(this.cy, slice, () => this.destroyed)
      }
    } finally {
      // Back to cytoscape's own redraw.
      if (own) Object.defineProperty(renderer, 'redraw', own)
      else delete (renderer as { redraw?: unknown }).redraw
    }
    if (this.destroyed) return
    if (!laidOut && newLeaves.length > 0) this.placeNew(newLeaves)
    renderer.redraw()
  }

  /**
   * Gives each new leaf of a first load its position before it is added: the one it was saved at,
   * else the layered layout's. Same result as adding and then calling placeNew. Null when the
   * layout needs cytoscape's elements (dagre, fcose): those are placed after the add.
   */
  private layOutDefinitions(nodes: ElementDefinition[], edges: ElementDefinition[], newLeaves: string[]): { report: LayoutReport | null } | null {
    const name = this.layoutName === 'auto' ? 'layered' : this.layoutName
    if (name !== 'layered') return null
    const started = performance.now()
    const unknown = newLeaves.filter((id) => !this.saved.positions[id])
    const positions =
      unknown.length === 0
        ? new Map<string, Position>()
        : this.layeredPositions(
            nodes.map((d) => ({ id: d.data.id as string, parent: (d.data.parent as string | undefined) ?? null, kind: d.data.kind as string })),
            edges.map((d) => ({ source: d.data.source as string, target: d.data.target as string })),
            nodes.filter((d) => !isBox(d.data.kind as string)).length,
          )
    for (const d of nodes) {
      if (isBox(d.data.kind as string)) continue
      const at = this.saved.positions[d.data.id as string] ?? positions.get(d.data.id as string)
      if (at) d.position = { ...at }
    }
    return { report: unknown.length === 0 ? null : { scope: 'full', name, nodes: nodes.length, ms: performance.now() - started } }
  }

  /** Small graphs (up to readableLimit leaves) get the roomy spacing their labels need. */
  private layeredPositions(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], leaves: number): Map<string, Position> {
    return layeredLayout(nodes, edges, leaves <= readableLimit ? roomyLayeredOptions : defaultLayeredOptions)
  }

  /** Lays out the whole graph again (the toolbar button, or a layout change); pinned nodes stay. */
  relayout(name: LayoutName = this.layoutName): void {
    this.layoutName = name
    this.runFullLayout()
  }

  /** Switches what edge labels say (see edgeLabelModes); only labels change, nothing moves. */
  setLabelMode(mode: EdgeLabelMode): void {
    if (mode === this.labelMode) return
    this.labelMode = mode
    this.cy.batch(() => {
      for (const element of this.applied.values()) {
        if ('source' in element) this.setLabel(element.id, edgeData(element, mode).label, true)
      }
    })
  }

  /** The container changed size (a side panel opened or closed, the window moved): draw and fit again. */
  resize(): void {
    this.cy.resize()
    this.fit()
  }

  unpinAll(): void {
    this.cy.nodes('[pinned = "yes"]').data('pinned', 'no')
    this.pinned.clear()
    this.runFullLayout()
  }

  /**
   * Fits the leaf nodes' centres (plus a margin) into the view. cytoscape's own fit measures every
   * label and edge curve first, which took over 3 s on the 2,000-edge bench graph.
   */
  fit(): void {
    const leaves = this.cy.nodes().filter((n) => !n.isParent())
    if (leaves.empty()) return
    let x1 = Infinity
    let y1 = Infinity
    let x2 = -Infinity
    let y2 = -Infinity
    leaves.forEach((n) => {
      const p = n.position()
      x1 = Math.min(x1, p.x)
      y1 = Math.min(y1, p.y)
      x2 = Math.max(x2, p.x)
      y2 = Math.max(y2, p.y)
    })
    const margin = 80
    const zoom = Math.min(this.cy.width() / (x2 - x1 + 2 * margin), this.cy.height() / (y2 - y1 + 2 * margin), 1.5)
    const clamped = Math.max(this.cy.minZoom(), Math.min(this.cy.maxZoom(), zoom))
    this.cy.viewport({ zoom: clamped, pan: { x: this.cy.width() / 2 - ((x1 + x2) / 2) * clamped, y: this.cy.height() / 2 - ((y1 + y2) / 2) * clamped } })
  }

  select(id: string | null): void {
    this.cy.$(':selected').unselect()
    if (id) this.cy.getElementById(id).select()
  }

  destroy(): void {
    this.destroyed = true
    if (this.flushTimer) clearTimeout(this.flushTimer)
    if (this.saveTimer) {
      clearTimeout(this.saveTimer)
      this.savePositions()
    }
    this.media.removeEventListener('change', this.onTheme)
    this.overlay?.destroy()
    this.cy.destroy()
  }

  /**
   * Moves health between cytoscape's styles (small graphs) and the overlay (large ones). Cytoscape's
   * copy of health goes stale while the overlay is on, so it is written back in one batch when the
   * graph becomes small again.
   */
  private switchHealthDrawing(): void {
    if (this.large) {
      this.overlay ??= new HealthOverlay(this.cy, this.options.container, readPalette())
      for (const [id, element] of this.applied) this.overlay.set(id, 'source' in element, drawnHealth(element))
      return
    }
    this.overlay?.destroy()
    this.overlay = null
    this.cy.batch(() => {
      for (const [id, element] of this.applied) {
        const health = drawnHealth(element)
        const el = this.cy.getElementById(id)
        if (el.nonempty() && el.data('health') !== health) el.data('health', health)
      }
    })
  }

  /**
   * Changing an element's data makes cytoscape restyle it; doing that for thousands of labels every
   * second is what made large graphs stutter. A label nobody can read right now (the zoom hides it,
   * or it is off screen) is kept here and handed over when the view comes to it.
   */
  private setLabel(id: string, label: string, isEdge: boolean): void {
    if (!this.labelZoom(isEdge)) {
      this.pendingLabels.set(id, label)
      return
    }
    const el = this.cy.getElementById(id)
    if (this.readable(el)) {
      this.pendingLabels.delete(id)
      if (el.data('label') !== label) el.data('label', label)
    } else {
      this.pendingLabels.set(id, label)
    }
  }

  /**
   * In a large graph a new element starts without its label; measuring thousands of labels nobody
   * can read at the zoom a large graph needs was most of the first paint. flushLabels adds them as
   * they come into view.
   */
  private withDeferredLabel<T extends { id: string; label: string }>(data: T): T {
    if (!this.large || data.label === '') return data
    this.pendingLabels.set(data.id, data.label)
    return { ...data, label: '' }
  }

  private flushLabels(): void {
    if (this.pendingLabels.size === 0) return
    this.cy.batch(() => {
      for (const [id, label] of this.pendingLabels) {
        const el = this.cy.getElementById(id)
        if (el.empty()) this.pendingLabels.delete(id)
        else if (this.readable(el)) {
          el.data('label', label)
          this.pendingLabels.delete(id)
        }
      }
    })
  }

  /**
   * Same rule cytoscape applies for min-zoomed-font-size in graph-style.ts: it compares the font
   * size times the zoom rounded UP to its texture level (a power of two, device pixels included),
   * so at zoom 0.6 a 10 px label is still drawn. Using the raw zoom here left drawn labels stale.
   */
  private labelZoom(isEdge: boolean): boolean {
    const scale = Math.pow(2, Math.ceil(Math.log2(this.cy.zoom() * (window.devicePixelRatio || 1))))
    return isEdge ? scale * 10 >= 8 : scale * 11 >= 7
  }

  private readable(el: cytoscape.CollectionReturnValue): boolean {
    if (!this.labelZoom(el.isEdge())) return false
    const view = this.cy.extent()
    const inside = (p: Position): boolean => p.x >= view.x1 - 100 && p.x <= view.x2 + 100 && p.y >= view.y1 - 100 && p.y <= view.y2 + 100
    if (el.isNode()) return inside(el.position())
    const edge = el as unknown as cytoscape.EdgeSingular
    return inside(edge.source().position()) || inside(edge.target().position())
  }

  private placeNew(ids: string[]): void {
    const started = performance.now()
    const leaves = this.cy.nodes().filter((n) => !n.isParent())
    const unknown = ids.filter((id) => !this.saved.positions[id])
    for (const id of ids) {
      const at = this.saved.positions[id]
      if (at) this.cy.getElementById(id).position({ ...at })
    }
    const firstTime = leaves.length === ids.length
    if (unknown.length === 0) {
      if (firstTime) this.fit()
      this.flushLabels()
      return
    }
    if (firstTime || unknown.length > leaves.length * fullLayoutShare) {
      // Nodes with remembered places keep them; the layout is only for everything else.
      this.runFullLayout(ids.filter((id) => this.saved.positions[id]))
      return
    }
    this.placeNearNeighbours(unknown)
    this.flushLabels()
    this.scheduleSave()
    this.options.onLayout?.({ scope: 'new', name: 'neighbours', nodes: unknown.length, ms: performance.now() - started })
  }

  /**
   * A new node goes right of a node that calls it, left of one it calls, or under a sibling in its
   * box; the rest of the graph does not move.
   */
  private placeNearNeighbours(ids: string[]): void {
    const placed = new Set(this.cy.nodes().filter((n) => !n.isParent() && !ids.includes(n.id())).map((n) => n.id()))
    const taken = (p: Position): boolean =>
      [...placed].some((id) => {
        const q = this.cy.getElementById(id).position()
        return Math.abs(q.x - p.x) < 60 && Math.abs(q.y - p.y) < 50
      })
    const free = (p: Position): Position => {
      const at = { ...p }
      while (taken(at)) at.y += 70
      return at
    }
    const placedIn = (c: NodeCollection): NodeSingular[] => c.filter((n) => placed.has(n.id())).toArray() as NodeSingular[]
    const remaining = [...ids]
    while (remaining.length > 0) {
      let index = remaining.findIndex((id) => placedIn(this.cy.getElementById(id).neighborhood().nodes()).length > 0)
      if (index < 0) index = 0
      const id = remaining.splice(index, 1)[0] as string
      const node = this.cy.getElementById(id)
      const caller = placedIn(node.incomers().nodes())[0]
      const callee = placedIn(node.outgoers().nodes())[0]
      const sibling = placedIn(node.siblings().nodes()).at(-1)
      let at: Position
      if (caller) at = { x: caller.position().x + 220, y: caller.position().y }
      else if (callee) at = { x: callee.position().x - 220, y: callee.position().y }
      else if (sibling) at = { x: sibling.position().x, y: sibling.position().y + 80 }
      else {
        const box = this.cy.nodes().filter((n) => placed.has(n.id())).boundingBox()
        at = placed.size > 0 ? { x: box.x2 + 200, y: box.y1 } : { x: 0, y: 0 }
      }
      node.position(free(at))
      placed.add(id)
    }
  }

  private runFullLayout(keep: string[] = []): void {
    const started = performance.now()
    const hold = new Map<string, Position>()
    for (const id of [...this.pinned, ...keep]) {
      const at = this.saved.positions[id]
      if (at && this.cy.getElementById(id).nonempty()) hold.set(id, at)
    }
    const leaves = this.cy.nodes().filter((n) => !n.isParent())
    const name = this.layoutName === 'auto' ? 'layered' : this.layoutName
    if (name === 'layered') {
      const positions = this.layeredPositions(
        this.cy.nodes().map((n) => ({ id: n.id(), parent: (n.data('parent') as string | undefined) ?? null, kind: n.data('kind') as string })),
        this.cy.edges().map((e) => ({ source: e.data('source') as string, target: e.data('target') as string })),
        leaves.length,
      )
      this.cy.batch(() => {
        for (const [id, at] of positions) this.cy.getElementById(id).position(at)
      })
    } else {
      this.cy.layout(this.layoutOptions(name)).run()
    }
    this.cy.batch(() => {
      for (const [id, at] of hold) this.cy.getElementById(id).position({ ...at })
    })
    this.fit()
    this.flushLabels()
    this.savePositions()
    this.options.onLayout?.({ scope: 'full', name, nodes: this.cy.nodes().length, ms: performance.now() - started })
  }

  private layoutOptions(name: 'dagre' | 'fcose'): LayoutOptions {
    if (name === 'fcose') {
      return { name: 'fcose', animate: false, randomize: true, quality: 'default', nodeSeparation: 90, idealEdgeLength: 140 } as LayoutOptions
    }
    return { name: 'dagre', rankDir: 'LR', animate: false, nodeSep: 28, rankSep: 140, edgeSep: 10, fit: false } as LayoutOptions
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      this.savePositions()
    }, 400)
  }

  private savePositions(): void {
    const positions: SavedLayout['positions'] = {}
    this.cy.nodes().forEach((n) => {
      if (n.isParent()) return
      const p = n.position()
      positions[n.id()] = { x: Math.round(p.x), y: Math.round(p.y) }
    })
    this.saved.positions = positions
    this.saved.pinned = [...this.pinned].filter((id) => positions[id])
    storeSavedLayout(this.saved, this.options.storage)
  }
}

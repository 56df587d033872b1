/**
 * Bench page: mounts the real topology store and graph component, with a bridge that stands in for
 * the preload (the same interface the desktop app gives the renderer). The runner drives it.
 */
import type { EventName, MeshdeckBridge, TopologyDiff, TopologyEdge, TopologyGraph } from '@shared/contract'
import type { LayoutReport } from '../../../src/renderer/src/components/topology/topology-canvas'

interface LongTask {
  start: number
  duration: number
}

const longTasks: LongTask[] = []
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration })
}).observe({ type: 'longtask', buffered: true })

const violations: string[] = []
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective}: ${e.blockedURI}`))

/** topology.get's answer as JSON text, parsed on each call as the app's transports do. */
let served = JSON.stringify({ version: 0, nodes: [], edges: [] })
const listeners = new Set<(payload: TopologyDiff) => void>()

const bridge = {
  call: async (method: string) =>
    method === 'topology.get'
      ? { ok: true, result: JSON.parse(served) as TopologyGraph }
      : { ok: false, error: { code: 'unavailable', message: `${method} is not part of the bench` } },
  on: (event: EventName, handler: (payload: TopologyDiff) => void) => {
    if (event !== 'topology.changed') return () => undefined
    listeners.add(handler)
    return () => void listeners.delete(handler)
  },
}
window.meshdeck = bridge as unknown as MeshdeckBridge

// Imported after the bridge exists: the API client picks its transport when it loads.
const { createApp, h } = await import('vue')
const { createPinia } = await import('pinia')
const { setEventSource } = await import('../../../src/renderer/src/lib/subscriptions')
const { on } = await import('../../../src/renderer/src/api/client')
// As the app's main.ts does: stores subscribe to events through this source.
setEventSource(on)
const { useTopologyStore } = await import('../../../src/renderer/src/stores/topology')
const { default: TopologyGraphView } = await import('../../../src/renderer/src/components/topology/TopologyGraph.vue')

const layouts: LayoutReport[] = []
const pinia = createPinia()
const app = createApp({
  setup() {
    const store = useTopologyStore()
    // As the Topology page does: follow topology.changed while mounted (the first load finds an empty graph).
    store.follow()
    return () => h(TopologyGraphView, { graph: store.graph, onLayout: (r: LayoutReport) => layouts.push(r) })
  },
})
app.use(pinia)
app.mount('#app')
const store = useTopologyStore(pinia)

const frames = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
}

const bench = {
  /**
   * Serves the graph as topology.get, starts the store, and waits until the drawing is on screen.
   * The graph comes as JSON text: handed over as an object, Playwright rebuilt it inside the page in
   * the same task as the load (~250 ms the app never spends; it gets a parsed IPC message or JSON).
   */
  async load(graph: string): Promise<{ layoutMs: number | null; layout: string; paintedMs: number; nodes: number; startedAt: number }> {
    served = graph
    const t0 = performance.now()
    await store.load()
    // A large first load is added in chunks, a task each: wait until the graph is no longer busy, then two frames.
    const deadline = performance.now() + 30_000
    const busy = (): boolean => document.querySelector('[data-testid=topology-graph]')?.getAttribute('aria-busy') !== 'false'
    while ((busy() || !layouts.some((l) => l.scope === 'full')) && performance.now() < deadline) await frames(1)
    await frames(2)
    const full = layouts.find((l) => l.scope === 'full')
    return { layoutMs: full?.ms ?? null, layout: full?.name ?? 'none', paintedMs: performance.now() - t0, nodes: store.graph.nodes.length, startedAt: t0 }
  },
  /**
   * Opens the event socket. Diffs arrive over a real WebSocket, as in web mode: each is a message
   * task of its own, parsed from JSON there, so the long-task observer sees all of the work.
   * (Delivering through page.evaluate ran it inside a DevTools message task, which the observer
   * does not report: the apply was invisible.) After each diff is drawn (two frames) the page
   * answers on the same socket with how long that took.
   */
  connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url)
      socket.onopen = () => resolve()
      socket.onerror = () => reject(new Error(`cannot open ${url}`))
      socket.onmessage = (message: MessageEvent<string>) => {
        const before = layouts.length
        const t0 = performance.now()
        const frame = JSON.parse(message.data) as { event: EventName; payload: TopologyDiff }
        if (frame.event === 'topology.changed') for (const listener of listeners) listener(frame.payload)
        void frames(2).then(() => socket.send(JSON.stringify({ appliedMs: performance.now() - t0, version: store.version, newLayouts: layouts.slice(before) })))
      }
    })
  },
  /** What the drawing runs with, read back from cytoscape itself so the printout cannot go stale. */
  settings(): Record<string, string | number | boolean> {
    type Styled = { pstyle(p: string): { value: unknown; mapping?: { value: unknown } }; empty(): boolean }
    type Box = { x1: number; y1: number; x2: number; y2: number }
    type Cy = {
      zoom(): number
      extent(): Box
      edges(): { first(): Styled }
      nodes(s: string): { first(): Styled; boundingBox(o: { includeLabels: boolean }): Box }
      renderer(): { textureOnViewport?: boolean; hideEdgesOnViewport?: boolean; motionBlur?: boolean }
    }
    const cy = (document.querySelector('[data-testid=topology-graph]') as unknown as { _cyreg: { cy: Cy } })._cyreg.cy
    const edge = cy.edges().first()
    const box = cy.nodes('[kind = "app"]').first()
    const r = cy.renderer()
    const graph = cy.nodes('[kind = "namespace"]').boundingBox({ includeLabels: false })
    const view = cy.extent()
    // The share of the graph's area on screen: all of it means every element is drawn each frame.
    const shown = (Math.max(0, Math.min(graph.x2, view.x2) - Math.max(graph.x1, view.x1)) * Math.max(0, Math.min(graph.y2, view.y2) - Math.max(graph.y1, view.y1))) / ((graph.x2 - graph.x1) * (graph.y2 - graph.y1))
    return {
      devicePixelRatio: window.devicePixelRatio,
      zoom: Number(cy.zoom().toFixed(3)),
      graphOnScreen: `${Math.round(shown * 100)}%`,

      textureOnViewport: Boolean(r.textureOnViewport),
      hideEdgesOnViewport: Boolean(r.hideEdgesOnViewport),
      motionBlur: Boolean(r.motionBlur),
      edgeCurve: String(edge.pstyle('curve-style').value),
      edgeArrow: String(edge.pstyle('target-arrow-shape').value),
      boxFillOpacity: Number(box.pstyle('background-opacity').value),
      // Health of a large graph is on a canvas above cytoscape's, not in its styles.
      healthOverlay: document.querySelector('[data-testid=topology-health-overlay]') !== null,
      labelMapper: typeof edge.pstyle('label').mapping?.value === 'function' ? 'function' : 'data()',
    }
  },
  /**
   * The health overlay of a large graph checked by its pixels: a failing edge is red at its
   * midpoint, still red at the right place after a pan, and gone once the edge is removed. Run last:
   * the removal is a diff of its own.
   */
  async overlayCheck(): Promise<{ ok: boolean; detail: string }> {
    type P = { x: number; y: number }
    type Cy = { getElementById(id: string): { renderedPosition(): P }; panBy(p: P): void; width(): number; height(): number }
    const cy = (document.querySelector('[data-testid=topology-graph]') as unknown as { _cyreg: { cy: Cy } })._cyreg.cy
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=topology-health-overlay]')
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return { ok: false, detail: 'no overlay canvas' }
    const ratio = window.devicePixelRatio || 1
    /** The reddest pixel in a 5×5 patch: a 1.5 px line at a fractional position covers few pixels fully. */
    const red = (p: P): boolean => {
      const d = ctx.getImageData(Math.round(p.x * ratio) - 2, Math.round(p.y * ratio) - 2, 5, 5).data
      for (let i = 0; i < d.length; i += 4) if ((d[i + 3] ?? 0) > 120 && (d[i] ?? 0) > 150 && (d[i + 1] ?? 0) < 100 && (d[i + 2] ?? 0) < 100) return true
      return false
    }
    const ends = (e: { source: string; target: string }): [P, P] => [cy.getElementById(e.source).renderedPosition(), cy.getElementById(e.target).renderedPosition()]
    const mid = (e: { source: string; target: string }): P => {
      const [a, b] = ends(e)
      return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
    }
    const gap = (p: P, a: P, b: P): number => {
      const dx = b.x - a.x
      const dy = b.y - a.y
      const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)))
      return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy)
    }
    const marked = store.graph.edges.filter((e) => e.health === 'failing' || e.health === 'degraded')
    const rings = store.graph.nodes.filter((n) => n.kind !== 'app' && n.kind !== 'namespace' && (n.health === 'failing' || n.health === 'degraded'))
    // An edge no other mark comes near, at its midpoint m and at m − pan: after the pan, the new
    // midpoint shows what is near m now and the old one what is near m − pan now, so a blank there
    // can only mean its own mark moved or went.
    const pan = { x: 180, y: 90 }
    const alone = (e: TopologyEdge, shift: P): boolean => {
      const m = mid(e)
      const p = { x: m.x - shift.x, y: m.y - shift.y }
      return marked.every((o) => o === e || gap(p, ...ends(o)) > 8) && rings.every((n) => Math.hypot(cy.getElementById(n.id).renderedPosition().x - p.x, cy.getElementById(n.id).renderedPosition().y - p.y) > 14)
    }
    const inView = (p: P): boolean => p.x > 20 && p.y > 20 && p.x < cy.width() - pan.x - 20 && p.y < cy.height() - pan.y - 20
    const edge = marked.find((e) => e.health === 'failing' && inView(mid(e)) && alone(e, { x: 0, y: 0 }) && alone(e, pan))
    if (!edge) return { ok: false, detail: 'no failing edge on its own in view' }
    const before = mid(edge)
    if (!red(before)) return { ok: false, detail: `failing edge ${edge.id} not red at its midpoint (${before.x.toFixed(0)}, ${before.y.toFixed(0)})` }
    cy.panBy(pan)
    await frames(2)
    const after = mid(edge)
    if (!red(after)) return { ok: false, detail: `after a pan of ${pan.x}, ${pan.y} px the edge's midpoint (${after.x.toFixed(0)}, ${after.y.toFixed(0)}) is not red` }
    if (red(before)) return { ok: false, detail: 'after the pan the old midpoint is still red' }
    for (const listener of listeners) listener({ fromVersion: store.version, version: store.version + 1, upsertNodes: [], removeNodes: [], upsertEdges: [], removeEdges: [edge.id] })
    await frames(2)
    if (red(after)) return { ok: false, detail: `edge ${edge.id} removed, its mark still painted` }
    return { ok: true, detail: `failing edge red at its midpoint, followed a pan of ${pan.x}, ${pan.y} px, left no paint when removed` }
  },
  now: (): number => performance.now(),
  longTasks: (since: number): LongTask[] => longTasks.filter((t) => t.start >= since),
  violations: (): string[] => violations,
}

;(window as unknown as { bench: typeof bench }).bench = bench
document.title = 'ready'

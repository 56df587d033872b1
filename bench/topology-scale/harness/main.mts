/**
 * Bench page: mounts the real topology store and graph component, with a bridge that stands in for
 * the preload (the same interface the desktop app gives the renderer). The runner drives it.
 */
import type { EventName, MeshdeckBridge, TopologyDiff, TopologyGraph } from '@shared/contract'
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

let served: TopologyGraph = { version: 0, nodes: [], edges: [] }
const listeners = new Set<(payload: TopologyDiff) => void>()

const bridge = {
  call: async (method: string) =>
    method === 'topology.get'
      ? { ok: true, result: served }
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
const { useTopologyStore } = await import('../../../src/renderer/src/stores/topology')
const { default: TopologyGraphView } = await import('../../../src/renderer/src/components/topology/TopologyGraph.vue')

const layouts: LayoutReport[] = []
const pinia = createPinia()
const app = createApp({
  setup() {
    const store = useTopologyStore()
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
  /** Serves the graph as topology.get, starts the store, and waits until the drawing is on screen. */
  async load(graph: TopologyGraph): Promise<{ layoutMs: number | null; layout: string; paintedMs: number; nodes: number }> {
    served = graph
    const t0 = performance.now()
    await store.start()
    await frames(2)
    const full = layouts.find((l) => l.scope === 'full')
    return { layoutMs: full?.ms ?? null, layout: full?.name ?? 'none', paintedMs: performance.now() - t0, nodes: store.graph.nodes.length }
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
      labelMapper: typeof edge.pstyle('label').mapping?.value === 'function' ? 'function' : 'data()',
    }
  },
  now: (): number => performance.now(),
  longTasks: (since: number): LongTask[] => longTasks.filter((t) => t.start >= since),
  violations: (): string[] => violations,
}

;(window as unknown as { bench: typeof bench }).bench = bench
document.title = 'ready'

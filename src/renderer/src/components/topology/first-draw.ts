import type { Core, NodeSingular } from 'cytoscape'

/**
 * The parts of cytoscape's canvas renderer (3.x, not in its typings) that a large first draw is
 * spread over. Its layered texture cache paints elements into a few big offscreen layers once, and
 * every later frame just copies the layers: that is why a redraw of the 3,600-element bench graph
 * costs ~20 ms. Left to itself the cache fills the layers a few elements per frame while every
 * frame meanwhile draws all elements directly (~450 ms each in software rendering).
 */
interface LayerCache {
  firstGet: boolean
  skipping: boolean
  layersQueue: { size(): number }
  getLayers(eles: unknown[], pxRatio: number, lvl?: number): unknown[] | null
  dequeue(pxRatio: number): unknown[]
}
export interface CanvasRenderer {
  redraw(options?: unknown): void
  /** Works out the drawing geometry of the elements changed since the last frame (else done by the next frame). */
  flushRenderedStyleQueue(): void
  getPixelRatio(): number
  getCachedZSortedEles(forceRecalc?: boolean): unknown[] & { nondrag: unknown[] }
  data: { lyrTxrCache?: LayerCache }
}

interface Drawable {
  boundingBox(): unknown
  isNode(): boolean
  pstyle(name: string): { value?: unknown }
  _private: { backgrounding?: boolean }
}

/** As cytoscape's drawNode counts them: any url other than none. */
const hasImages = (e: Drawable): boolean => {
  const urls = e.pstyle('background-image').value
  return !Array.isArray(urls) || urls.some((url) => url != null && url !== 'none')
}

/**
 * cytoscape 3.34 draws a node's background images twice (under and over its border) and after each
 * pass sets the node's "images still loading" flag from that pass's count, which for a node with no
 * image comes out false then true: every draw of a node restyles it twice, and a restyle
 * invalidates the layered texture cache, so the next frame draws every element directly again
 * (200–400 ms on the bench graph) instead of copying layers. A node without images is never
 * loading any, so its flag is pinned to false.
 */
export function pinNotLoading(node: NodeSingular): void {
  const e = node as unknown as Drawable
  if (hasImages(e)) return
  Object.defineProperty(e._private, 'backgrounding', { get: () => false, set: () => undefined, configurable: true })
}

export interface TimeSlicer {
  /** This task has run its time. */
  due(): boolean
  /** Lets the page answer (a new task), then starts the next slice. */
  next(): Promise<void>
}

/** Cuts long work into tasks of about `budgetMs`, so input and frames get their turn between them. */
export function timeSlicer(budgetMs: number): TimeSlicer {
  let started = performance.now()
  return {
    due: () => performance.now() - started >= budgetMs,
    next: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0))
      started = performance.now()
    },
  }
}

export const canvasRenderer = (cy: Core): CanvasRenderer => (cy as unknown as { renderer(): CanvasRenderer }).renderer()

/**
 * Paints the layers of the current view ahead of the first frame, a slice per task, so that
 * frame only copies finished layers. Call with drawing held back and every element's geometry
 * worked out (flushRenderedStyleQueue): a change afterwards invalidates the layers and the frame
 * draws directly again, which is correct, only slower. Returns false, having done nothing, when
 * the renderer is not one this understands (another cytoscape version): the first frame then
 * draws everything itself, as before.
 */
export async function paintLayersInSlices(cy: Core, slice: TimeSlicer, cancelled: () => boolean): Promise<boolean> {
  const r = canvasRenderer(cy)
  const cache = r.data?.lyrTxrCache
  if (!cache || typeof cache.getLayers !== 'function' || typeof cache.dequeue !== 'function' || typeof cache.layersQueue?.size !== 'function') return false
  const pxRatio = r.getPixelRatio()
  const eles = r.getCachedZSortedEles().nondrag as Drawable[]
  if (slice.due()) await slice.next()
  // Every element's bounds (boxes grew as their members came) and drawing geometry worked out
  // first: working one out later counts as a change and throws the layers away.
  for (const e of eles) {
    e.boundingBox()
    if (slice.due()) await slice.next()
  }
  r.flushRenderedStyleQueue()
  // Queue the elements into layers rather than paint them all now (what the cache does on its
  // first use) or skip layers because elements changed a moment ago (it does after any change).
  cache.firstGet = false
  cache.skipping = false
  if (cache.getLayers(eles, pxRatio) !== null) return true
  while (cache.layersQueue.size() > 0) {
    if (cancelled()) return true
    cache.dequeue(pxRatio)
    if (slice.due()) await slice.next()
  }
  return true
}

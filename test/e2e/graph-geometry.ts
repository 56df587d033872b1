import type { Page } from '@playwright/test'

/** A node as drawn, in screen pixels: leaves include their label, boxes include everything inside. */
export interface DrawnBox {
  id: string
  kind: string
  parent: string | null
  x1: number
  y1: number
  x2: number
  y2: number
  /** The label's font size times the zoom: what a person's eye gets. */
  screenFontPx: number
}

/** Reads the geometry from cytoscape's own registry on the container (no hook in Meshdeck). */
export async function drawnBoxes(page: Page): Promise<DrawnBox[]> {
  return page.getByTestId('topology-graph').evaluate((el) => {
    type Box = { x1: number; y1: number; x2: number; y2: number }
    type Node = {
      id(): string
      data(k: string): unknown
      renderedBoundingBox(o: { includeLabels: boolean; includeOverlays: boolean; includeEdges: boolean }): Box
      pstyle(p: string): { pfValue: number }
    }
    const cy = (el as unknown as { _cyreg: { cy: { zoom(): number; nodes(): { map<T>(f: (n: Node) => T): T[] } } } })._cyreg.cy
    const zoom = cy.zoom()
    return cy.nodes().map((n) => {
      const b = n.renderedBoundingBox({ includeLabels: true, includeOverlays: false, includeEdges: false })
      const parent = n.data('parent')
      return { id: n.id(), kind: String(n.data('kind')), parent: typeof parent === 'string' ? parent : null, x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2, screenFontPx: n.pstyle('font-size').pfValue * zoom }
    })
  })
}

const intersect = (a: DrawnBox, b: DrawnBox): boolean => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2

/**
 * Pairs that overlap and should not: two leaves (with their labels), two app boxes, or a leaf and
 * an app box it does not belong to.
 */
export function overlappingPairs(boxes: readonly DrawnBox[]): string[] {
  const leaves = boxes.filter((b) => b.kind !== 'app' && b.kind !== 'namespace')
  const apps = boxes.filter((b) => b.kind === 'app')
  const pairs: string[] = []
  const report = (a: DrawnBox, b: DrawnBox): void => {
    if (intersect(a, b)) pairs.push(`${a.id} × ${b.id}`)
  }
  for (const same of [leaves, apps]) for (let i = 0; i < same.length; i++) for (let j = i + 1; j < same.length; j++) report(same[i] as DrawnBox, same[j] as DrawnBox)
  for (const leaf of leaves) for (const app of apps) if (leaf.parent !== app.id) report(leaf, app)
  return pairs
}

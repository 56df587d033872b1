import type { Page } from '@playwright/test'
import { buildTopology } from '../../src/main/telemetry'
import { defaultSynthetic, syntheticMesh } from '../../bench/topology-scale/synthetic'
import { callApi, type ServeProcess } from '../support/serve-process'
import { expect, screenshotDir, test } from './fixtures'

/**
 * A large graph's health is painted on a canvas above cytoscape's (health-overlay.ts). Checked by
 * its pixels in the real app: the bench's 500-service mesh fed through `topology.feed`.
 */
async function feed(serve: ServeProcess, params: Record<string, unknown>): Promise<void> {
  const response = await callApi(serve, 'topology.feed', { feeder: 'e2e', ...params })
  expect(response.status).toBe(200)
}

interface Mark {
  id: string
  source?: string
  target?: string
}

type P = { x: number; y: number }

/** Whether the overlay is red (the theme's --bad) around a point, in the overlay's CSS pixels. */
function redAt(page: Page, at: P): Promise<boolean> {
  return page.getByTestId('topology-health-overlay').evaluate((el, p) => {
    type Canvas = { width: number; getBoundingClientRect(): { width: number }; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
    const canvas = el as unknown as Canvas
    const ctx = canvas.getContext('2d')
    const ratio = canvas.width / canvas.getBoundingClientRect().width
    // A 1.5 px stroke at a fractional position covers few pixels fully: look at a 5 × 5 patch.
    const d = ctx.getImageData(Math.round(p.x * ratio) - 2, Math.round(p.y * ratio) - 2, 5, 5).data
    for (let i = 0; i < d.length; i += 4) if ((d[i + 3] ?? 0) > 120 && (d[i] ?? 0) > 150 && (d[i + 1] ?? 0) < 100 && (d[i + 2] ?? 0) < 100) return true
    return false
  }, at)
}

/** The midpoint of an edge as drawn (centre to centre, as large graphs draw edges), in rendered pixels. */
function midpoint(page: Page, id: string): Promise<P | null> {
  return page.getByTestId('topology-graph').evaluate((el, edgeId) => {
    type Node = { renderedPosition(): P }
    const cy = (el as unknown as { _cyreg: { cy: { getElementById(id: string): { empty(): boolean; source(): Node; target(): Node } } } })._cyreg.cy
    const e = cy.getElementById(edgeId)
    if (e.empty()) return null
    const a = e.source().renderedPosition()
    const b = e.target().renderedPosition()
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
  }, id)
}

/**
 * A failing edge whose midpoint, now and after panning by `pan`, no other mark comes near, so
 * "not red there" can only mean its own mark is gone.
 */
function loneFailingEdge(page: Page, failing: string[], marks: { edges: Mark[]; nodes: string[] }, pan: P): Promise<string | null> {
  return page.getByTestId('topology-graph').evaluate(
    (el, { failing, marks, pan }) => {
      type Node = { renderedPosition(): P }
      type Cy = { width(): number; height(): number; getElementById(id: string): Node & { source(): Node; target(): Node } }
      const cy = (el as unknown as { _cyreg: { cy: Cy } })._cyreg.cy
      const ends = (id: string): [P, P] => [cy.getElementById(id).source().renderedPosition(), cy.getElementById(id).target().renderedPosition()]
      const gap = (p: P, [a, b]: [P, P]): number => {
        const dx = b.x - a.x
        const dy = b.y - a.y
        const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)))
        return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy)
      }
      const rings = marks.nodes.map((id) => cy.getElementById(id).renderedPosition())
      const segments = marks.edges.map((e) => ({ id: e.id, ends: ends(e.id) }))
      return (
        failing.find((id) => {
          const [a, b] = ends(id)
          const m = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
          if (m.x < 20 || m.y < 20 || m.x > cy.width() - pan.x - 20 || m.y > cy.height() - pan.y - 20) return false
          // After the pan, the midpoint's new place shows what is near it now, and its old place
          // what is near m − pan now: both must be free of other marks.
          const clear = (p: P): boolean => segments.every((s) => s.id === id || gap(p, s.ends) > 8) && rings.every((r) => Math.hypot(r.x - p.x, r.y - p.y) > 14)
          return clear(m) && clear({ x: m.x - pan.x, y: m.y - pan.y })
        }) ?? null
      )
    },
    { failing, marks, pan },
  )
}

test('a large graph paints a failing edge red on its overlay, follows a pan, and leaves nothing behind when the edge goes', async ({ page, serve }) => {
  test.setTimeout(120_000)
  const mesh = syntheticMesh(defaultSynthetic)
  const { services, workloads, routes } = mesh.input
  const stats = mesh.stats(3, true)
  const graph = buildTopology({ ...mesh.input, stats })
  const failing = graph.edges.filter((e) => e.kind === 'request' && e.health === 'failing').map((e) => e.id)
  expect(failing.length).toBeGreaterThan(5)
  const isBox = (kind: string): boolean => kind === 'app' || kind === 'namespace'
  const marks = {
    edges: graph.edges.filter((e) => e.health === 'failing' || e.health === 'degraded').map((e) => ({ id: e.id })),
    nodes: graph.nodes.filter((n) => !isBox(n.kind) && (n.health === 'failing' || n.health === 'degraded')).map((n) => n.id),
  }

  await page.goto(`${serve.url}#/topology`)
  await feed(serve, { services, workloads, routes, stats })
  await expect(page.getByTestId('topology-counts')).toContainText('500 services', { timeout: 30_000 })
  // A first load this large is drawn in chunks, the graph busy meanwhile.
  await expect(page.getByTestId('topology-graph')).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 })
  await expect(page.getByTestId('topology-health-overlay')).toBeAttached()
  // Healthy elements are grey here, so the legend must not promise green.
  await expect(page.getByTestId('topology-legend')).toContainText('failing (marked)')
  await expect(page.getByTestId('topology-legend')).not.toContainText('healthy')

  const pan = { x: 180, y: 90 }
  const id = await loneFailingEdge(page, failing, marks, pan)
  expect(id, 'a failing edge in view with no other mark near its midpoint').not.toBeNull()
  const edge = id as string
  const before = (await midpoint(page, edge)) as P
  await expect.poll(() => redAt(page, before), { timeout: 5_000 }).toBe(true)
  await page.screenshot({ path: `${screenshotDir}/topology-large-health.png` })

  // Pan: the mark moves with the drawing, and its old place is clear.
  await page.getByTestId('topology-graph').evaluate((el, by) => {
    ;(el as unknown as { _cyreg: { cy: { panBy(p: P): void } } })._cyreg.cy.panBy(by)
  }, pan)
  const after = (await midpoint(page, edge)) as P
  expect(after.x - before.x).toBeCloseTo(pan.x, 3)
  await expect.poll(() => redAt(page, after), { timeout: 5_000 }).toBe(true)
  expect(await redAt(page, before)).toBe(false)

  // The edge's traffic stops, so the edge goes: its mark must go with it.
  const [, sourceVersion, targetHost] = /^req:ver:([^/]+\/[^/]+\/[^-]+)->svc:(.+)$/.exec(edge) ?? []
  expect(sourceVersion, edge).toBeDefined()
  const [ns, app, version] = (sourceVersion as string).split('/')
  const fromEdgeSource = (s: (typeof stats)[number]): boolean => typeof s.source === 'object' && 'workload' in s.source && s.source.workload.namespace === ns && s.source.workload.name === `${app}-${version}`
  const remaining = stats.filter((s) => !(fromEdgeSource(s) && s.destinationHost === targetHost))
  expect(remaining.length).toBeLessThan(stats.length)
  await feed(serve, { stats: remaining })
  await expect.poll(() => midpoint(page, edge), { timeout: 10_000 }).toBeNull()
  await expect.poll(() => redAt(page, after), { timeout: 5_000 }).toBe(false)

  await feed(serve, { services: [], workloads: [], routes: [], stats: [] })
})

test('drawing a large graph again restyles none of its elements, so cytoscape keeps the layers the first load painted', async ({ page, serve }) => {
  test.setTimeout(120_000)
  const mesh = syntheticMesh(defaultSynthetic)
  const { services, workloads, routes } = mesh.input
  await page.goto(`${serve.url}#/topology`)
  await feed(serve, { services, workloads, routes, stats: mesh.stats(3, false) })
  await expect(page.getByTestId('topology-counts')).toContainText('500 services', { timeout: 30_000 })
  await expect(page.getByTestId('topology-graph')).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 })
  // cytoscape 3.34 restyled every image-less node it drew directly (its images-loading flag
  // flipped), and a restyle throws its layer cache away: the next frame drew all 3,610 elements
  // again. A full drawing of the graph (an image export draws every element) must restyle nothing.
  const restyled = await page.getByTestId('topology-graph').evaluate((el) => {
    type Cy = { on(ev: string, fn: () => void): void; off(ev: string, fn: () => void): void; png(o: { full: boolean; scale: number }): string }
    const cy = (el as unknown as { _cyreg: { cy: Cy } })._cyreg.cy
    let count = 0
    const onStyle = (): void => {
      count++
    }
    cy.on('style', onStyle)
    for (let i = 0; i < 2; i++) cy.png({ full: true, scale: 0.1 })
    cy.off('style', onStyle)
    return count
  })
  expect(restyled).toBe(0)
  await feed(serve, { services: [], workloads: [], routes: [], stats: [] })
})

import type { Page } from '@playwright/test'
import { callApi, type ServeProcess } from '../support/serve-process'
import { expect, screenshotDir, test } from './fixtures'

/**
 * The topology is fed through `topology.feed`, the public API outside collectors use. The embedded
 * control plane will feed the same TopologyService in-process; until it does, this is the honest way in.
 */
const host = (name: string): string => `${name}.default.svc.cluster.local`
const ref = (kind: string, name: string) => ({ kind, namespace: 'default', name })

function config() {
  const service = (name: string, subsets: string[] = []) => ({
    host: host(name),
    namespace: 'default',
    app: name,
    ports: [{ name: 'grpc', port: 50051, protocol: 'GRPC' }],
    subsets: subsets.map((v) => ({ name: v, labels: { version: v } })),
    refs: [ref('Service', name), ...(subsets.length ? [ref('DestinationRule', name)] : [])],
  })
  const workload = (app: string, version: string) => ({
    name: `${app}-${version}`,
    namespace: 'default',
    app,
    version,
    labels: { app, version },
    services: [host(app)],
    ready: 1,
    desired: 1,
    refs: [ref('WorkloadEntry', `${app}-${version}`)],
  })
  const route = (subset: string, weight: number) => ({ source: 'any', host: host('reviews'), destinationHost: host('reviews'), subset, weight, origin: ref('VirtualService', 'reviews') })
  return {
    services: [service('frontend'), service('details'), service('reviews', ['v1', 'v2', 'v3']), service('ratings')],
    workloads: [workload('frontend', 'v1'), workload('details', 'v1'), workload('reviews', 'v1'), workload('reviews', 'v2'), workload('reviews', 'v3'), workload('ratings', 'v1')],
    routes: [route('v1', 80), route('v2', 20), route('v3', 0)],
  }
}

function stats(detailsRps: number) {
  const s = (from: string, to: string, subset: string | null, rps: number, errorRps: number, p99Ms: number) => ({
    source: { workload: { namespace: 'default', name: from } },
    destinationHost: host(to),
    subset,
    rps,
    errorRps,
    p50Ms: p99Ms / 4,
    p99Ms,
    inFlight: 1,
    mtls: null,
  })
  return [s('frontend-v1', 'details', null, detailsRps, 0, 12), s('frontend-v1', 'reviews', 'v1', 8.1, 0, 20), s('frontend-v1', 'reviews', 'v2', 1.9, 0.5, 80), s('reviews-v2', 'ratings', null, 1.9, 0, 9)]
}

async function feed(serve: ServeProcess, params: Record<string, unknown>): Promise<void> {
  const response = await callApi(serve, 'topology.feed', { feeder: 'e2e', ...params })
  expect(response.status).toBe(200)
}

type Drawn = { id: string; label: string; x: number; y: number; model: { x: number; y: number } }

/** What cytoscape drew: read from the library's own registry on the container (no hook in Meshdeck). */
async function drawn(page: Page): Promise<{ nodes: Drawn[]; edges: Drawn[] }> {
  return page.getByTestId('topology-graph').evaluate((el) => {
    type P = { x: number; y: number }
    type El = { id(): string; data(k: string): string; position?(): P; midpoint?(): P; renderedPosition?(): P; renderedMidpoint?(): P }
    const cy = (el as unknown as { _cyreg: { cy: { nodes(): { map<T>(f: (n: El) => T): T[] }; edges(): { map<T>(f: (n: El) => T): T[] } } } })._cyreg.cy
    return {
      nodes: cy.nodes().map((n) => ({ id: n.id(), label: n.data('label'), ...(n.renderedPosition as () => P)(), model: { ...(n.position as () => P)() } })),
      edges: cy.edges().map((e) => ({ id: e.id(), label: e.data('label'), ...(e.renderedMidpoint as () => P)(), model: { ...(e.midpoint as () => P)() } })),
    }
  })
}

test('the topology shows fed services with live numbers, and a click opens the charts', async ({ page, serve }) => {
  const problems: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })
  page.on('pageerror', (err) => problems.push(err.message))

  // Before anything is fed the page says what will appear and how to get it.
  await page.goto(`${serve.url}#/topology`)
  await expect(page.getByRole('status').filter({ hasText: 'No topology to show yet' })).toContainText('meshdeck serve --demo')

  await feed(serve, { ...config(), stats: stats(10) })
  await expect(page.getByTestId('topology-counts')).toContainText('4 services · 9 edges')
  const first = await drawn(page)
  expect(first.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['svc:reviews.default.svc.cluster.local', 'ver:default/reviews/v2', 'app:default/reviews', 'ns:default']))
  const split = first.edges.find((e) => e.id === 'route:svc:reviews.default.svc.cluster.local->ver:default/reviews/v2')
  expect(split?.label).toContain('weight 20% / observed 19%')
  const details = (d: { edges: Drawn[] }) => d.edges.find((e) => e.id === 'req:ver:default/frontend/v1->svc:details.default.svc.cluster.local')
  expect(details(first)?.label).toBe('10.0 rps · 0% err\np99 12.0 ms')
  await page.screenshot({ path: `${screenshotDir}/topology-graph.png` })

  // A number changes: the label follows within about a second, and nothing moves.
  await feed(serve, { stats: stats(42) })
  await expect.poll(async () => details(await drawn(page))?.label, { timeout: 5_000 }).toBe('42.0 rps · 0% err\np99 12.0 ms')
  const second = await drawn(page)
  for (const n of first.nodes) {
    const now = second.nodes.find((m) => m.id === n.id)
    expect(now, n.id).toBeDefined()
    expect(Math.round(now?.x ?? NaN), n.id).toBe(Math.round(n.x))
    expect(Math.round(now?.y ?? NaN), n.id).toBe(Math.round(n.y))
  }

  // Clicking the reviews v2 node opens its details with the three charts.
  const v2 = second.nodes.find((n) => n.id === 'ver:default/reviews/v2') as Drawn
  const box = await page.getByTestId('topology-graph').boundingBox()
  await page.mouse.click((box?.x ?? 0) + v2.x, (box?.y ?? 0) + v2.y)
  const panel = page.getByTestId('topology-panel')
  await expect(panel).toBeVisible()
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('reviews v2')
  await expect(panel.getByTestId('panel-rps')).toHaveText('1.90 rps')
  for (const chart of ['Request rate', 'Errors', 'Latency p99']) await expect(panel.getByTestId(`chart-${chart}`).locator('canvas')).toBeVisible()
  await expect(panel.getByTestId('latest-Request rate')).toHaveText('latest 1.9 rps')
  await expect(panel.getByTestId('latest-Errors')).toHaveText('latest 26.32 %')
  await expect(panel.getByTestId('latest-Latency p99')).toHaveText('latest 80 ms')
  await expect(panel.getByRole('link', { name: 'WorkloadEntry default/reviews-v2' })).toBeVisible()
  await page.screenshot({ path: `${screenshotDir}/topology-panel.png` })

  // Clicking the weighted edge shows configured weight next to the observed share. The graph was
  // re-fitted beside the open panel, so the edge is looked up where it is drawn now.
  await page.waitForTimeout(300)
  const besidePanel = await drawn(page)
  const edge = besidePanel.edges.find((e) => e.id === 'route:svc:reviews.default.svc.cluster.local->ver:default/reviews/v2') as Drawn
  const narrowed = await page.getByTestId('topology-graph').boundingBox()
  await page.mouse.click((narrowed?.x ?? 0) + edge.x, (narrowed?.y ?? 0) + edge.y)
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('reviews → reviews v2')
  await expect(panel).toContainText('Weight20%')
  await expect(panel).toContainText('Observed19%')
  await expect(panel.getByRole('link', { name: 'VirtualService default/reviews' })).toBeVisible()

  expect(problems).toEqual([])
  await feed(serve, { services: [], workloads: [], routes: [], stats: [] })
})

test('a new version is placed beside its app without moving the rest, and a dragged node stays put after a reload', async ({ page, serve }) => {
  await page.goto(`${serve.url}#/topology`)
  await feed(serve, { ...config(), stats: stats(10) })
  await expect(page.getByTestId('topology-counts')).toContainText('4 services · 9 edges')
  const before = await drawn(page)

  // reviews v4 appears: only it gets a place; every other node keeps its own.
  const next = config()
  next.workloads.push({ ...next.workloads[4], name: 'reviews-v4', version: 'v4', labels: { app: 'reviews', version: 'v4' }, refs: [ref('WorkloadEntry', 'reviews-v4')] } as (typeof next.workloads)[number])
  await feed(serve, next)
  await expect(page.getByTestId('topology-counts')).toContainText('4 services · 10 edges')
  const after = await drawn(page)
  for (const n of before.nodes.filter((x) => !x.id.startsWith('app:') && !x.id.startsWith('ns:'))) {
    expect(after.nodes.find((m) => m.id === n.id)?.model, n.id).toEqual(n.model)
  }
  const v4 = after.nodes.find((n) => n.id === 'ver:default/reviews/v4') as Drawn
  const v3 = after.nodes.find((n) => n.id === 'ver:default/reviews/v3') as Drawn
  expect(v4).toBeDefined()
  expect(Math.abs(v4.model.x - v3.model.x)).toBeLessThan(250)
  expect(after.nodes.filter((n) => n.id.startsWith('ver:') && Math.abs(n.model.x - v4.model.x) < 30 && Math.abs(n.model.y - v4.model.y) < 30)).toHaveLength(1)

  // Drag ratings v1 somewhere else; after a reload it is still there.
  const ratings = after.nodes.find((n) => n.id === 'ver:default/ratings/v1') as Drawn
  const box = await page.getByTestId('topology-graph').boundingBox()
  const from = { x: (box?.x ?? 0) + ratings.x, y: (box?.y ?? 0) + ratings.y }
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(from.x + 40, from.y + 90, { steps: 8 })
  await page.mouse.up()
  const dragged = (await drawn(page)).nodes.find((n) => n.id === ratings.id) as Drawn
  expect(dragged.model.y).toBeGreaterThan(ratings.model.y + 30)
  await page.waitForTimeout(600) // positions are saved 400 ms after a drag
  await page.reload()
  await expect(page.getByTestId('topology-counts')).toContainText('4 services · 10 edges')
  const rounded = (p?: { x: number; y: number }) => p && { x: Math.round(p.x), y: Math.round(p.y) }
  await expect.poll(async () => rounded((await drawn(page)).nodes.find((n) => n.id === ratings.id)?.model)).toEqual(rounded(dragged.model))
  await feed(serve, { services: [], workloads: [], routes: [], stats: [] })
})

test('topology.feed refuses bad input with the field that is wrong', async ({ serve }) => {
  const response = await callApi(serve, 'topology.feed', { feeder: 'e2e', stats: [{ destinationHost: '', rps: -1 }] })
  expect(response.status).toBe(400)
  expect(JSON.stringify(response.body)).toMatch(/stats\.0\./)
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { screenshotDir } from './fixtures'
import { drawnBoxes, overlappingPairs } from './graph-geometry'

/**
 * `meshdeck serve --demo`, the embedded default, as a user sees it: nothing is fed by the test.
 * Real control plane on a free port, seven real demo workload processes, real load reports and
 * spans, real Chromium. One serve (so one demo) for the whole file.
 */
test.describe.configure({ mode: 'serial' })

type DemoStatus = { running: boolean; workloads: { name: string; state: string; pid: number | null }[] }
type Drawn = { id: string; label: string; x: number; y: number }

const reviews = 'svc:reviews.demo.svc.cluster.local'
const frontendToReviews = `req:ver:demo/frontend/v1->${reviews}`

/** What cytoscape drew: read from the library's own registry on the container (no hook in Meshdeck). */
async function drawn(page: Page): Promise<{ nodes: Drawn[]; edges: Drawn[] }> {
  return page.getByTestId('topology-graph').evaluate((el) => {
    type P = { x: number; y: number }
    type El = { id(): string; data(k: string): string; renderedPosition?(): P; renderedMidpoint?(): P }
    const cy = (el as unknown as { _cyreg: { cy: { nodes(): { map<T>(f: (n: El) => T): T[] }; edges(): { map<T>(f: (n: El) => T): T[] } } } })._cyreg.cy
    return {
      nodes: cy.nodes().map((n) => ({ id: n.id(), label: n.data('label'), ...(n.renderedPosition as () => P)() })),
      edges: cy.edges().map((e) => ({ id: e.id(), label: e.data('label'), ...(e.renderedMidpoint as () => P)() })),
    }
  })
}

async function demoStatus(): Promise<DemoStatus> {
  const outcome = (await callApi(serve, 'demo.status')).body as { ok: boolean; result: DemoStatus; error?: unknown }
  if (!outcome.ok) throw new Error(`demo.status: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

let home: string
let serve: ServeProcess

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-demo-'))
  // An empty kubeconfig: the demo must not depend on whatever cluster the machine knows.
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  const status = serve ? await demoStatus().catch(() => null) : null
  await serve?.stop()
  // SIGTERM to serve stops every workload it started: none may be left running.
  const pids = status?.workloads.flatMap((w) => (w.pid === null ? [] : [w.pid])) ?? []
  const alive = pids.filter((pid) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  })
  expect(alive).toEqual([])
  rmSync(home, { recursive: true, force: true })
})

test('serve --demo shows a living mesh on the Topology page, and reviews opens its charts', async ({ page }) => {
  test.setTimeout(180_000)
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))

  // The demo's own startup (seven processes waiting for their Listeners) comes first.
  await expect
    .poll(async () => {
      const status = await demoStatus()
      return status.running && status.workloads.length === 7 && status.workloads.every((w) => w.state === 'running')
    }, { timeout: 90_000, intervals: [500] })
    .toBe(true)

  await page.goto(`${serve.url}#/topology`)
  await expect(page.getByTestId('topology-graph')).toBeVisible()
  // Within 15 s of the page showing, the graph shows live, non-zero rates: on the frontend → reviews
  // edge (with a p99 from spans) and on the reviews service itself.
  const nonZeroRate = /\b(?!0(\.0+)? rps)\d+(\.\d+)? rps/
  await expect
    .poll(async () => (await drawn(page)).edges.find((e) => e.id === frontendToReviews)?.label ?? '', { timeout: 15_000 })
    .toMatch(new RegExp(`${nonZeroRate.source} · [\\d.]+% err\\np99 \\d`))
  await expect
    .poll(async () => (await drawn(page)).nodes.find((n) => n.id === reviews)?.label ?? '', { timeout: 5_000 })
    .toMatch(nonZeroRate)
  // The frontend → reviews edge has rates from load reports and a p99 from joined spans.
  const graphApi = (await callApi(serve, 'topology.get')).body as { result: { edges: { id: string; stats: { rps: number; p99Ms: number | null } }[] } }
  const edgeStats = graphApi.result.edges.find((e) => e.id === frontendToReviews)?.stats
  expect(edgeStats?.rps).toBeGreaterThan(0)
  expect(edgeStats?.p99Ms).not.toBeNull()
  const graph = await drawn(page)
  for (const id of ['svc:frontend.demo.svc.cluster.local', 'svc:details.demo.svc.cluster.local', reviews, 'ver:demo/reviews/v1', 'ver:demo/reviews/v2', 'ver:demo/reviews/v3', 'ver:demo/ratings/v1', 'ver:demo/loadgen/v1']) {
    expect(graph.nodes.map((n) => n.id)).toContain(id)
  }
  await expect(page.getByTestId('topology-counts')).toContainText('4 services')
  // The call graph reads left to right, caller before callee: loadgen, frontend, reviews, ratings.
  const x = (id: string): number => graph.nodes.find((n) => n.id === id)?.x ?? NaN
  expect(x('ver:demo/loadgen/v1')).toBeLessThan(x('svc:frontend.demo.svc.cluster.local'))
  expect(x('ver:demo/frontend/v1')).toBeLessThan(x(reviews))
  expect(x('ver:demo/reviews/v2')).toBeLessThan(x('svc:ratings.demo.svc.cluster.local'))
  await page.screenshot({ path: `${screenshotDir}/demo-topology-graph.png` })
  // At the zoom that fits the whole demo, nothing covers anything else and every label is readable.
  const boxes = await drawnBoxes(page)
  expect(overlappingPairs(boxes)).toEqual([])
  const smallest = Math.min(...boxes.map((b) => b.screenFontPx))
  expect(smallest).toBeGreaterThanOrEqual(11)

  // Clicking reviews opens its side panel with figures and the three charts.
  const node = graph.nodes.find((n) => n.id === reviews) as Drawn
  const box = await page.getByTestId('topology-graph').boundingBox()
  await page.mouse.click((box?.x ?? 0) + node.x, (box?.y ?? 0) + node.y)
  const panel = page.getByTestId('topology-panel')
  await expect(panel).toBeVisible()
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('reviews')
  await expect(panel.getByTestId('panel-rps')).toHaveText(nonZeroRate)
  await expect(panel.getByText('p50 / p99').locator('xpath=following-sibling::dd[1]')).toHaveText(/\d+(\.\d+)? ms \/ \d+(\.\d+)? ms/)
  for (const chart of ['Request rate', 'Errors', 'Latency p99']) await expect(panel.getByTestId(`chart-${chart}`).locator('canvas')).toBeVisible()
  await expect(panel.getByRole('link', { name: 'ServiceEntry demo/reviews' })).toBeVisible()
  await page.screenshot({ path: `${screenshotDir}/demo-topology.png` })
  expect(problems).toEqual([])
})

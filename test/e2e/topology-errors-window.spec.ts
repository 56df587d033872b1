import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'

/**
 * The topology says what a user broke, in red, and its side panel's numbers are the graph's: a real
 * `meshdeck serve --demo` in Chromium at 1280×720. Errors are injected with the demo controls of the
 * workload's side panel (no API call acts for the test); colours and labels are read from cytoscape's
 * own registry on the graph's container, as drawn.
 */
test.use({ viewport: { width: 1280, height: 720 } })
test.describe.configure({ mode: 'serial' })

let home: string
let serve: ServeProcess

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-errors-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  await serve?.stop()
  rmSync(home, { recursive: true, force: true })
})

const reviewsV3 = 'ver:demo/reviews/v3'

interface DrawnEdge {
  id: string
  lineColour: string
  labelColour: string
  label: string
  bad: string
}

/** The edge into `target` of `kind` as cytoscape draws it, with the theme's --bad as the browser resolves it. */
function drawnEdgeInto(page: Page, target: string, kind: 'route' | 'request'): Promise<DrawnEdge | null> {
  return page.getByTestId('topology-graph').evaluate(
    (el, { target, kind }) => {
      type Edge = { id(): string; data(k: string): string; target(): { id(): string }; style(p: string): string }
      const cy = (el as unknown as { _cyreg: { cy: { edges(): Edge[] & { filter(f: (e: Edge) => boolean): Edge[] } } } })._cyreg.cy
      const edge = cy.edges().filter((e) => e.target().id() === target && e.data('kind') === kind)[0]
      if (!edge) return null
      // The theme's red as a computed rgb(), the form cytoscape gives its colours in.
      type Probe = { style: { color: string }; remove(): void }
      type Doc = { createElement(t: string): Probe; body: { append(p: Probe): void }; defaultView: { getComputedStyle(p: Probe): { color: string } } }
      const doc = (el as unknown as { ownerDocument: Doc }).ownerDocument
      const probe = doc.createElement('span')
      probe.style.color = 'var(--bad)'
      doc.body.append(probe)
      const bad = doc.defaultView.getComputedStyle(probe).color
      probe.remove()
      const norm = (c: string): string => c.replace(/\s+/g, '')
      // A route edge's label sits by its version (target-label); a request edge's in the middle.
      const label = kind === 'route' ? edge.style('target-label') : edge.style('label')
      return { id: edge.id(), lineColour: norm(edge.style('line-color')), labelColour: norm(edge.style('color')), label, bad: norm(bad) }
    },
    { target, kind },
  )
}

async function panelFigure(page: Page, name: string): Promise<number> {
  const text = (await page.getByTestId('topology-panel').locator('dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]').textContent()) ?? ''
  return Number.parseFloat(text)
}

test("errors injected from a demo workload's side panel draw the edge to it red, and the errors mode writes its share", async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto(`${serve.url}#/topology?node=${encodeURIComponent(reviewsV3)}`)
  const panel = page.getByTestId('topology-panel')
  await expect(panel.getByRole('heading', { name: 'reviews v3' })).toBeVisible({ timeout: 60_000 })
  const controls = panel.getByTestId('demo-controls')
  await expect(controls).toContainText(/^Demo workload reviews-v3\s*running/, { timeout: 150_000 })
  await expect.poll(() => panelFigure(page, 'Requests'), { timeout: 60_000, intervals: [1000] }).toBeGreaterThan(0)
  // Before: the edge to v3 is not red.
  const before = await drawnEdgeInto(page, reviewsV3, 'route')
  expect(before).not.toBeNull()
  expect(before?.lineColour).not.toBe(before?.bad)

  await controls.getByLabel('Error rate percent').fill('60')
  await controls.getByRole('button', { name: 'Apply fault' }).click()
  await expect(controls.getByTestId('demo-message')).toHaveText('reviews-v3 now fails 60 % of its calls with UNAVAILABLE.')
  await page.getByTestId('edge-label-mode').selectOption('errors')

  // The route edge into v3 turns red (line and label), and its label gives the error share.
  await expect
    .poll(async () => {
      const e = await drawnEdgeInto(page, reviewsV3, 'route')
      return e !== null && e.lineColour === e.bad && e.labelColour === e.bad
    }, { timeout: 60_000, intervals: [1000] })
    .toBe(true)
  await expect
    .poll(async () => Number(/(\d+(?:\.\d+)?)% err/.exec((await drawnEdgeInto(page, reviewsV3, 'route'))?.label ?? '')?.[1] ?? NaN), { timeout: 30_000, intervals: [1000] })
    .toBeGreaterThan(30)
  await page.screenshot({ path: test.info().outputPath('reviews-v3-errors-red.png') })
})

test("the side panel states the server's window, and its rate for an edge is the edge label's rate", async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto(`${serve.url}#/topology`)
  await expect(page.getByTestId('topology-graph')).toBeVisible({ timeout: 60_000 })
  await page.getByTestId('edge-label-mode').selectOption('rate')
  // A request edge with traffic into reviews v3's callers' service: clicked where it is drawn.
  const target = await page.getByTestId('topology-graph').evaluate((el) => {
    type Edge = { id(): string; data(k: string): string; target(): { id(): string; data(k: string): string } }
    const cy = (el as unknown as { _cyreg: { cy: { edges(): Edge[] & { filter(f: (e: Edge) => boolean): Edge[] } } } })._cyreg.cy
    const edge = cy.edges().filter((e) => e.data('kind') === 'request' && e.target().data('kind') === 'service' && e.target().data('label').startsWith('reviews'))[0]
    return edge?.target().id() ?? null
  })
  expect(target).not.toBeNull()
  await expect.poll(async () => (await drawnEdgeInto(page, target!, 'request'))?.label ?? '', { timeout: 60_000, intervals: [1000] }).toMatch(/^[\d.]+ rps$/)
  await expect.poll(async () => Number.parseFloat((await drawnEdgeInto(page, target!, 'request'))?.label ?? '0'), { timeout: 60_000, intervals: [1000] }).toBeGreaterThan(0)
  const at = await page.getByTestId('topology-graph').evaluate((el, target) => {
    type Edge = { data(k: string): string; target(): { id(): string }; renderedMidpoint(): { x: number; y: number } }
    const cy = (el as unknown as { _cyreg: { cy: { edges(): Edge[] & { filter(f: (e: Edge) => boolean): Edge[] } } } })._cyreg.cy
    return cy.edges().filter((e) => e.data('kind') === 'request' && e.target().id() === target)[0]!.renderedMidpoint()
  }, target!)
  const box = await page.getByTestId('topology-graph').boundingBox()
  await page.mouse.click((box?.x ?? 0) + at.x, (box?.y ?? 0) + at.y)
  const panel = page.getByTestId('topology-panel')
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText(/ → reviews/)

  // The window is the server's: the load reports the control plane keeps and the spans' window.
  const source = ((await callApi(serve, 'topology.source', {})).body as { result: { windows: { rates: number; latency: number } } }).result
  expect(source.windows.rates).toBeGreaterThan(0)
  await expect(panel.getByTestId('panel-window')).toHaveText(
    `Now — rates and errors over the last ${source.windows.rates} s of load reports, latency over the last ${source.windows.latency} s of spans, as on the graph`,
  )

  // Read together in one task, so both come from the same graph version: equal, every time.
  for (let i = 0; i < 3; i++) {
    const both = await page.getByTestId('topology-graph').evaluate((el, target) => {
      type Edge = { data(k: string): string; target(): { id(): string }; style(p: string): string }
      const cy = (el as unknown as { _cyreg: { cy: { edges(): Edge[] & { filter(f: (e: Edge) => boolean): Edge[] } } } })._cyreg.cy
      const edge = cy.edges().filter((e) => e.data('kind') === 'request' && e.target().id() === target)[0]!
      return { label: edge.style('label'), panel: (el as unknown as { ownerDocument: { querySelector(s: string): { textContent: string | null } | null } }).ownerDocument.querySelector('[data-testid="panel-rps"]')?.textContent ?? '' }
    }, target!)
    expect(both.panel).toMatch(/^[\d.]+ rps$/)
    expect(both.panel).toBe(both.label)
    await page.waitForTimeout(2500)
  }
})
